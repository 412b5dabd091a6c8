import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { satisfies as semverSatisfies, valid as semverValid } from 'semver';
import { resolveAutoscaling } from '../common/autoscaling';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { ComponentProps } from '../common/component-props';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { ImageReference, parseImageProp } from '../common/image';
import { PLATFORM_COMPONENTS, recommendedLabels, selectorLabels } from '../common/labels';
import { METRICS_SERVICE_LABEL } from '../common/monitoring';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { applyPodTemplateOptions } from '../common/pod-template';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { checkProps } from '../common/props-schema';
import { resolveResources } from '../common/resources';
import { applyScheduling } from '../common/scheduling';
import { envFromSecret, SecretKeyReference } from '../common/secrets';
import { createService } from '../common/service';
import { validateDnsLabel, validateInteger } from '../common/validation';
import { ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { createEdgeGatewayAutoscaler, EdgeGatewayAutoscaling } from './edge-gateway-autoscaling';
import { edgeGatewayConfigData, EdgeGatewaySettings } from './edge-gateway-config';
import { EdgeGatewayCorePlatform, resolveCorePlatform, ResolvedCorePlatform } from './edge-gateway-core';
import { EdgeGatewayIngress, renderEdgeGatewayIngress } from './edge-gateway-ingress';
import { EdgeGatewayMonitoring, renderGatewayMonitoring } from './edge-gateway-monitoring';
import { declareGatewayConnectivity } from './edge-gateway-network';
import { EDGE_GATEWAY_ENV, EDGE_GATEWAY_PROBE_TIMINGS, EDGE_GATEWAY_RESOURCES, EDGE_GATEWAY_RUNTIME, edgeGatewayArgs } from './edge-gateway-runtime';
import { EdgeGatewaySecretRemoteKeys, GatewaySecretKey, provideGatewaySecrets } from './edge-gateway-secrets';
import { defaultRedisPassword, EdgeGatewayRedis, renderGatewayRedis } from './edge-gateway-redis';
import { EdgeRedis } from './redis';

/** Props of {@link EdgeGateway}. */
export interface EdgeGatewayProps extends ComponentProps, EdgeGatewaySettings {
  /** Name of the Deployment, Service, ServiceAccount and ConfigMap (RFC 1123 label, at most 46 characters). @default 'edge-mcp' */
  readonly name?: string;
  /**
   * Horizontal pod autoscaling on CPU and memory, optionally on open connections per pod.
   * The Deployment then carries no `replicas`.
   * @default - not autoscaled: `replicas` pods
   */
  readonly autoscaling?: EdgeGatewayAutoscaling;
  /** ServiceMonitor on `/metrics` (port 8082), PrometheusRule with typed thresholds, Grafana dashboard. @default - none */
  readonly monitoring?: EdgeGatewayMonitoring;
  /**
   * The Developer Mesh core platform (DEV_MESH_URL, DEV_MESH_API_KEY, EDGE_MCP_ID). The
   * gateway validates every client's API key there: without it every client is rejected
   * (401), so environments whose policy sets `requireWorkingEndpoints` refuse a gateway
   * without one.
   * @default - none: a gateway that accepts no client
   */
  readonly corePlatform?: EdgeGatewayCorePlatform;
  /**
   * Secret key for EDGE_MCP_API_KEY, a key the platform chooses (generated under
   * `secretProvisioning` `generated`). Inert with the default image: that version reads the
   * variable but validates client keys at the core platform only. Rendered only when set.
   * @default - not rendered
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * Where ExternalSecrets read each Secret key, per key, when `secretProvisioning` is
   * `external-secrets` and the store does not hold it at `<remoteKeyPrefix><Secret name>`,
   * property `<key>`.
   * @default - the default remote key for every key
   */
  readonly secretRemoteKeys?: EdgeGatewaySecretRemoteKeys;
  /**
   * Redis L2 cache, bundled or external. Inert with the default image, which keeps an
   * in-memory cache and never contacts Redis; the wiring (REDIS_ADDR host:port, password,
   * NetworkPolicy) is correct for an image that uses it.
   * @default - none
   */
  readonly redis?: EdgeGatewayRedis;
  /** An Ingress for `/ws` only. @default - none */
  readonly ingress?: EdgeGatewayIngress;
  /**
   * Seconds pods get to drain WebSockets on shutdown (the binary needs up to 30).
   * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
   * @default 60
   */
  readonly terminationGracePeriodSeconds?: number;
}

const CONTAINER = 'edge-mcp';

/**
 * The Edge MCP WebSocket gateway: a Deployment of the distroless binary on one port
 * (WebSocket `/ws`, health and metrics), a Service, a token-less ServiceAccount, the env vars
 * the binary reads and acts on (core platform URL, key and edge id; tracing), Secrets by
 * reference made to exist as `secretProvisioning` says (generated in the cluster, written by
 * ExternalSecrets, or prerequisites; never a value in the output), an optional HPA and PDB,
 * topology spread, an optional WebSocket Ingress, its flows in the chart's connectivity model
 * (which renders the NetworkPolicy), and monitoring (ServiceMonitor, alerts, dashboard).
 * Settings the pinned version ignores (rate limits, caches, Redis, EDGE_MCP_API_KEY) are
 * rendered only when set.
 *
 * @throws McpConfigError at construction for unknown or mistyped props, invalid names,
 * quantities, replicas, budgets, URLs, host:port endpoints, peers and remote keys, an image
 * version without `--disable-auto-update`, a plaintext secret, an ingress without a host, and
 * the like; at synth for a client workload the environment does not render.
 */
export class EdgeGateway extends Construct implements IPolicySubject {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service (port `http`) the Ingress and in-cluster clients use. */
  public readonly service: kplus.Service;
  /** The ServiceAccount (no API token mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ConfigMap of non-secret env vars, when there are any. */
  public readonly config?: kplus.ConfigMap;
  /** The autoscaler, when autoscaling is configured. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The bundled Redis, when configured. */
  public readonly redis?: EdgeRedis;
  /** The Ingress, when configured. */
  public readonly ingress?: kplus.Ingress;
  /** Pods that run at least (the HPA minimum, or the fixed replicas). */
  public readonly minReplicas: number;
  /** The gateway pods in the chart's connectivity model. */
  public readonly workload: Workload;
  /**
   * What clients connect to: the gateway pods on port 8082, WebSocket `/ws`
   * (`Connectivity.of(chart).connect(client, gateway.apiEndpoint, why)`).
   */
  public readonly apiEndpoint: ServiceEndpoint;
  private readonly selectorLabels: Record<string, string>;
  private readonly facts: PolicyFacts;

  public constructor(scope: Construct, id: string, props: EdgeGatewayProps = {}) {
    super(scope, id);
    checkProps(this, 'EdgeGatewayProps', props);
    const name = validateDnsLabel(this, 'name', props.name ?? 'edge-mcp', 46);
    const image = parseImageProp(this, 'image', props.image ?? EDGE_GATEWAY_RUNTIME.image);
    checkAutoUpdateFlag(this, image, props.image ?? EDGE_GATEWAY_RUNTIME.image);
    const identity = { name: 'edge-mcp', instance: name, component: PLATFORM_COMPONENTS.edgeGateway, version: image.version };
    this.selectorLabels = selectorLabels(identity);
    const labels = recommendedLabels(identity);
    const namespace = Chart.of(this).namespace;
    const autoscaling = resolveAutoscaling(this, 'autoscaling', props.autoscaling);
    const connections = props.autoscaling?.activeConnectionsPerPod;
    if (autoscaling && connections !== undefined) validateInteger(this, 'autoscaling.activeConnectionsPerPod', connections, 1);
    const replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    this.minReplicas = autoscaling?.minReplicas ?? replicas;
    const multiplePods = this.minReplicas > 1 || autoscaling !== undefined;
    const monitoring = props.monitoring ?? {};
    const logLevel = props.logLevel ?? 'info';
    const core = props.corePlatform ? resolveCorePlatform(this, props.corePlatform, name) : undefined;
    const redisPassword = props.redis ? props.redis.password ?? defaultRedisPassword(name) : undefined;
    provideGatewaySecrets(this, props.secretProvisioning, labels, gatewaySecretKeys(this, props, core, redisPassword));

    const redis = props.redis ? renderGatewayRedis(this, {
      redis: props.redis, password: redisPassword!, name, monitoring,
      networkPolicyEnabled: props.networkPolicy?.enabled ?? true, clusterNetwork: props.networkPolicy?.clusterNetwork,
    }) : undefined;
    this.redis = redis?.bundled;
    const configData = edgeGatewayConfigData(this, props, redis?.client, core?.literalUrl) as Record<string, string>;
    if (Object.keys(configData).length) this.config = new kplus.ConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: configData });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name, labels }, automountToken: false });
    this.service = createService(this, 'service', {
      name, labels: { ...labels, [METRICS_SERVICE_LABEL]: 'true' }, selector: this.selectorLabels,
      ports: [{ name: 'http', port: EDGE_GATEWAY_RUNTIME.port, containerPort: EDGE_GATEWAY_RUNTIME.port }],
    });

    this.deployment = this.renderDeployment(props, { name, image: image.toString(), labels, replicas: autoscaling ? undefined : replicas, logLevel, core, redisPassword, multiplePods });
    if (autoscaling) this.autoscaler = createEdgeGatewayAutoscaler(this, 'hpa', { name, labels }, this.deployment, autoscaling, connections);
    const pdb = PodDisruptionBudget.applies(props.podDisruptionBudget, this.minReplicas);
    if (pdb) {
      new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selectorLabels, minReplicas: this.minReplicas, maxReplicas: autoscaling?.maxReplicas, budget: props.podDisruptionBudget });
    }
    if (props.ingress && (props.ingress.enabled ?? true)) {
      this.ingress = renderEdgeGatewayIngress(this, 'ingress', { name, labels }, this.service, props.ingress);
    }
    ({ workload: this.workload, apiEndpoint: this.apiEndpoint } = declareGatewayConnectivity(this, {
      name, labels, selector: this.selectorLabels, options: props.networkPolicy, ingress: this.ingress !== undefined, scrape: monitoring.scrape ?? false,
      redis: redis?.endpoint, corePlatform: core?.endpoint, tracing: props.tracing,
    }));
    renderGatewayMonitoring(this, {
      name, labels, namespace, serviceName: this.service.name, serviceSelector: this.selectorLabels, containerName: CONTAINER,
      autoscalerName: this.autoscaler ? name : undefined, monitoring,
    });
    this.facts = {
      component: 'EdgeGateway',
      haReplicas: { replicas: this.minReplicas, field: autoscaling ? 'autoscaling.minReplicas' : 'replicas' },
      disruptionBudget: { present: pdb, field: 'podDisruptionBudget (rendered when more than one pod runs)' },
      debugLogging: { enabled: logLevel === 'debug', field: 'logLevel' },
      rejectsAllClients: {
        present: core === undefined,
        field: 'corePlatform',
        reason: `without a core platform the gateway validates every client's API key against ${EDGE_GATEWAY_RUNTIME.fallbackAuthUrl}, where nothing listens, and answers 401 while reporting ready`,
      },
    };
  }

  /** Labels the gateway pods are selected by (a copy). */
  public get selector(): Record<string, string> {
    return { ...this.selectorLabels };
  }

  /** `http://<service>.<namespace>.svc:8082`, the in-cluster base URL (WebSocket at `/ws`). */
  public get url(): string {
    const namespace = Chart.of(this).namespace;
    return `http://${namespace ? `${this.service.name}.${namespace}.svc` : this.service.name}:${EDGE_GATEWAY_RUNTIME.port}`;
  }

  /** Facts the environment policy checks (replicas, PDB, debug logging, a gateway that rejects every client). */
  public policyFacts(): PolicyFacts {
    return this.facts;
  }

  private renderDeployment(props: EdgeGatewayProps, d: DeploymentInputs): kplus.Deployment {
    const user = { uid: EDGE_GATEWAY_RUNTIME.uid };
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: d.name, labels: d.labels },
      select: false,
      replicas: d.replicas,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
      terminationGracePeriod: Duration.seconds(validateInteger(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 60, 1, 3600)),
      // Surge first: never drop below the desired count while connections move.
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    });
    applyPodConventions(deployment, {
      selector: this.selectorLabels,
      labels: d.labels,
      annotations: this.config ? { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) } : {},
    });
    applyScheduling(this, 'scheduling', deployment, this.selectorLabels, props.scheduling, d.multiplePods);
    const probes = httpProbes(EDGE_GATEWAY_RUNTIME.port, EDGE_GATEWAY_RUNTIME.health, EDGE_GATEWAY_PROBE_TIMINGS);
    const container = deployment.addContainer({
      name: CONTAINER,
      image: d.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: edgeGatewayArgs(d.logLevel),
      ports: [{ name: 'http', number: EDGE_GATEWAY_RUNTIME.port }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(this, 'resources', props.resources, EDGE_GATEWAY_RESOURCES),
      envFrom: this.config ? [kplus.Env.fromConfigMap(this.config)] : undefined,
      envVariables: this.secretEnv(props, d),
    });
    container.mount(EDGE_GATEWAY_RUNTIME.scratchPaths.tmp, scratchVolume(deployment, 'tmp'));
    container.mount(EDGE_GATEWAY_RUNTIME.scratchPaths.cache, scratchVolume(deployment, 'cache', 256));
    applyPodTemplateOptions(this, '', { workload: deployment, container, serviceAccount: this.serviceAccount, reservedEnv: Object.values(EDGE_GATEWAY_ENV) }, props);
    return deployment;
  }

  /** Env vars that are not in the ConfigMap: the edge id (pod name by default) and Secret references. */
  private secretEnv(props: EdgeGatewayProps, d: DeploymentInputs): Record<string, kplus.EnvValue> {
    const E = EDGE_GATEWAY_ENV;
    const env: Record<string, kplus.EnvValue> = {
      [E.edgeId]: d.core?.edgeId ? kplus.EnvValue.fromValue(d.core.edgeId) : kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
    };
    if (d.core?.urlSecret) env[E.corePlatformUrl] = envFromSecret(this, d.core.urlSecret);
    if (d.core) env[E.corePlatformApiKey] = envFromSecret(this, d.core.apiKey);
    if (props.apiKey) env[E.apiKey] = envFromSecret(this, props.apiKey);
    if (d.redisPassword) env[E.redisPassword] = envFromSecret(this, d.redisPassword);
    return env;
  }
}

