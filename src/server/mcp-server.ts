import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createAutoscaler, resolveAutoscaling } from '../common/autoscaling';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { ComponentProps } from '../common/component-props';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { ImageReference, parseImageProp } from '../common/image';
import { createIngress, IngressOptions } from '../common/ingress';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { ObjectMetadata } from '../common/metadata';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { applyPodTemplateOptions } from '../common/pod-template';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { checkProps } from '../common/props-schema';
import { resolveResources } from '../common/resources';
import { applyScheduling } from '../common/scheduling';
import { provideSecret } from '../common/secret-provisioning';
import { envFromSecret } from '../common/secrets';
import { ExternalSecretKey } from '../common/external-secret';
import { createService } from '../common/service';
import { validateDnsLabel, validateInteger } from '../common/validation';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { IMcpServerCatalog, McpServerCatalog } from './server-catalog';
import { McpServerConfig, resolveConfig, ResolvedConfig } from './server-config';
import { McpServerAlerts, renderServerMonitoring, resolveServerAlerts } from './server-monitoring';
import { SERVER_LABELS, SERVER_PROBE_TIMINGS, SERVER_RESOURCES, SERVER_RUNTIME, STDIO_BRIDGE } from './server-runtime';
import { McpServerVolumeClaim, mountTemplateVolumes } from './server-volumes';
import { addServerWorkload, connectServerClients } from './server-network';
import { McpServerEgress, McpServerTemplate, McpTransport, needsUserImage, templateImage, validateTemplate } from './server-template';
import { addServerInstall, bridgeArgs, bridgeConfig } from './stdio-bridge';

/** Props of {@link McpServer}. */
export interface McpServerProps extends ComponentProps {
  /** Template id in `catalog`, or a template object (validated like a registered one). */
  readonly template: string | McpServerTemplate;
  /** Catalog `template` is looked up in. @default McpServerCatalog.withBuiltins() */
  readonly catalog?: IMcpServerCatalog;
  /** Deployment, Service and ConfigMap name (RFC 1123 label, at most 52 characters). @default - the template id */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Config, validated against the template's schema: plain values, or `{ secretName, key }` for secrets. @default {} */
  readonly config?: McpServerConfig;
  /**
   * Mirror registry to pull the template's and the bridge's images from: `<registryPrefix>/<repository>`
   * (e.g. `registry.local:5000/mirror`). Ignored for `image`, which is used as given.
   * @default - the images' own registries
   */
  readonly registryPrefix?: string;
  /** Transport to serve. @default - http, else sse, else stdio behind the bridge */
  readonly transport?: McpTransport;
  /**
   * Run stdio servers behind the stdio-to-HTTP bridge. With `false`, a stdio-only template is
   * refused instead of being deployed as an unreachable pod.
   * @default true
   */
  readonly stdioBridge?: boolean;
  /** The bridge image (agentgateway), pinned by tag or digest. @default 'ghcr.io/agentgateway/agentgateway:v1.4.1' */
  readonly bridgeImage?: string;
  /**
   * PersistentVolumeClaims for the template's volumes, by volume name: the name of an existing
   * claim (a prerequisite), or a claim spec the server renders as `<name>-<volume>`.
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims
   * @default - emptyDir volumes
   */
  readonly volumeClaims?: Readonly<Record<string, string | McpServerVolumeClaim>>;
  /**
   * What the server calls outside the cluster; replaces the template's list. The NetworkPolicy
   * allows DNS and these destinations only.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   * @default - the template's `egress` (github: the GitHub API on 443; the others: none)
   */
  readonly egress?: McpServerEgress[];
  /**
   * External access to the MCP endpoint only (never the health endpoint): the Streamable HTTP
   * path (`/mcp`; the bridge's for stdio servers), or the template's SSE stream and messages
   * paths. The ingress controller is admitted on the server's port.
   * @default - none: only `networkPolicy.clients` reach the server
   */
  readonly ingress?: IngressOptions;
  /** Thresholds of the PrometheusRule's alerts (with `monitoring.prometheusRule`). @default - see McpServerAlerts */
  readonly alerts?: McpServerAlerts;
}

