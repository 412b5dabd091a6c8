import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { resolveAutoscaling, ResolvedAutoscaling, createAutoscaler } from '../common/autoscaling';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { ImageReference, parseImageProp } from '../common/image';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { METRICS_SERVICE_LABEL, MonitoringOptions } from '../common/monitoring';
import { applyPodConventions, scratchVolume } from '../common/pod';
import { applyPodTemplateOptions } from '../common/pod-template';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { checkProps } from '../common/props-schema';
import { quantityBytes } from '../common/quantity';
import { resolveResources } from '../common/resources';
import { applyScheduling } from '../common/scheduling';
import { envFromSecret } from '../common/secrets';
import { createService } from '../common/service';
import { validateDnsLabel } from '../common/validation';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { renderCode, RenderedCode } from './agent-code';
import { agentConstants, AgentConstants } from './agent-constants';
import { addAgentWorkload, AGENT_COMPONENT, agentsGroup, connectAgentsToRegistry } from './agent-connectivity';
import { agentPodRegex, createAgentDashboard, createAgentPrometheusRule, createAgentScrape, DEFAULT_AGENT_ALERTS } from './agent-monitoring';
import { AGENT_ENV, AGENT_RESOURCES, AGENT_RUNTIME, RESERVED_AGENT_ENV } from './agent-runtime';
import { AgentAlertThresholds, McpAgentSpec } from './agent-spec';
import { validateAgentSpec } from './agent-spec-validation';
import { IMcpMeshRegistry } from './mesh-registry';
import { meshShared, MeshShared } from './mesh-shared';

export { AGENT_COMPONENT, AGENT_POD_LABELS } from './agent-connectivity';

/** Pod-template annotation that lists what an agent provides (for `kubectl describe`). */
export const CAPABILITIES_ANNOTATION = 'mesh.mcp.io/capabilities';
/** Pod-template annotation that lists what an agent needs (for `kubectl describe`). */
export const DEPENDENCIES_ANNOTATION = 'mesh.mcp.io/dependencies';

/**
 * An agent as an environment declares it: its name plus every field of the MCPAgent spec except
 * `registryUrl`, which comes from the registry.
 */
export interface McpAgentDefinition extends Omit<McpAgentSpec, 'registryUrl'> {
  /**
   * Agent name: the Deployment, Service and ServiceAccount name, `app.kubernetes.io/name` and
   * `MCP_MESH_AGENT_NAME` (RFC 1123 label, at most 52 characters).
   */
  readonly name: string;
}

/** Props of {@link McpAgent}. */
export interface McpAgentProps extends McpAgentDefinition {
  /** The registry the agent registers and heartbeats with (a `Registry`, or `McpMeshRegistry.fromAttributes`). */
  readonly registry: IMcpMeshRegistry;
}

/**
 * One MCP Mesh agent on the Python runtime: a Deployment (UID 999, read-only root filesystem,
 * HTTP 8080 probed at /startupz, /livez and /ready), its Service (the host the agent
 * advertises to the registry), a ServiceAccount without a token, the code ConfigMap, and
 * optionally a workspace PVC, an HPA, a PDB, a ServiceMonitor or PodMonitor, a PrometheusRule and
 * a Grafana dashboard.
 *
 * The agent is a workload of the chart's connectivity model and a member of its `agents` group.
 * Its NetworkPolicy (unless `networkPolicy.enabled` is false) is rendered from that model:
 * default-deny both ways, then egress to the registry API, DNS, the tracing Redis and the declared
 * extra egress, and ingress from Prometheus and the declared `networkPolicy.clients` on the HTTP
 * port. The flows between agents follow from the capability graph, which {@link McpAgentMesh}
 * resolves; other components connect to {@link apiEndpoint}.
 *
 * @throws McpConfigError at construction for unknown or mistyped fields, invalid names, semver,
 * quantities or CIDRs, env vars the construct sets itself, a missing code source, code whose
 * `@mesh.tool` decorators disagree with the spec, RWO persistence shared by several pods; at
 * synth for a `networkPolicy.clients[].workload` the environment does not render.
 */
