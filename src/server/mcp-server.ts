import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { ImageReference } from '../common/image';
import { ComponentLabels, PLATFORM_COMPONENTS, platformComponentPeer, recommendedLabels, selectorLabels } from '../common/labels';
import { ClusterNetwork, createNetworkPolicy, DEFAULT_CLUSTER_NETWORK, NetworkPeer } from '../common/network';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { ResourceSpec, toContainerResources } from '../common/resources';
import { envFromSecret } from '../common/secrets';
import { createService } from '../common/service';
import { validateDnsLabel, validateDnsSubdomain, validateInteger } from '../common/validation';
import { placeInNamespace } from './namespaced';
import { McpServerCatalog } from './server-catalog';
import { McpServerConfig, resolveConfig, ResolvedConfig } from './server-config';
import { SERVER_LABELS, SERVER_PROBE_TIMINGS, SERVER_RESOURCES, SERVER_RUNTIME, STDIO_BRIDGE } from './server-runtime';
import { McpServerTemplate, McpTransport, templateImage, validateTemplate } from './server-template';
import { bridgeCommand, bridgeConfig, bridgeCopyArgs } from './stdio-bridge';

/** Horizontal autoscaling on CPU utilisation. */
export interface McpServerAutoscaling {
  /** Fewest pods. @default 2 */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation, in percent of the request. @default 75 */
  readonly cpuUtilizationPercent?: number;
}

/** External access at `<server>.<baseHost>`. */
export interface McpServerIngressOptions {
  /** Base DNS domain (the environment's ingress host); the server is served at `<name>.<baseHost>`. */
  readonly baseHost: string;
  /** IngressClass name. @default 'nginx' */
  readonly className?: string;
  /**
   * TLS: an existing TLS Secret (`secretName`), or a certificate from a cert-manager
   * ClusterIssuer (`clusterIssuer`, needs `certManager`). @default - plain HTTP (dev only)
   */
  readonly tls?: { readonly clusterIssuer?: string; readonly secretName?: string };
  /** Whether cert-manager is installed (environment `integrations.certManager`). @default false */
  readonly certManager?: boolean;
}

/** Who may call the server. */
export interface McpServerNetworkPolicyOptions {
  /** Render the NetworkPolicy. @default true */
  readonly enabled?: boolean;
  /**
   * Namespace of the edge gateway and the agents allowed to call the server.
   * @default - the server's own namespace
   */
  readonly platformNamespace?: string;
  /** Extra peers allowed to call the server. @default [] */
  readonly extraClients?: NetworkPeer[];
  /** Where the ingress controller runs. @default DEFAULT_CLUSTER_NETWORK */
  readonly clusterNetwork?: ClusterNetwork;
}

/** Props of {@link McpServer}. */
export interface McpServerProps {
  /** Template id in `catalog`, or a template object (validated like a registered one). */
  readonly template: string | McpServerTemplate;
  /** Catalog `template` is looked up in. @default McpServerCatalog.withBuiltins() */
  readonly catalog?: McpServerCatalog;
  /** Deployment, Service and ConfigMap name (RFC 1123 label, at most 52 characters). @default - the template id */
  readonly name?: string;
  /** Namespace of every object. @default - the chart's namespace */
  readonly namespace?: string;
  /** Config, validated against the template's schema: plain values, or `{ secretName, key }` for secrets. @default {} */
  readonly config?: McpServerConfig;
  /** Registry prefix of template images (seed `MCP_IMAGE_REGISTRY`). @default 'ghcr.io/data-everything' */
  readonly registryPrefix?: string;
  /** Image tag. Setting `tag` or `digest` replaces both of the template's (so `digest` alone pins by digest only). @default - the template's tag */
  readonly tag?: string;
  /** Image digest (`sha256:<64 hex>`); see `tag`. @default - the template's digest */
  readonly digest?: string;
  /** Transport to serve. @default - http, else sse, else stdio behind the bridge */
  readonly transport?: McpTransport;
  /**
   * Run stdio servers behind the stdio-to-HTTP bridge in the same pod. With `false`, a
   * stdio-only template is refused instead of being deployed as an unreachable pod.
   * @default true
   */
  readonly stdioBridge?: boolean;
  /** Pod replicas (ignored with autoscaling). @default 1 */
  readonly replicas?: number;
  /** Autoscaling; replaces `replicas`. @default - none */
  readonly autoscaling?: McpServerAutoscaling;
  /** Disruption budget, rendered when replicas (or autoscaling.minReplicas) > 1. @default { maxUnavailable: 1 } */
  readonly podDisruptionBudget?: { readonly minAvailable?: number; readonly maxUnavailable?: number };
  /** Requests and limits of the server container. @default - the template's, else 100m/128Mi to 500m/512Mi */
  readonly resources?: ResourceSpec;
  /** Existing PersistentVolumeClaims for the template's volumes, by volume name. @default - emptyDir volumes */
  readonly volumeClaims?: Readonly<Record<string, string>>;
  /** External access. @default - none: servers are reached through the edge gateway */
  readonly ingress?: McpServerIngressOptions;
  /** Ingress isolation. @default - enabled: the gateway, agents and the ingress controller only */
  readonly networkPolicy?: McpServerNetworkPolicyOptions;
}