/**
 * One MCP server from a template: a Deployment with its config attached (plain values in a
 * ConfigMap loaded with envFrom, secrets as `secretKeyRef`s; only env vars the server reads),
 * probes on the template's health endpoint, restricted pod security, a Service, a NetworkPolicy
 * from the chart's connectivity model (ingress: the ingress controller when an Ingress is
 * rendered, and the declared `networkPolicy.clients`; egress: DNS and the template's `egress`),
 * and optionally an Ingress for the MCP path, an HPA, a PDB, a PrometheusRule and a dashboard. Every object carries
 * `managed-by=mcp-platform` and `mcp.platform/server=<name>`, so list, status and delete are
 * kubectl selectors. With `serviceAccountAnnotations` (workload identity), the pods run as their
 * own ServiceAccount `<name>`, still without an API token.
 *
 * stdio-only templates run behind the stdio-to-HTTP bridge (agentgateway): the pod's container
 * is the bridge, which spawns the server executable an init container copied out of the
 * template's image. With `stdioBridge: false` they are refused at synth.
 *
 * @throws McpConfigError at construction for invalid props, an unknown or invalid template,
 * config that does not match the template's schema, a template without an image and no `image`,
 * or a stdio template without the bridge.
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
  /** The image of the server (for a bridged server, the image its executable is copied from). */
  public readonly image: ImageReference;
  /** Fewest pods the server runs. */
  public readonly minReplicas: number;
  /** The server's pods in the chart's connectivity model. */
  public readonly workload: Workload;
  /** What MCP clients connect to: the server's pods on its port (`Connectivity.connect` a client to it). */
  public readonly apiEndpoint: ServiceEndpoint;
  private readonly serverName: string;
  private readonly namespaceName?: string;
  private readonly resolved: ResolvedConfig;
  private readonly selectorLabels: Record<string, string>;
  private readonly objectLabels: Record<string, string>;

  public constructor(scope: Construct, id: string, props: McpServerProps) {
    super(scope, id);
    checkProps(this, 'McpServerProps', props);
    this.template = this.resolveTemplate(props);
    const template = this.template;
    this.serverName = validateDnsLabel(this, 'name', props.name ?? template.id, 52);
    if (props.namespace !== undefined) validateDnsLabel(this, 'namespace', props.namespace);
    this.namespaceName = props.namespace;
    this.transport = this.chooseTransport(props);
    this.bridged = this.transport === 'stdio';
    this.image = this.resolveImage(props);
    if (props.logLevel !== undefined && !Object.values(template.config ?? {}).some(k => k.logLevelValues)) {
      invalid(this, 'logLevel', props.logLevel, `template '${template.id}' has no log level setting: remove logLevel`);
    }
    this.resolved = resolveConfig(this, template, props.config, props.logLevel);
    const autoscaling = resolveAutoscaling(this, 'autoscaling', props.autoscaling);
    if (autoscaling && props.replicas !== undefined) {
      invalid(this, 'replicas', props.replicas, 'leave replicas unset with autoscaling: the HPA owns the replica count (set autoscaling.minReplicas instead)');
    }
    this.minReplicas = autoscaling?.minReplicas ?? validateInteger(this, 'replicas', props.replicas ?? 1, 1, 100);
    const alerts = resolveServerAlerts(this, props.alerts);

    const identity: ComponentLabels = { name: `mcp-${template.id}`, instance: this.serverName, component: 'mcp-server', version: this.image.version };
    this.selectorLabels = selectorLabels(identity);
    this.objectLabels = {
      ...recommendedLabels(identity),
      [SERVER_LABELS.managedBy]: SERVER_LABELS.managedByValue,
      [SERVER_LABELS.server]: this.serverName,
      [SERVER_LABELS.template]: template.id,
      [SERVER_LABELS.transport]: this.transport,
    };
    const data = this.configData();
    if (Object.keys(data).length > 0) this.config = new kplus.ConfigMap(this, 'config', { metadata: this.metadata('-config'), data });
    const bridgeConfigMap = this.bridged
      ? new kplus.ConfigMap(this, 'bridge-config', {
        metadata: this.metadata('-bridge'),
        data: { [STDIO_BRIDGE.configFile]: bridgeConfig(this.serverName, template.port, template.stdio!, this.resolved.args, { stateless: (autoscaling?.maxReplicas ?? this.minReplicas) > 1 }) },
      })
      : undefined;
    this.service = createService(this, 'service', {
      name: this.serverName, namespace: this.namespaceName, labels: this.labels, selector: this.selectorLabels,
      ports: [{ name: SERVER_RUNTIME.portName, port: template.port, containerPort: template.port }],
    });
    this.deployment = this.renderDeployment(props, autoscaling === undefined, bridgeConfigMap);
    if (autoscaling) createAutoscaler(this, 'autoscaler', { metadata: this.metadata(), target: this.deployment, autoscaling });
    if (PodDisruptionBudget.applies(props.podDisruptionBudget, this.minReplicas)) {
      new PodDisruptionBudget(this, 'pdb', {
        metadata: this.metadata(), selector: this.selectorLabels, minReplicas: this.minReplicas,
        maxReplicas: autoscaling?.maxReplicas, budget: props.podDisruptionBudget,
      });
    }
    this.workload = addServerWorkload(this, {
      name: this.serverName, namespace: this.namespace, labels: this.labels, selector: this.selectorLabels,
      networkPolicy: props.networkPolicy, egress: props.egress ?? template.egress ?? [],
    });
    this.apiEndpoint = { target: this.workload, ports: [{ port: template.port }] };
    if (props.ingress && props.ingress.enabled !== false) this.ingress = this.renderIngress(props.ingress);
    connectServerClients(this, {
      server: this.serverName, endpoint: this.apiEndpoint, networkPolicy: props.networkPolicy,
      ingressRoute: this.ingress ? this.mcpPaths().map(p => `${props.ingress!.host}${p}`).join(', ') : undefined,
    });
    renderServerMonitoring(this, {
      server: { name: this.serverName, namespace: this.namespaceName ?? Chart.of(this).namespace ?? 'default' },
      labels: this.labels, monitoring: props.monitoring ?? {}, alerts,
    });
  }

  /** The server's name (Deployment, Service, `mcp.platform/server` label). */
  public get name(): string {
    return this.serverName;
  }

  /** The port the Service exposes. */
  public get port(): number {
    return this.template.port;
  }

  /** Labels the server's pods are selected by. */
  public get selector(): Readonly<Record<string, string>> {
    return { ...this.selectorLabels };
  }

  /** Labels on every object of this server (for kubectl -l). */
  public get labels(): Readonly<Record<string, string>> {
    return { ...this.objectLabels };
  }

  /** In-cluster base URL, e.g. `http://github.mcp-servers-prod.svc:8080`; MCP clients use `<url><mcpPath>`. */
  public get url(): string {
    const host = this.namespace ? `${this.serverName}.${this.namespace}.svc` : this.serverName;
    return `http://${host}:${this.template.port}`;
  }

  /**
   * Path of the MCP endpoint the Service and Ingress serve: the bridge's Streamable HTTP path
   * (`/mcp`) for a stdio server, else the template's `mcpPath` (`/mcp`, `/sse` for SSE).
   */
  public get mcpPath(): string {
    if (this.bridged) return STDIO_BRIDGE.mcpPaths[0];
    return this.template.mcpPath ?? (this.transport === 'sse' ? '/sse' : '/mcp');
  }

  /** Paths an MCP client uses: the endpoint, plus the messages path of a server speaking SSE itself. */
  private mcpPaths(): string[] {
    if (this.transport !== 'sse') return [this.mcpPath];
    return [this.mcpPath, this.template.sseMessagesPath ?? '/messages'];
  }

  /** Namespace of the server's objects (the chart's unless `namespace` is set). */
  public get namespace(): string | undefined {
    return this.namespaceName ?? Chart.of(this).namespace;
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
    const levelKey = Object.entries(this.template.config ?? {}).find(([, k]) => k.logLevelValues);
    const level = levelKey && levelKey[1].env ? this.resolved.plain[levelKey[1].env] : undefined;
    return {
      component: `McpServer '${this.serverName}'`,
      disruptionBudget: { present: this.node.tryFindChild('pdb') !== undefined, field: 'replicas or autoscaling.minReplicas (a PDB is rendered above 1)' },
      debugLogging: { enabled: level !== undefined && level === levelKey![1].logLevelValues![0], field: 'logLevel' },
      // Isolated pods nobody is allowed to call: no Ingress, no declared client, no flow another
      // component connected to apiEndpoint.
      rejectsAllClients: {
        present: this.workload.isolation.ingress && Connectivity.of(this).flowsInto(this.workload).length === 0,
        field: 'ingress or networkPolicy.clients',
        reason: 'its NetworkPolicy admits no caller (no Ingress, no declared client)',
      },
    };
  }

  private metadata(suffix = ''): ObjectMetadata {
    return { name: `${this.serverName}${suffix}`, namespace: this.namespaceName, labels: this.labels };
  }

  private resolveTemplate(props: McpServerProps): McpServerTemplate {
    if (typeof props.template === 'string') return (props.catalog ?? McpServerCatalog.withBuiltins()).get(props.template, this.node.path);
    validateTemplate(this.node.path, props.template);
    return props.template;
  }

  private chooseTransport(props: McpServerProps): McpTransport {
    const supported = this.template.transports;
    if (props.transport !== undefined && !supported.includes(props.transport)) {
      invalid(this, 'transport', props.transport, `template '${this.template.id}' supports ${supported.join(', ')}: pick one of those`);
    }
    const transport = props.transport ?? (['http', 'sse', 'stdio'] as const).find(t => supported.includes(t))!;
    if (transport === 'stdio' && props.stdioBridge === false) {
      invalid(this, 'stdioBridge', false, `template '${this.template.id}' speaks only stdio, and a stdio server without a bridge has no network endpoint: set stdioBridge to true (the default), or pick an HTTP template`);
    }
    if (transport === 'stdio' && !this.template.stdio) {
      invalid(this, 'transport', transport, `template '${this.template.id}' names no executable the bridge could start (stdio.command): use ${supported.filter(t => t !== 'stdio').join(' or ')}`);
    }
    return transport;
  }

  private resolveImage(props: McpServerProps): ImageReference {
    if (props.image !== undefined) return parseImageProp(this, 'image', props.image);
    if (needsUserImage(this.template)) {
      invalid(this, 'image', undefined, `template '${this.template.id}' has no published image: set image to your build of it, pinned by tag or digest (e.g. registry.example.com/mcp-${this.template.id}:1.0.0)`);
    }
    try {
      return templateImage(this.template, props.registryPrefix);
    } catch (e) {
      return invalid(this, 'registryPrefix', props.registryPrefix, (e as Error).message);
    }
  }

  private bridgeImage(props: McpServerProps): string {
    if (props.bridgeImage !== undefined) return parseImageProp(this, 'bridgeImage', props.bridgeImage).toString();
    if (!props.registryPrefix) return STDIO_BRIDGE.image;
    const bridge = ImageReference.parse(STDIO_BRIDGE.image);
    return `${props.registryPrefix.replace(/\/+$/, '')}/${bridge.repository}:${bridge.tag}`;
  }

  /** The ConfigMap: the runtime's port/transport (for servers that speak HTTP themselves) plus plain config. */
  private configData(): Record<string, string> {
    const t = this.template;
    const runtime: Record<string, string> = {};
    if (!this.bridged) {
      for (const env of t.portEnv ?? []) runtime[env] = String(t.port);
      if (t.transportEnv) runtime[t.transportEnv] = this.transport;
    }
    return { ...runtime, ...this.resolved.plain };
  }

  private renderDeployment(props: McpServerProps, fixedReplicas: boolean, bridgeConfigMap?: kplus.ConfigMap): kplus.Deployment {
    const user = { uid: this.bridged ? STDIO_BRIDGE.uid : this.template.uid ?? SERVER_RUNTIME.uid };
    // A ServiceAccount only for workload identity (its annotations); never an API token.
    const serviceAccount = Object.keys(props.serviceAccountAnnotations ?? {}).length
      ? new kplus.ServiceAccount(this, 'service-account', { metadata: this.metadata(), automountToken: false })
      : undefined;
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: this.metadata(),
      select: false,
      replicas: fixedReplicas ? this.minReplicas : undefined,
      securityContext: restrictedPodSecurityContext(user),
      serviceAccount,
      automountServiceAccountToken: false,
    });
    applyPodConventions(deployment, {
      selector: this.selectorLabels,
      labels: this.labels,
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash({ config: this.config?.data ?? {}, bridge: bridgeConfigMap?.data ?? {} }) },
    });
    applyScheduling(this, 'scheduling', deployment, this.selectorLabels, props.scheduling, this.minReplicas > 1);
    const env = this.secretEnvValues(props);
    const container = deployment.addContainer({
      name: SERVER_RUNTIME.containerName,
      image: this.bridged ? this.bridgeImage(props) : this.image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: this.containerPorts(),
      ...this.probes(),
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(this, 'resources', props.resources, {
        requests: { ...SERVER_RESOURCES.requests, ...this.template.resources?.requests },
        limits: { ...SERVER_RESOURCES.limits, ...this.template.resources?.limits },
      }),
      envFrom: this.config ? [kplus.Env.fromConfigMap(this.config)] : undefined,
      envVariables: env,
      ...(this.bridged ? { args: bridgeArgs() } : {}),
    });
    container.mount('/tmp', scratchVolume(deployment, 'tmp'));
    mountTemplateVolumes(this, deployment, container, this.template, {
      claims: props.volumeClaims, metadata: this.metadata(), multiplePods: !fixedReplicas || this.minReplicas > 1,
    });
    if (this.bridged) {
      addServerInstall(this, deployment, { serverImage: this.image.toString(), stdio: this.template.stdio!, bridge: container, configMap: bridgeConfigMap!, uid: user.uid });
    }
    applyPodTemplateOptions(this, '', { workload: deployment, container, serviceAccount, reservedEnv: [...Object.keys(this.configData()), ...Object.keys(this.resolved.secrets)] }, props);
    return deployment;
  }

  private containerPorts(): kplus.ContainerPort[] {
    const ports: kplus.ContainerPort[] = [{ name: SERVER_RUNTIME.portName, number: this.template.port }];
    if (this.bridged) ports.push({ name: STDIO_BRIDGE.readiness.portName, number: STDIO_BRIDGE.readiness.port });
    return ports;
  }

  /** The bridge's readiness server, else the template's health path, else the TCP port. */
  private probes(): Pick<kplus.ContainerProps, 'startup' | 'liveness' | 'readiness'> {
    if (this.bridged) {
      const path = STDIO_BRIDGE.readiness.path;
      return httpProbes(STDIO_BRIDGE.readiness.port, { startup: path, liveness: path, readiness: path }, SERVER_PROBE_TIMINGS);
    }
    const path = this.template.healthPath;
    if (path) return httpProbes(this.template.port, { startup: path, liveness: path, readiness: path }, SERVER_PROBE_TIMINGS);
    const tcp = (t: typeof SERVER_PROBE_TIMINGS.startup) => kplus.Probe.fromTcpSocket({
      port: this.template.port, initialDelaySeconds: Duration.seconds(t.initialDelaySeconds), periodSeconds: Duration.seconds(t.periodSeconds),
      timeoutSeconds: Duration.seconds(t.timeoutSeconds), failureThreshold: t.failureThreshold,
    });
    return { startup: tcp(SERVER_PROBE_TIMINGS.startup), liveness: tcp(SERVER_PROBE_TIMINGS.liveness), readiness: tcp(SERVER_PROBE_TIMINGS.readiness) };
  }

  /**
   * The Secrets the config references, each made to exist as `secretProvisioning` says (one
   * ExternalSecret per Secret in prod), read as `secretKeyRef` env entries. Server credentials
   * are issued elsewhere (a GitHub token, a Snowflake key), so none is ever generated.
   */
  private secretEnvValues(props: McpServerProps): Record<string, kplus.EnvValue> {
    const bySecret = new Map<string, Record<string, { generate: boolean; remoteKey?: ExternalSecretKey }>>();
    for (const ref of Object.values(this.resolved.secrets)) {
      const keys = bySecret.get(ref.secretName) ?? {};
      keys[ref.key] = { generate: false, ...(ref.remoteKey ? { remoteKey: ref.remoteKey } : {}) };
      bySecret.set(ref.secretName, keys);
    }
    for (const [secretName, keys] of bySecret) {
      provideSecret(this, props.secretProvisioning, { secretName, namespace: this.namespace, labels: this.labels, keys, field: 'config' });
    }
    const env: Record<string, kplus.EnvValue> = {};
    for (const [name, ref] of Object.entries(this.resolved.secrets)) {
      env[name] = envFromSecret(this, { secretName: ref.secretName, key: ref.key }, false, this.namespace);
    }
    return env;
  }

  /** Only the MCP endpoint is routed; SSE and Streamable HTTP keep responses open, so nginx neither buffers nor times out early. */
  private renderIngress(options: IngressOptions): kplus.Ingress {
    const nginx = (options.className ?? 'nginx') === 'nginx';
    return createIngress(this, 'ingress', {
      metadata: this.metadata(),
      options,
      annotations: nginx ? {
        'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      } : {},
      paths: this.mcpPaths().map(path => ({ path, pathType: kplus.HttpIngressPathType.PREFIX, service: this.service, port: this.template.port })),
    });
  }
}