export class McpAgent extends Construct implements IPolicySubject {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service the agent advertises (MCP_MESH_HTTP_HOST). */
  public readonly service: kplus.Service;
  /** Agent name. */
  public readonly name: string;
  /** The validated spec, as an MCPAgent custom resource would carry it. */
  public readonly spec: McpAgentSpec;
  /** The ConfigMap holding inline or multi-file code, when the chart renders one. */
  public readonly codeConfigMap?: kplus.ConfigMap;
  /** Pods that run at least: the HPA minimum when autoscaled, else replicas. */
  public readonly minReplicas: number;
  /** Pods that run at most: the HPA maximum when autoscaled, else replicas. */
  public readonly maxReplicas: number;
  /** The agent's pods in the chart's connectivity model (named by the agent name). */
  public readonly workload: Workload;
  /** What callers connect to: the agent's pods on its HTTP port (MCP over HTTP, 8080). */
  public readonly apiEndpoint: ServiceEndpoint;
  private readonly selectorLabels: Record<string, string>;
  private readonly objectLabels: Record<string, string>;
  private readonly autoscaling?: ResolvedAutoscaling;
  private readonly monitoring: MonitoringOptions;

  public constructor(scope: Construct, id: string, props: McpAgentProps) {
    super(scope, id);
    // An agent of a mesh gets what the mesh checked and computed once for all its agents.
    const shared = meshShared(props);
    if (!shared?.propsChecked) checkProps(this, 'McpAgentProps', props);
    const { name, registry, ...rest } = props;
    checkRegistry(this, 'registry', registry);
    this.name = validateDnsLabel(this, 'name', name, 52);
    this.spec = validateAgentSpec(this, { ...rest, registryUrl: shared?.registryUrl ?? registry.url }, shared?.knownValid);
    const spec = this.spec;
    this.autoscaling = resolveAutoscaling(this, 'autoscaling', spec.autoscaling);
    this.minReplicas = this.autoscaling?.minReplicas ?? spec.replicas ?? 1;
    this.maxReplicas = this.autoscaling?.maxReplicas ?? spec.replicas ?? 1;
    this.monitoring = spec.monitoring ?? {};
    const image = agentImage(this, spec, shared);
    const identity: ComponentLabels = { name: this.name, instance: this.name, component: AGENT_COMPONENT, version: image.version };
    this.selectorLabels = selectorLabels(identity);
    this.objectLabels = recommendedLabels(identity);
    const labels = this.objectLabels;

    const rendered = renderCode(spec.code);
    if (rendered) {
      this.codeConfigMap = new kplus.ConfigMap(this, 'code', { metadata: { name: `${this.name}-code`, labels }, data: rendered.data });
    }
    const serviceMonitored = (this.monitoring.scrape ?? false) && (spec.scrapeWith ?? 'ServiceMonitor') === 'ServiceMonitor';
    this.service = createService(this, 'service', {
      name: this.name,
      labels: serviceMonitored ? { ...labels, [METRICS_SERVICE_LABEL]: 'true' } : labels,
      selector: this.selectorLabels,
      ports: [{ name: AGENT_RUNTIME.portName, port: AGENT_RUNTIME.httpPort, containerPort: AGENT_RUNTIME.httpPort }],
    });
    this.deployment = this.renderDeployment(image, rendered, shared);
    const group = shared?.group ?? agentsGroup(this);
    ({ workload: this.workload, apiEndpoint: this.apiEndpoint } = addAgentWorkload(this, {
      name: this.name,
      podSelector: this.selectorLabels,
      labels,
      group,
      spec,
      clusterNetwork: spec.networkPolicy?.clusterNetwork ?? Connectivity.of(this).clusterNetwork,
    }));
    if (!shared) connectAgentsToRegistry(this, group, registry);
    this.renderScaling();
    this.renderMonitoring();
  }

  /** Labels the agent's pods are selected by. */
  public get selector(): Record<string, string> {
    return { ...this.selectorLabels };
  }

  /** Recommended labels of the agent's objects. */
  public get labels(): Record<string, string> {
    return { ...this.objectLabels };
  }

  /** The host the agent advertises: its Service's DNS name in the namespace. */
  public get advertisedHost(): string {
    const namespace = Chart.of(this).namespace;
    return namespace ? `${this.service.name}.${namespace}.svc` : this.service.name;
  }

  /** Facts for the environment policy: PDB when several pods run, debug logging. */
  public policyFacts(): PolicyFacts {
    return {
      component: `McpAgent ${this.name}`,
      disruptionBudget: this.minReplicas > 1 ? { present: PodDisruptionBudget.applies(this.spec.podDisruptionBudget, this.minReplicas), field: 'podDisruptionBudget' } : undefined,
      debugLogging: { enabled: this.spec.logLevel === 'debug', field: 'logLevel' },
    };
  }