/**
 * One MCP server from a template: a Deployment with its config attached (plain values in a
 * ConfigMap loaded with envFrom, secrets as `secretKeyRef`s; every env var exactly once),
 * HTTP probes on `/health` and `/ready`, restricted pod security, a Service, and optionally an
 * Ingress at `<name>.<host>`, an HPA and a PDB. Every object carries `managed-by=mcp-platform`
 * and `mcp.platform/server=<name>`, so the seed's list, status and delete are kubectl selectors.
 *
 * stdio-only templates run behind the stdio-to-HTTP bridge in the same pod (see
 * {@link STDIO_BRIDGE}): the original backend deployed them with no stdin and no Service, so
 * they crash-looped unreachable. With `stdioBridge: false` they are refused at synth.
 *
 * Sources: seeds/mcp-platform-deployment-system.md (features); design/upstream.md §3.3-3.5
 * (what the original backend rendered and its defects).
 *
 * @throws McpConfigError at construction for an unknown or invalid template, config that does
 * not match the template's schema, a stdio template without the bridge, or invalid props.
 */
export class McpServer extends Construct implements IPolicySubject {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service clients call. */
  public readonly service: kplus.Service;
  /** The ConfigMap of plain config values, when there are any. */
  public readonly config?: kplus.ConfigMap;
  /** The Ingress, when enabled. */
  public readonly ingress?: kplus.Ingress;
  /** The template the server runs. */
  public readonly template: McpServerTemplate;
  /** The transport the server serves (`stdio` means through the bridge, which speaks HTTP). */
  public readonly transport: McpTransport;
  /** Whether the stdio bridge fronts the server. */
  public readonly bridged: boolean;
  /** The image the server runs. */
  public readonly image: ImageReference;
  /** Labels the server's pods are selected by. */
  public readonly selector: Record<string, string>;
  /** Labels on every object of this server (for kubectl -l). */
  public readonly serverLabels: Record<string, string>;
  /** Fewest pods the server runs. */
  public readonly minReplicas: number;
  private readonly serverName: string;
  private readonly namespaceName?: string;
  private readonly resolved: ResolvedConfig;