/**
 * Every Secret key the gateway and its bundled Redis read, with whether a random value is valid:
 * keys the platform chooses (EDGE_MCP_API_KEY, a bundled Redis's password) are; credentials
 * another system issued (the core platform's key and URL, an external Redis's password) are not.
 */
function gatewaySecretKeys(scope: Construct, props: EdgeGatewayProps, core: ResolvedCorePlatform | undefined, redisPassword: SecretKeyReference | undefined): GatewaySecretKey[] {
  const remote = props.secretRemoteKeys ?? {};
  const keys: GatewaySecretKey[] = [];
  if (core) keys.push({ field: 'corePlatform.apiKey', ref: core.apiKey, generate: false, remoteKey: remote.corePlatformApiKey, remoteKeyField: 'corePlatformApiKey' });
  if (core?.urlSecret) keys.push({ field: 'corePlatform.url', ref: core.urlSecret, generate: false, remoteKey: remote.corePlatformUrl, remoteKeyField: 'corePlatformUrl' });
  if (props.apiKey) keys.push({ field: 'apiKey', ref: props.apiKey, generate: true, remoteKey: remote.apiKey, remoteKeyField: 'apiKey' });
  if (redisPassword) {
    keys.push({ field: 'redis.password', ref: redisPassword, generate: props.redis?.type === 'bundled', remoteKey: remote.redisPassword, remoteKeyField: 'redisPassword' });
  }
  for (const [field, value] of Object.entries(remote)) {
    if (value !== undefined && !keys.some(k => k.remoteKeyField === field)) {
      invalid(scope, `secretRemoteKeys.${field}`, value, `the gateway reads no such Secret key with these props: configure ${REMOTE_KEY_PROPS[field as keyof EdgeGatewaySecretRemoteKeys]} or remove the override`);
    }
  }
  return keys;
}