  private renderDeployment(image: ImageReference, rendered: RenderedCode | undefined, shared: MeshShared | undefined): kplus.Deployment {
    const spec = this.spec;
    const constants = shared?.constants ?? agentConstants(spec.registryUrl);
    const labels = this.objectLabels;
    const serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name: this.name, labels }, automountToken: false });
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: {
        name: this.name,
        labels,
        annotations: Object.fromEntries([
          [CAPABILITIES_ANNOTATION, (spec.capabilities ?? []).map(c => `${c.name}@${c.version}`).join(',')],
          [DEPENDENCIES_ANNOTATION, (spec.dependencies ?? []).map(d => `${d.name}@${d.version ?? '*'}${d.optional ? '?' : ''}`).join(',')],
        ].filter(([, v]) => v)),
      },
      select: false,
      // A ReadWriteOnce workspace attaches to one node: stop the old pod before starting the new one.
      strategy: spec.persistence && (spec.persistence.accessMode ?? 'ReadWriteOnce') === 'ReadWriteOnce' ? kplus.DeploymentStrategy.recreate() : undefined,
      replicas: this.autoscaling ? undefined : spec.replicas ?? 1,
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: constants.podSecurityContext,
    });
    applyPodConventions(deployment, {
      selector: this.selectorLabels,
      labels,
      annotations: rendered ? { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(rendered.data) } : {},
    });
    applyScheduling(this, 'scheduling', deployment, this.selectorLabels, spec.scheduling, this.maxReplicas > 1);
    const probes = constants.probes;
    const entrypoint = rendered?.entrypoint ?? spec.code.configMap?.entrypoint ?? AGENT_RUNTIME.defaultEntrypoint;
    const command = spec.command ?? (spec.code.image ? undefined : [AGENT_RUNTIME.interpreter, `${AGENT_RUNTIME.codePath}/${entrypoint}`]);
    const container = deployment.addContainer({
      name: AGENT_RUNTIME.containerName,
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: command ? [...command] : undefined,
      ports: [{ name: AGENT_RUNTIME.portName, number: AGENT_RUNTIME.httpPort }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: constants.containerSecurityContext,
      resources: spec.resources === undefined && shared ? shared.defaultResources : resolveResources(this, 'resources', spec.resources, AGENT_RESOURCES),
      envVariables: this.environment(constants),
    });
    container.mount('/tmp', scratchVolume(deployment, 'tmp'));
    this.mountCode(container, rendered?.items);
    if (spec.persistence) this.mountWorkspace(container);
    applyPodTemplateOptions(this, '', { workload: deployment, container, serviceAccount, reservedEnv: [...RESERVED_AGENT_ENV] }, spec);
    return deployment;
  }

  private mountCode(container: kplus.Container, items: Record<string, { path: string }> | undefined): void {
    const configMap = this.spec.code.configMap;
    if (this.codeConfigMap) {
      const projected = items && Object.keys(items).length ? items : undefined;
      container.mount(AGENT_RUNTIME.codePath, kplus.Volume.fromConfigMap(this, 'code-volume', this.codeConfigMap, { name: 'code', items: projected }), { readOnly: true });
    } else if (configMap) {
      declareExternal(this, 'ConfigMap', configMap.name);
      const existing = kplus.ConfigMap.fromConfigMapName(this, 'existing-code', configMap.name);
      container.mount(AGENT_RUNTIME.codePath, kplus.Volume.fromConfigMap(this, 'code-volume', existing, { name: 'code' }), { readOnly: true });
    }
  }

  private mountWorkspace(container: kplus.Container): void {
    const p = this.spec.persistence!;
    const bytes = quantityBytes(this, 'persistence.size', p.size, 'storage', 2 ** 30);
    if (bytes % 2 ** 20 !== 0) invalid(this, 'persistence.size', p.size, "use a whole number of MiB, such as '1Gi' or '1536Mi'");
    const claim = new kplus.PersistentVolumeClaim(this, 'workspace', {
      metadata: { name: `${this.name}-workspace`, labels: this.objectLabels },
      storage: bytes % 2 ** 30 === 0 ? Size.gibibytes(bytes / 2 ** 30) : Size.mebibytes(bytes / 2 ** 20),
      accessModes: [p.accessMode === 'ReadWriteMany' ? kplus.PersistentVolumeAccessMode.READ_WRITE_MANY : kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storageClassName: p.storageClassName,
    });
    container.mount(p.mountPath ?? '/data', kplus.Volume.fromPersistentVolumeClaim(this, 'workspace-volume', claim, { name: 'workspace' }));
  }

  /** Exactly the env vars the runtime reads (agent-runtime.ts); the user's extras come from extraEnv. */
  private environment(constants: AgentConstants): Record<string, kplus.EnvValue> {
    const spec = this.spec;
    const v = kplus.EnvValue.fromValue;
    const c = constants.env;
    const env: Record<string, kplus.EnvValue> = {
      [AGENT_ENV.registryUrl]: c.registryUrl,
      [AGENT_ENV.agentName]: v(this.name),
      [AGENT_ENV.bindHost]: c.bindHost,
      [AGENT_ENV.httpEnabled]: c.httpEnabled,
      [AGENT_ENV.httpHost]: v(this.advertisedHost),
      [AGENT_ENV.httpPort]: c.httpPort,
      [AGENT_ENV.autoRun]: c.autoRun,
      [AGENT_ENV.autoRunInterval]: c.heartbeat,
      [AGENT_ENV.healthInterval]: c.heartbeat,
      [AGENT_ENV.logLevel]: v((spec.logLevel ?? 'info').toUpperCase()),
      [AGENT_ENV.podIp]: c.podIp,
      [AGENT_ENV.pythonUnbuffered]: c.one,
      [AGENT_ENV.pythonNoBytecode]: c.one,
    };
    const tracing = spec.tracing;
    if (tracing && tracing.enabled !== false) {
      env[AGENT_ENV.tracingEnabled] = v('true');
      env[AGENT_ENV.redisUrl] = tracing.redisUrlSecret ? envFromSecret(this, tracing.redisUrlSecret) : v(tracing.redisUrl!);
    }
    return env;
  }

  private renderScaling(): void {
    const metadata = { name: this.name, labels: this.objectLabels };
    if (this.autoscaling) createAutoscaler(this, 'hpa', { metadata, target: this.deployment, autoscaling: this.autoscaling });
    if (PodDisruptionBudget.applies(this.spec.podDisruptionBudget, this.minReplicas)) {
      new PodDisruptionBudget(this, 'pdb', { metadata, selector: this.selectorLabels, minReplicas: this.minReplicas, maxReplicas: this.maxReplicas, budget: this.spec.podDisruptionBudget });
    }
  }

  private renderMonitoring(): void {
    const m = this.monitoring;
    if (!m.scrape && !m.prometheusRule && !m.dashboard) return;
    const namespace = Chart.of(this).namespace;
    if (!namespace) invalid(this, 'monitoring', m, "alerts, dashboards and monitors select the agent's namespace: give the chart a namespace, or turn monitoring off");
    const target = { name: this.name, namespace, labels: this.objectLabels, selector: this.selectorLabels, serviceLabel: { [METRICS_SERVICE_LABEL]: 'true' } };
    if (m.scrape) createAgentScrape(this, target, m, this.spec.scrapeWith ?? 'ServiceMonitor');
    if (m.prometheusRule) createAgentPrometheusRule(this, target, m, resolveAlerts(this.spec.alerts));
    if (m.dashboard) createAgentDashboard(this, 'dashboard', { name: this.name, namespace, labels: this.objectLabels, title: `MCP Mesh agent ${this.name} (${namespace})`, pod: agentPodRegex(this.name) });
  }
}