  public constructor(scope: Construct, id: string, props: McpServerProps) {
    super(scope, id);
    const catalog = props.catalog ?? McpServerCatalog.withBuiltins();
    if (typeof props.template === 'string') {
      this.template = catalog.get(props.template, this.node.path);
    } else {
      validateTemplate(this.node.path, props.template);
      this.template = props.template;
    }
    const template = this.template;
    this.serverName = validateDnsLabel(this, 'name', props.name ?? template.id, 52);
    if (props.namespace !== undefined) validateDnsLabel(this, 'namespace', props.namespace);
    this.namespaceName = props.namespace;
    this.transport = this.chooseTransport(props);
    this.bridged = this.transport === 'stdio';
    this.image = this.resolveImage(props);
    this.resolved = resolveConfig(this, template, props.config);
    this.minReplicas = this.validateScale(props);

    const identity: ComponentLabels = { name: `mcp-${template.id}`, instance: this.serverName, component: 'mcp-server', version: this.image.version };
    this.selector = selectorLabels(identity);
    this.serverLabels = {
      [SERVER_LABELS.managedBy]: SERVER_LABELS.managedByValue,
      [SERVER_LABELS.server]: this.serverName,
      [SERVER_LABELS.template]: template.id,
      [SERVER_LABELS.transport]: this.transport,
    };
    const labels = { ...recommendedLabels(identity), ...this.serverLabels };
    const name = this.serverName;
    const port = template.port;

    const data = this.configData();
    if (Object.keys(data).length > 0) {
      this.config = new kplus.ConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data });
    }
    const bridgeConfigMap = this.bridged
      ? new kplus.ConfigMap(this, 'bridge-config', {
        metadata: { name: `${name}-bridge`, labels },
        data: { [STDIO_BRIDGE.configFile]: bridgeConfig(name, port, template.stdio!) },
      })
      : undefined;
    this.service = createService(this, 'service', {
      name, labels, selector: this.selector,
      ports: [{ name: SERVER_RUNTIME.portName, port, containerPort: port }],
    });
    this.deployment = this.renderDeployment(props, labels, bridgeConfigMap);
    if (props.autoscaling) this.renderAutoscaler(props.autoscaling, labels);
    if (this.minReplicas > 1) {
      new PodDisruptionBudget(this, 'pdb', {
        metadata: { name, labels }, selector: this.selector, minReplicas: this.minReplicas, budget: props.podDisruptionBudget,
      });
    }
    if (props.ingress) this.ingress = this.renderIngress(props.ingress, labels);
    if (props.networkPolicy?.enabled ?? true) this.renderNetworkPolicy(props.networkPolicy ?? {}, labels);
    if (props.namespace !== undefined) placeInNamespace(this, props.namespace);
  }

  /** The server's name (Deployment, Service, `mcp.platform/server` label). */
  public get name(): string {
    return this.serverName;
  }

  /** The port the Service exposes. */
  public get port(): number {
    return this.template.port;
  }

  /** In-cluster base URL, e.g. `http://file-server.mcp-servers-dev.svc:8080`; MCP clients use `<url>/mcp`. */
  public get url(): string {
    const namespace = this.namespaceName ?? Chart.of(this).namespace;
    const host = namespace ? `${this.serverName}.${namespace}.svc` : this.serverName;
    return `http://${host}:${this.template.port}`;
  }

  /** Env vars the container receives from the ConfigMap (plain config and the runtime's port/transport). */
  public get plainEnv(): Readonly<Record<string, string>> {
    return this.configData();
  }

  /** Env vars the container reads from Secrets. */
  public get secretEnv(): Readonly<Record<string, { secretName: string; key: string }>> {
    return { ...this.resolved.secrets };
  }

  /** Facts the environment policy checks (PDB when highly available, debug logging). */
  public policyFacts(): PolicyFacts {
    const logLevel = Object.entries(this.resolved.plain).find(([env]) => /LOG_LEVEL$/.test(env))?.[1];
    return {
      component: `McpServer '${this.serverName}'`,
      disruptionBudget: { present: this.minReplicas > 1, field: 'replicas or autoscaling.minReplicas (a PDB is rendered above 1)' },
      debugLogging: { enabled: logLevel?.toLowerCase() === 'debug', field: 'config.log_level' },
    };
  }

  private chooseTransport(props: McpServerProps): McpTransport {
    const supported = this.template.transports;
    if (props.transport !== undefined && !supported.includes(props.transport)) {
      invalid(this, 'transport', props.transport, `template '${this.template.id}' supports ${supported.join(', ')}: pick one of those`);
    }
    const transport = props.transport ?? (['http', 'sse', 'stdio'] as const).find(t => supported.includes(t))!;
    if (transport === 'stdio') {
      if (props.stdioBridge === false) {
        invalid(this, 'stdioBridge', false, `template '${this.template.id}' speaks only stdio, and a stdio server without a bridge has no network endpoint (the original backend deployed such pods unreachable): set stdioBridge to true (the default) to run it behind ${STDIO_BRIDGE.image}, or pick an HTTP template`);
      }
      if (!this.template.stdio?.command) {
        invalid(this, 'template.stdio.command', this.template.stdio, `the stdio bridge spawns the server: set stdio.command in template '${this.template.id}'`);
      }
    }
    return transport;
  }

  private resolveImage(props: McpServerProps): ImageReference {
    const prefix = props.registryPrefix ?? SERVER_RUNTIME.registryPrefix;
    const template = { ...this.template, ...(props.tag !== undefined || props.digest !== undefined ? { tag: props.tag, digest: props.digest } : {}) };
    if (props.tag === 'latest' || (!template.tag && !template.digest)) {
      invalid(this, 'tag', props.tag, 'pin the image to a version tag or a digest (e.g. 1.2.3 or sha256:...); latest is never allowed');
    }
    try {
      return templateImage(template, prefix);
    } catch (e) {
      return invalid(this, 'registryPrefix/tag/digest', `${prefix} ${props.tag ?? ''} ${props.digest ?? ''}`.trim(), (e as Error).message);
    }
  }

  private validateScale(props: McpServerProps): number {
    if (props.autoscaling) {
      const a = props.autoscaling;
      const min = validateInteger(this, 'autoscaling.minReplicas', a.minReplicas ?? 2, 1);
      validateInteger(this, 'autoscaling.maxReplicas', a.maxReplicas, Math.max(min, 2));
      validateInteger(this, 'autoscaling.cpuUtilizationPercent', a.cpuUtilizationPercent ?? 75, 10, 100);
      if (props.replicas !== undefined) invalid(this, 'replicas', props.replicas, 'leave replicas unset with autoscaling: the HPA owns the replica count (set autoscaling.minReplicas instead)');
      return min;
    }
    return validateInteger(this, 'replicas', props.replicas ?? 1, 1, 100);
  }

  /** The ConfigMap: runtime port/transport (for servers that speak HTTP themselves) plus plain config. */
  private configData(): Record<string, string> {
    const t = this.template;
    const runtime: Record<string, string> = {};
    if (!this.bridged) {
      for (const env of [SERVER_RUNTIME.portEnv, ...(t.portEnvAliases ?? [])]) runtime[env] = String(t.port);
    }
    if (t.transportEnv) runtime[t.transportEnv] = this.transport;
    return { ...runtime, ...this.resolved.plain };
  }

  private renderDeployment(props: McpServerProps, labels: Record<string, string>, bridgeConfigMap?: kplus.ConfigMap): kplus.Deployment {
    const user = { uid: this.template.uid ?? SERVER_RUNTIME.uid };
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: this.serverName, labels },
      select: false,
      replicas: props.autoscaling ? undefined : this.minReplicas,
      securityContext: restrictedPodSecurityContext(user),
      automountServiceAccountToken: false,
    });
    const checksummed = { config: this.config?.data ?? {}, bridge: bridgeConfigMap?.data ?? {} };
    applyPodConventions(deployment, {
      selector: this.selector,
      labels,
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(checksummed) },
      topologySpread: this.minReplicas > 1,
    });
    const port = this.template.port;
    const probes = httpProbes(port, SERVER_RUNTIME.health, SERVER_PROBE_TIMINGS);
    const env: Record<string, kplus.EnvValue> = {};
    for (const [name, ref] of Object.entries(this.resolved.secrets)) env[name] = envFromSecret(this, ref);
    const container = deployment.addContainer({
      name: 'mcp-server',
      image: this.image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: SERVER_RUNTIME.portName, number: port }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(props.resources ?? this.template.resources ?? SERVER_RESOURCES),
      envFrom: this.config ? [kplus.Env.fromConfigMap(this.config)] : undefined,
      envVariables: env,
      ...(this.bridged ? { command: bridgeCommand() } : {}),
    });
    container.mount('/tmp', scratchVolume(deployment, 'tmp'));
    for (const v of this.template.volumes ?? []) {
      const claim = props.volumeClaims?.[v.name];
      let volume: kplus.Volume;
      if (claim) {
        validateDnsSubdomain(this, `volumeClaims.${v.name}`, claim);
        declareExternal(this, 'PersistentVolumeClaim', claim);
        volume = kplus.Volume.fromPersistentVolumeClaim(this, `${v.name}-volume`, kplus.PersistentVolumeClaim.fromClaimName(this, `${v.name}-claim`, claim), { name: v.name });
      } else {
        volume = scratchVolume(deployment, v.name, v.sizeMebibytes ?? 256);
      }
      container.mount(v.mountPath, volume);
    }
    for (const key of Object.keys(props.volumeClaims ?? {})) {
      if (!(this.template.volumes ?? []).some(v => v.name === key)) {
        invalid(this, `volumeClaims.${key}`, props.volumeClaims![key], `template '${this.template.id}' has no volume '${key}': use one of ${(this.template.volumes ?? []).map(v => v.name).join(', ') || '(none)'}`);
      }
    }
    if (this.bridged) this.addBridge(deployment, container, bridgeConfigMap!, user);
    return deployment;
  }

  /** The bridge binary is copied into an emptyDir by an init container and run by the server's own image. */
  private addBridge(deployment: kplus.Deployment, container: kplus.Container, configMap: kplus.ConfigMap, user: { uid: number }): void {
    const bin = scratchVolume(deployment, 'bridge-bin', 256);
    const config = kplus.Volume.fromConfigMap(deployment, 'bridge-config-volume', configMap, { name: 'bridge-config' });
    const copy = deployment.addInitContainer({
      name: 'install-bridge',
      image: STDIO_BRIDGE.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: bridgeCopyArgs(),
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(STDIO_BRIDGE.copyResources),
    });
    copy.mount(STDIO_BRIDGE.binDir, bin);
    container.mount(STDIO_BRIDGE.binDir, bin, { readOnly: true });
    container.mount(STDIO_BRIDGE.configDir, config, { readOnly: true });
  }

  private renderAutoscaler(a: McpServerAutoscaling, labels: Record<string, string>): void {
    new kplus.HorizontalPodAutoscaler(this, 'autoscaler', {
      metadata: { name: this.serverName, labels },
      target: this.deployment,
      minReplicas: a.minReplicas ?? 2,
      maxReplicas: a.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.cpuUtilizationPercent ?? 75))],
    });
  }

  private renderIngress(options: McpServerIngressOptions, labels: Record<string, string>): kplus.Ingress {
    const base = validateDnsSubdomain(this, 'ingress.baseHost', options.baseHost);
    const host = validateDnsSubdomain(this, 'ingress.host', `${this.serverName}.${base}`);
    const className = options.className ?? 'nginx';
    const annotations: Record<string, string> = {};
    if (className === 'nginx') {
      // Streamable HTTP and SSE keep responses open: no buffering, long reads.
      annotations['nginx.ingress.kubernetes.io/proxy-buffering'] = 'off';
      annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '3600';
      annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'] = '3600';
    }
    let tlsSecret: string | undefined;
    if (options.tls?.secretName) {
      tlsSecret = validateDnsSubdomain(this, 'ingress.tls.secretName', options.tls.secretName);
      declareExternal(this, 'Secret', tlsSecret);
    } else if (options.tls?.clusterIssuer) {
      if (!options.certManager) {
        invalid(this, 'ingress.tls.clusterIssuer', options.tls.clusterIssuer, 'a ClusterIssuer needs cert-manager: enable integrations.certManager, or set ingress.tls.secretName to an existing TLS Secret');
      }
      annotations['cert-manager.io/cluster-issuer'] = options.tls.clusterIssuer;
      tlsSecret = `${this.serverName}-tls`;
    }
    const ingress = new kplus.Ingress(this, 'ingress', {
      metadata: { name: this.serverName, labels, annotations },
      className,
    });
    ingress.addHostRule(host, '/', kplus.IngressBackend.fromService(this.service, { port: this.template.port }), kplus.HttpIngressPathType.PREFIX);
    if (tlsSecret) ingress.addTls([{ hosts: [host], secret: kplus.Secret.fromSecretName(this, 'tls-secret', tlsSecret) }]);
    return ingress;
  }

  private renderNetworkPolicy(options: McpServerNetworkPolicyOptions, labels: Record<string, string>): void {
    const cluster = options.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
    const clients: NetworkPeer[] = [
      ...platformClients(options.platformNamespace),
      cluster.ingressController,
      ...(options.extraClients ?? []),
    ];
    createNetworkPolicy(this, 'network-policy', {
      name: this.serverName, labels, podSelector: this.selector,
      ingress: [{ peers: clients, ports: [{ port: this.template.port }] }],
    });
  }
}

/** The edge gateway and the agents of the platform, the MCP clients allowed to call servers. */
export function platformClients(namespace?: string): NetworkPeer[] {
  return [PLATFORM_COMPONENTS.edgeGateway, PLATFORM_COMPONENTS.agent].map(component => platformComponentPeer(component, namespace));
}
