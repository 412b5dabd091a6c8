import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { parseImageProp } from '../common/image';
import { PLATFORM_COMPONENTS, recommendedLabels, selectorLabels } from '../common/labels';
import { createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { ClusterNetwork, createNetworkPolicy, DEFAULT_CLUSTER_NETWORK, DNS_PORTS, NetworkPeer, NetworkRule } from '../common/network';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { ResourceSpec, toContainerResources } from '../common/resources';
import { SecretKeyReference } from '../common/secrets';
import { createService } from '../common/service';
import { validateDnsLabel, validateInteger } from '../common/validation';
import { EdgeGatewayAutoscaling, renderEdgeGatewayAutoscaler, resolveAutoscaling } from './edge-gateway-autoscaling';
import { edgeGatewayConfigData, EdgeGatewaySettings, parseHostPort, RedisClientSettings } from './edge-gateway-config';
import { EdgeGatewayIngress, renderEdgeGatewayIngress } from './edge-gateway-ingress';
import { EDGE_GATEWAY_ENV, EDGE_GATEWAY_PROBE_TIMINGS, EDGE_GATEWAY_RESOURCES, EDGE_GATEWAY_RUNTIME, edgeGatewayArgs, EdgeGatewayLogLevel } from './edge-gateway-runtime';
import { EdgeGatewayExternalSecret, renderDevSecret, renderExternalSecret, secretKeyEnv } from './edge-gateway-secrets';
import { EdgeRedis, EdgeRedisProps } from './redis';

/** The Developer Mesh core platform the gateway syncs tools with (DEV_MESH_URL, DEV_MESH_API_KEY). */
export interface EdgeGatewayCorePlatform {
  /** Base URL (`https://...`), or a Secret key holding it. */
  readonly url: string | SecretKeyReference;
  /** Secret key holding the core platform API key. */
  readonly apiKey: SecretKeyReference;
  /** Where the core platform runs, for the egress NetworkPolicy. @default - any address, on `port` only */
  readonly peer?: NetworkPeer;
  /** Port the gateway connects to. @default - the URL's port, else 443 for https and 80 for http (443 when the URL is in a Secret) */
  readonly port?: number;
}

/** A Redis rendered beside the gateway ({@link EdgeRedis}), wired to it and isolated for it. */
export interface EdgeGatewayBundledRedis extends Omit<EdgeRedisProps, 'password' | 'networkPolicy' | 'serviceMonitor' | 'name'> {
  readonly type: 'bundled';
  /** Secret key with the password. @default - key `redis-password` of the generated dev Secret (generateDevSecret only) */
  readonly password?: SecretKeyReference;
}

/** A Redis that already runs elsewhere (a managed service such as ElastiCache, an operator-run cluster). */
export interface EdgeGatewayExternalRedis {
  readonly type: 'external';
  /** `host:port` (REDIS_ADDR; no `redis://` scheme, no database path). */
  readonly address: string;
  /** Secret key with the password (REDIS_PASSWORD). */
  readonly password: SecretKeyReference;
  /** ACL user name (REDIS_USERNAME). @default - the default user */
  readonly username?: string;
  /** TLS to Redis (REDIS_TLS_ENABLED, REDIS_TLS_SKIP_VERIFY). @default - plaintext */
  readonly tls?: { readonly enabled?: boolean; readonly skipVerify?: boolean };
  /** Where Redis runs, for the egress NetworkPolicy. @default - any address, on the port of `address` only */
  readonly peer?: NetworkPeer;
}

/** The gateway's Redis L2 cache. */
export type EdgeGatewayRedis = EdgeGatewayBundledRedis | EdgeGatewayExternalRedis;

/** Props of {@link EdgeGateway}. */
export interface EdgeGatewayProps extends EdgeGatewaySettings {
  /** Name of the Deployment, Service, ServiceAccount and ConfigMap (RFC 1123 label, at most 46 characters). @default 'edge-mcp' */
  readonly name?: string;
  /**
   * Container image, pinned by tag or digest. Developer Mesh publishes no image: build
   * apps/edge-mcp and set this to your registry's reference.
   * @default 'ghcr.io/developer-mesh/edge-mcp:1.0.0'
   */
  readonly image?: string;
  /** Pod replicas when not autoscaled. @default 1 */
  readonly replicas?: number;
  /** A HorizontalPodAutoscaler; the Deployment then carries no spec.replicas. @default - fixed `replicas` */
  readonly autoscaling?: EdgeGatewayAutoscaling;
  /**
   * Disruption budget, rendered when more than one pod runs (set exactly one field;
   * minAvailable must stay below the minimum replicas).
   * @default { maxUnavailable: 1 }
   */
  readonly podDisruptionBudget?: { readonly minAvailable?: number; readonly maxUnavailable?: number };
  /** Requests and limits. @default 100m/256Mi requests, 1000m/512Mi limits */
  readonly resources?: ResourceSpec;
  /** `--log-level`. @default 'INFO' */
  readonly logLevel?: EdgeGatewayLogLevel;
  /**
   * Secret key holding EDGE_MCP_API_KEY, the key WebSocket clients authenticate with.
   * @default - key `api-key` of the generated dev Secret (generateDevSecret only)
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * Render an ExternalSecret (external-secrets operator) that writes the Secret the key
   * references point at. @default - none: referenced Secrets must exist
   */
  readonly externalSecret?: EdgeGatewayExternalSecret;
  /**
   * Render a Secret `<name>-dev` with derived values for `api-key` (and `redis-password`
   * for a bundled Redis). Dev only: labelled dev-only and refused by staging/prod policies.
   * @default false
   */
  readonly generateDevSecret?: boolean;
  /** The core platform. @default - standalone gateway */
  readonly corePlatform?: EdgeGatewayCorePlatform;
  /** Redis L2 cache. @default - none (EDGE_MCP_REDIS_ENABLED=false, L1 only) */
  readonly redis?: EdgeGatewayRedis;
  /** An Ingress for `/ws`. @default - none */
  readonly ingress?: EdgeGatewayIngress;
  /** Network isolation. @default - enabled */
  readonly networkPolicy?: {
    /** @default true */
    readonly enabled?: boolean;
    /** In-cluster pods allowed to connect directly, besides the ingress controller. @default - none */
    readonly clients?: NetworkPeer[];
    /** Where Prometheus, the ingress controller and DNS run. @default DEFAULT_CLUSTER_NETWORK */
    readonly clusterNetwork?: ClusterNetwork;
  };
  /** Render ServiceMonitors for the gateway (and the Redis exporter); needs the Prometheus Operator CRDs. @default false */
  readonly serviceMonitor?: boolean;
  /** Seconds pods get to close WebSockets on shutdown. @default 60 */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * The Edge MCP WebSocket gateway: a Deployment of the distroless binary on one port
 * (WebSocket `/ws`, health and metrics), a Service, a token-less ServiceAccount, a ConfigMap
 * of exactly the env vars the binary reads, API keys from Secrets (referenced, from an
 * ExternalSecret, or generated in dev), an optional HPA and PDB, topology spread, an
 * optional Redis L2 cache (bundled or external), an optional WebSocket Ingress, a
 * ServiceMonitor and a NetworkPolicy.
 *
 * Sources: seeds/edge-mcp-k8s-guide.md (features); design/upstream.md §2.1 (runtime
 * contract) and §2.4 (defects not to repeat).
 *
 * @throws McpConfigError at construction for invalid names, replicas, autoscaling, budgets,
 * rate limits, Redis without a password, an invalid ingress host, and the like.
 */
export class EdgeGateway extends Construct implements IPolicySubject {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service (port `http`) the Ingress and in-cluster clients use. */
  public readonly service: kplus.Service;
  /** The ServiceAccount (no API token mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ConfigMap of non-secret env vars. */
  public readonly config: kplus.ConfigMap;
  /** The autoscaler, when autoscaling is configured. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The bundled Redis, when configured. */
  public readonly redis?: EdgeRedis;
  /** The Ingress, when configured. */
  public readonly ingress?: kplus.Ingress;
  /** Labels the gateway pods are selected by. */
  public readonly selector: Record<string, string>;
  /** Pods that run at least (the HPA minimum, or the fixed replicas). */
  public readonly minReplicas: number;
  private readonly props: EdgeGatewayProps;
  private readonly pdbRendered: boolean;

  public constructor(scope: Construct, id: string, props: EdgeGatewayProps = {}) {
    super(scope, id);
    this.props = props;
    const name = validateDnsLabel(this, 'name', props.name ?? 'edge-mcp', 46);
    const image = parseImageProp(this, 'image', props.image ?? EDGE_GATEWAY_RUNTIME.image);
    const identity = { name: 'edge-mcp', instance: name, component: PLATFORM_COMPONENTS.edgeGateway, version: image.version };
    this.selector = selectorLabels(identity);
    const labels = recommendedLabels(identity);
    const autoscaling = props.autoscaling ? resolveAutoscaling(this, props.autoscaling) : undefined;
    const replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    this.minReplicas = autoscaling?.minReplicas ?? replicas;

    const devSecretName = `${name}-dev`;
    if (props.generateDevSecret) renderDevSecret(this, 'dev-secret', devSecretName, labels, props.redis?.type === 'bundled' && !props.redis.password ? ['api-key', 'redis-password'] : ['api-key']);
    if (props.externalSecret) renderExternalSecret(this, 'external-secret', props.externalSecret.secretName ?? name, labels, props.externalSecret);
    const fromDevSecret = (key: string) => (props.generateDevSecret ? { secretName: devSecretName, key } : undefined);
    const apiKey = props.apiKey ?? fromDevSecret('api-key');
    if (!apiKey) invalid(this, 'apiKey', apiKey, "reference the API key in a Secret: apiKey = { secretName: 'edge-mcp', key: 'api-key' } (with externalSecret to have the operator write it), or set generateDevSecret in dev");
    const redisPassword = props.redis ? props.redis.password ?? fromDevSecret('redis-password') : undefined;
    if (props.redis && !redisPassword) {
      invalid(this, 'redis.password', redisPassword, "Redis must require a password: set redis.password = { secretName, key } (e.g. { secretName: 'edge-mcp', key: 'redis-password' }), or generateDevSecret in dev");
    }
    this.checkManagedKeys([['apiKey', apiKey], ['redis.password', redisPassword], ['corePlatform.apiKey', props.corePlatform?.apiKey],
      ['corePlatform.url', typeof props.corePlatform?.url === 'object' ? props.corePlatform.url : undefined]]);

    const bundled = this.renderRedis(name, redisPassword!);
    this.redis = bundled?.redis;
    const redisClient = bundled?.client;
    const coreUrl = props.corePlatform ? this.corePlatformUrl(props.corePlatform) : undefined;
    this.config = new kplus.ConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, labels },
      data: edgeGatewayConfigData(this, props, redisClient, coreUrl?.literal) as Record<string, string>,
    });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name, labels }, automountToken: false });
    this.service = createService(this, 'service', {
      name, labels: { ...labels, [METRICS_SERVICE_LABEL]: 'true' }, selector: this.selector,
      ports: [{ name: 'http', port: EDGE_GATEWAY_RUNTIME.port, containerPort: EDGE_GATEWAY_RUNTIME.port }],
    });
    this.deployment = this.renderDeployment(name, image.toString(), labels, autoscaling ? undefined : replicas, apiKey, redisPassword);
    if (autoscaling) this.autoscaler = renderEdgeGatewayAutoscaler(this, 'hpa', name, labels, this.deployment, autoscaling);

    this.pdbRendered = this.minReplicas > 1;
    if (this.pdbRendered) {
      const budget = props.podDisruptionBudget ?? { maxUnavailable: 1 };
      if (autoscaling && budget.minAvailable !== undefined && budget.minAvailable >= autoscaling.maxReplicas) {
        invalid(this, 'podDisruptionBudget.minAvailable', budget.minAvailable, `use fewer than autoscaling.maxReplicas (${autoscaling.maxReplicas}) and fewer than autoscaling.minReplicas (${autoscaling.minReplicas}), or a drain can never evict a pod`);
      }
      new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selector, minReplicas: this.minReplicas, budget });
    }
    if (props.ingress && (props.ingress.enabled ?? true)) {
      this.ingress = renderEdgeGatewayIngress(this, 'ingress', name, labels, this.service, props.ingress);
    }
    if (props.networkPolicy?.enabled ?? true) this.renderNetworkPolicy(name, labels, coreUrl?.port);
    if (props.serviceMonitor) {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name, labels }, serviceSelector: { ...this.selector, [METRICS_SERVICE_LABEL]: 'true' }, port: 'http', path: EDGE_GATEWAY_RUNTIME.metricsPath,
      });
    }
  }

  /** `http://<service>.<namespace>.svc:8082`, the in-cluster base URL (WebSocket at `/ws`). */
  public get url(): string {
    const namespace = Chart.of(this).namespace;
    return `http://${namespace ? `${this.service.name}.${namespace}.svc` : this.service.name}:${EDGE_GATEWAY_RUNTIME.port}`;
  }

  /** Facts the environment policy checks (replicas, PDB, debug logging, generated Secrets). */
  public policyFacts(): PolicyFacts {
    return {
      component: 'EdgeGateway',
      haReplicas: { replicas: this.minReplicas, field: this.props.autoscaling ? 'autoscaling.minReplicas' : 'replicas' },
      disruptionBudget: { present: this.pdbRendered, field: 'podDisruptionBudget (rendered when more than one pod runs)' },
      debugLogging: { enabled: (this.props.logLevel ?? 'INFO') === 'DEBUG', field: 'logLevel' },
      generatedSecrets: { present: this.props.generateDevSecret ?? false, field: 'generateDevSecret' },
    };
  }

  /** A reference into the Secret the chart itself renders must name one of its keys. */
  private checkManagedKeys(refs: [string, SecretKeyReference | undefined][]): void {
    const external = this.props.externalSecret;
    if (!external) return;
    const managed = external.secretName ?? this.props.name ?? 'edge-mcp';
    for (const [field, ref] of refs) {
      if (ref && ref.secretName === managed && !(ref.key in external.data)) {
        invalid(this, `${field}.key`, ref.key, `the ExternalSecret writes only ${Object.keys(external.data).join(', ')} into Secret ${managed}: add '${ref.key}' to externalSecret.data or reference an existing key`);
      }
    }
  }

  private corePlatformUrl(core: EdgeGatewayCorePlatform): { literal?: string; port: number } {
    if (typeof core.url === 'object') return { port: validateInteger(this, 'corePlatform.port', core.port ?? 443, 1, 65535) };
    let url: URL;
    try {
      url = new URL(core.url);
    } catch {
      return invalid(this, 'corePlatform.url', core.url, "use an absolute http(s) URL such as 'https://core.example.com'");
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid(this, 'corePlatform.url', core.url, 'use an http:// or https:// URL');
    const port = core.port ?? (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
    return { literal: core.url, port: validateInteger(this, 'corePlatform.port', port, 1, 65535) };
  }

  private renderRedis(name: string, password: SecretKeyReference): { client: RedisClientSettings; redis?: EdgeRedis } | undefined {
    const redis = this.props.redis;
    if (!redis) return undefined;
    if (redis.type === 'external') {
      parseHostPort(this, 'redis.address', redis.address);
      return {
        client: {
          address: redis.address,
          username: redis.username,
          tls: redis.tls?.enabled ? { enabled: true, skipVerify: redis.tls.skipVerify ?? false } : undefined,
        },
      };
    }
    if (redis.type !== 'bundled') invalid(this, 'redis.type', (redis as { type: unknown }).type, "use 'bundled' or 'external'");
    const { type: _type, password: _password, ...options } = redis;
    const exporter = redis.exporter?.enabled ?? false;
    const bundled = new EdgeRedis(this, 'redis', {
      ...options,
      name: `${name}-redis`,
      password,
      serviceMonitor: (this.props.serviceMonitor ?? false) && exporter,
      networkPolicy: {
        enabled: this.props.networkPolicy?.enabled ?? true,
        clients: [{ podLabels: this.selector }],
        clusterNetwork: this.props.networkPolicy?.clusterNetwork,
      },
    });
    return { client: { address: bundled.address }, redis: bundled };
  }

  private renderDeployment(name: string, image: string, labels: Record<string, string>, replicas: number | undefined, apiKey: SecretKeyReference, redisPassword?: SecretKeyReference): kplus.Deployment {
    const user = { uid: EDGE_GATEWAY_RUNTIME.uid };
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name, labels },
      select: false,
      replicas,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
      terminationGracePeriod: Duration.seconds(validateInteger(this, 'terminationGracePeriodSeconds', this.props.terminationGracePeriodSeconds ?? 60, 1, 3600)),
      // Surge first: never drop below the desired count while connections move.
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    });
    applyPodConventions(deployment, {
      selector: this.selector,
      labels,
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) },
      topologySpread: this.minReplicas > 1 || this.props.autoscaling !== undefined,
    });
    const E = EDGE_GATEWAY_ENV;
    const env: Record<string, kplus.EnvValue> = {
      [E.edgeId]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      [E.apiKey]: secretKeyEnv(this, apiKey),
    };
    const core = this.props.corePlatform;
    if (core) {
      if (typeof core.url === 'object') env[E.corePlatformUrl] = secretKeyEnv(this, core.url);
      env[E.corePlatformApiKey] = secretKeyEnv(this, core.apiKey);
    }
    if (redisPassword) env[E.redisPassword] = secretKeyEnv(this, redisPassword);
    const probes = httpProbes(EDGE_GATEWAY_RUNTIME.port, EDGE_GATEWAY_RUNTIME.health, EDGE_GATEWAY_PROBE_TIMINGS);
    const container = deployment.addContainer({
      name: 'edge-mcp',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: edgeGatewayArgs(this.props.logLevel ?? 'INFO'),
      ports: [{ name: 'http', number: EDGE_GATEWAY_RUNTIME.port }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(this.props.resources ?? EDGE_GATEWAY_RESOURCES),
      envFrom: [kplus.Env.fromConfigMap(this.config)],
      envVariables: env,
    });
    container.mount(EDGE_GATEWAY_RUNTIME.scratchPaths.tmp, scratchVolume(deployment, 'tmp'));
    container.mount(EDGE_GATEWAY_RUNTIME.scratchPaths.cache, scratchVolume(deployment, 'cache', 256));
    return deployment;
  }

  private renderNetworkPolicy(name: string, labels: Record<string, string>, corePort?: number): void {
    const props = this.props;
    const cluster = props.networkPolicy?.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
    const http = [{ port: EDGE_GATEWAY_RUNTIME.port }];
    const anywhere: NetworkPeer = { cidr: '0.0.0.0/0' };
    const ingress: NetworkRule[] = [{ peers: [cluster.prometheus], ports: http }];
    if (this.ingress) ingress.push({ peers: [cluster.ingressController], ports: http });
    const clients = props.networkPolicy?.clients ?? [];
    if (clients.length) ingress.push({ peers: clients, ports: http });

    const egress: NetworkRule[] = [{ peers: [cluster.dns], ports: DNS_PORTS }];
    if (this.redis) {
      egress.push({ peers: [{ podLabels: this.redis.selector }], ports: [{ port: this.redis.port }] });
    } else if (props.redis?.type === 'external') {
      egress.push({ peers: [props.redis.peer ?? anywhere], ports: [{ port: parseHostPort(this, 'redis.address', props.redis.address).port }] });
    }
    if (props.corePlatform && corePort) egress.push({ peers: [props.corePlatform.peer ?? anywhere], ports: [{ port: corePort }] });
    if (props.tracing?.enabled && props.tracing.otlpEndpoint) {
      egress.push({ peers: [props.tracing.collector ?? anywhere], ports: [{ port: parseHostPort(this, 'tracing.otlpEndpoint', props.tracing.otlpEndpoint).port }] });
    }
    createNetworkPolicy(this, 'network-policy', { name, labels, podSelector: this.selector, ingress, egress });
  }
}