/**
 * The handle is not data, so the props schema accepts anything there: check it has what agents use.
 * @internal
 */
export function checkRegistry(scope: Construct, field: string, registry: IMcpMeshRegistry | undefined): void {
  if (typeof registry?.url !== 'string' || typeof registry.port !== 'number' || typeof registry.selector !== 'object' || typeof registry.service?.name !== 'string') {
    invalid(scope, field, registry === undefined ? undefined : '(not a registry)', 'pass the Registry construct, or McpMeshRegistry.fromAttributes({ url, selector }) for a registry rendered elsewhere');
  }
}

/** The agent's image: `code.image`, else `image`, else the runtime's (parsed once per mesh). */
function agentImage(scope: Construct, spec: McpAgentSpec, shared: MeshShared | undefined): ImageReference {
  const reference = spec.code.image ?? spec.image;
  if (reference === undefined && shared) return shared.defaultImage;
  return parseImageProp(scope, spec.code.image ? 'code.image' : 'image', reference ?? AGENT_RUNTIME.image);
}

function resolveAlerts(alerts: AgentAlertThresholds | undefined): Required<AgentAlertThresholds> {
  return { ...DEFAULT_AGENT_ALERTS, ...Object.fromEntries(Object.entries(alerts ?? {}).filter(([, v]) => v !== undefined)) };
}