const REMOTE_KEY_PROPS: Record<keyof EdgeGatewaySecretRemoteKeys, string> = {
  corePlatformApiKey: 'corePlatform',
  corePlatformUrl: 'corePlatform.url as a Secret key',
  apiKey: 'apiKey',
  redisPassword: 'redis',
};

interface DeploymentInputs {
  readonly name: string;
  readonly image: string;
  readonly labels: Record<string, string>;
  readonly replicas?: number;
  readonly logLevel: 'debug' | 'info' | 'warning' | 'error';
  readonly core?: ResolvedCorePlatform;
  readonly redisPassword?: SecretKeyReference;
  readonly multiplePods: boolean;
}

/**
 * Releases up to 1.0.0 have no `--disable-auto-update` and exit on it.
 * @throws McpConfigError naming `image` for such a version tag
 */
function checkAutoUpdateFlag(scope: Construct, image: ImageReference, reference: string): void {
  const version = image.tag && semverValid(image.tag.replace(/^v/, ''));
  if (version && semverSatisfies(version, EDGE_GATEWAY_RUNTIME.versionsWithoutAutoUpdateFlag, { includePrerelease: true })) {
    invalid(scope, 'image', reference, 'this Edge MCP release has no --disable-auto-update flag and exits on it: use an image built from developer-mesh commit 79be3d12 (2025-11-01) or later, e.g. the default ghcr.io/smartramana/developer-mesh-edge-mcp:main-e45c8fc');
  }
}

