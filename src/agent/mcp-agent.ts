import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as semver from 'semver';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsScheme } from '../../imports/podmonitors-monitoring.coreos.com';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { ImageReference, parseImageProp } from '../common/image';
import { ComponentLabels, PLATFORM_COMPONENTS, platformComponentPeer, recommendedLabels, selectorLabels } from '../common/labels';
import { createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { toContainerResources } from '../common/resources';
import { envFromSecret } from '../common/secrets';
import { createService } from '../common/service';
import { validateDnsLabel } from '../common/validation';
import { codeProblems, renderCode } from './agent-code';
import { toResourceSpec } from './agent-quantities';
import { AGENT_ENV, AGENT_PROBE_TIMINGS, AGENT_RESOURCES, AGENT_RUNTIME, RESERVED_AGENT_ENV } from './agent-runtime';
import { MCP_AGENT_SPEC_SCHEMA, McpAgentSpec } from './agent-spec';
import { validateAgainst } from './spec-schema';

/** The `app.kubernetes.io/component` of every agent; the registry admits pods carrying it. */
export const AGENT_COMPONENT = PLATFORM_COMPONENTS.agent;

/** Labels every agent pod carries, whatever its name: what the registry's NetworkPolicy admits by default. */
export const AGENT_POD_LABELS: Readonly<Record<string, string>> = platformComponentPeer(AGENT_COMPONENT).podLabels;

/** Pod-template annotations that list what an agent provides and needs (for `kubectl describe`). */
export const CAPABILITIES_ANNOTATION = 'mesh.mcp.io/capabilities';
export const DEPENDENCIES_ANNOTATION = 'mesh.mcp.io/dependencies';

/** What an agent needs from the registry: typed handles, never a URL string. The Registry construct satisfies it. */
export interface AgentRegistryHandle {
  /** Base URL of the registry API, e.g. `http://mcp-mesh-registry.mcp-dev.svc:8000`. */
  readonly url: string;
  /** Labels of the registry pods (for egress policies). */
  readonly selector: Record<string, string>;
  /** The API port. */
  readonly port: number;
}

/**
 * An agent as an environment declares it: its name plus every field of the MCPAgent spec
 * (see agent-spec.ts; all documented there and in the CRD) except `registryUrl`, which comes
 * from the Registry handle.
 */
export interface McpAgentDefinition extends Omit<McpAgentSpec, 'registryUrl'> {
  /**
   * Agent name: the Deployment, Service and ServiceAccount name, `app.kubernetes.io/name` and
   * MCP_MESH_AGENT_NAME (RFC 1123 label, at most 52 characters).
   */
  readonly name: string;
}

/** Props of {@link McpAgent}. */
export interface McpAgentProps extends McpAgentDefinition {
  /** The registry the agent registers and heartbeats with. */
  readonly registry: AgentRegistryHandle;
}

/**
 * One MCP Mesh agent on the Python runtime: a Deployment (UID 999, read-only root filesystem,
 * HTTP 8080 probed at /startupz, /livez and /ready), its Service (the host the agent
 * advertises to the registry), a ServiceAccount without a token, the code ConfigMap, and
 * optionally a workspace PVC, an HPA, a PDB and a ServiceMonitor or PodMonitor.
 *
 * NetworkPolicies are not rendered here: they follow from the capability graph of all agents,
 * which {@link McpAgentMesh} resolves.
 *
 * Sources: seeds/mcp-mesh-k8s-completed-tasks.md (agent chart features);
 * design/upstream.md §1.6 (runtime contract) and §1.5/§1.7 (defects not to repeat).
 *
 * @throws McpConfigError at construction for any field outside the MCPAgent schema, invalid
 * semver, reserved env names, a missing code source, RWO persistence shared by several pods.
 */
export class McpAgent extends Construct implements IPolicySubject {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service the agent advertises (MCP_MESH_HTTP_HOST). */
  public readonly service: kplus.Service;
  /** Agent name. */
  public readonly name: string;
  /** Labels the agent's pods are selected by. */
  public readonly selector: Record<string, string>;
  /** Recommended labels of the agent's objects. */
  public readonly labels: Record<string, string>;
  /** The validated spec, as an MCPAgent custom resource would carry it. */
  public readonly spec: McpAgentSpec;
  /** The ConfigMap holding inline or multi-file code, when the chart renders one. */
  public readonly codeConfigMap?: kplus.ConfigMap;

  public constructor(scope: Construct, id: string, props: McpAgentProps) {
    super(scope, id);
    const { name, registry, ...rest } = props;
    this.name = validateDnsLabel(this, 'name', name, 52);
    this.spec = validateAgentSpec(this, { ...rest, registryUrl: registry.url });
    const spec = this.spec;
    const image = parseImageProp(this, spec.code.image ? 'code.image' : 'image', spec.code.image ?? spec.image ?? AGENT_RUNTIME.image);
    const identity: ComponentLabels = { name: this.name, instance: this.name, component: AGENT_COMPONENT, version: image.version };
    this.selector = selectorLabels(identity);
    const labels = recommendedLabels(identity);
    this.labels = labels;

    const rendered = renderCode(spec.code);
    if (rendered) {
      this.codeConfigMap = new kplus.ConfigMap(this, 'code', { metadata: { name: `${this.name}-code`, labels }, data: rendered.data });
    }
    const monitoring = spec.monitoring ?? 'None';
    this.service = createService(this, 'service', {
      name: this.name,
      labels: monitoring === 'ServiceMonitor' ? { ...labels, [METRICS_SERVICE_LABEL]: 'true' } : labels,
      selector: this.selector,
      ports: [{ name: AGENT_RUNTIME.portName, port: AGENT_RUNTIME.httpPort, containerPort: AGENT_RUNTIME.httpPort }],
    });
    this.deployment = this.renderDeployment(image, labels);
    this.renderScaling(labels);
    if (monitoring === 'ServiceMonitor') {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name: this.name, labels }, serviceSelector: { ...this.selector, [METRICS_SERVICE_LABEL]: 'true' }, port: AGENT_RUNTIME.portName, path: AGENT_RUNTIME.metricsPath,
      });
    } else if (monitoring === 'PodMonitor') {
      new PodMonitor(this, 'pod-monitor', {
        metadata: { name: this.name, labels },
        spec: {
          selector: { matchLabels: this.selector },
          podMetricsEndpoints: [{ port: AGENT_RUNTIME.portName, path: AGENT_RUNTIME.metricsPath, scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP, interval: '30s', scrapeTimeout: '10s' }],
        },
      });
    }
  }

  /** Pods that run at least: the HPA minimum when autoscaled, else replicas. */
  public get minReplicas(): number {
    return this.spec.autoscaling?.minReplicas ?? this.spec.replicas ?? 1;
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
      disruptionBudget: this.minReplicas > 1 ? { present: true, field: 'podDisruptionBudget' } : undefined,
      debugLogging: { enabled: this.spec.logLevel === 'DEBUG', field: 'logLevel' },
    };
  }

  private renderDeployment(image: ImageReference, labels: Record<string, string>): kplus.Deployment {
    const spec = this.spec;
    const user = { uid: AGENT_RUNTIME.uid };
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
      replicas: spec.autoscaling ? undefined : spec.replicas ?? 1,
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
    });
    applyPodConventions(deployment, {
      selector: this.selector,
      labels,
      annotations: this.codeConfigMap ? { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.codeConfigMap.data) } : {},
      topologySpread: this.minReplicas > 1 || (spec.autoscaling?.maxReplicas ?? 0) > 1,
    });
    const probes = httpProbes(AGENT_RUNTIME.httpPort, AGENT_RUNTIME.health, AGENT_PROBE_TIMINGS);
    const rendered = renderCode(spec.code);
    const entrypoint = rendered?.entrypoint ?? spec.code.configMap?.entrypoint ?? AGENT_RUNTIME.defaultEntrypoint;
    const command = spec.command ?? (spec.code.image ? undefined : [AGENT_RUNTIME.interpreter, `${AGENT_RUNTIME.codePath}/${entrypoint}`]);
    const container = deployment.addContainer({
      name: 'agent',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: command ? [...command] : undefined,
      ports: [{ name: AGENT_RUNTIME.portName, number: AGENT_RUNTIME.httpPort }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(toResourceSpec(this, spec.resources ?? AGENT_RESOURCES)),
      envVariables: this.environment(),
    });
    container.mount('/tmp', scratchVolume(deployment, 'tmp'));
    if (this.codeConfigMap && rendered) {
      const items = Object.keys(rendered.items).length ? rendered.items : undefined;
      container.mount(AGENT_RUNTIME.codePath, kplus.Volume.fromConfigMap(this, 'code-volume', this.codeConfigMap, { name: 'code', items }), { readOnly: true });
    } else if (spec.code.configMap) {
      declareExternal(this, 'ConfigMap', spec.code.configMap.name);
      const existing = kplus.ConfigMap.fromConfigMapName(this, 'existing-code', spec.code.configMap.name);
      container.mount(AGENT_RUNTIME.codePath, kplus.Volume.fromConfigMap(this, 'code-volume', existing, { name: 'code' }), { readOnly: true });
    }
    if (spec.persistence) {
      const p = spec.persistence;
      const claim = new kplus.PersistentVolumeClaim(this, 'workspace', {
        metadata: { name: `${this.name}-workspace`, labels },
        storage: Size.gibibytes(p.sizeGibibytes),
        accessModes: [p.accessMode === 'ReadWriteMany' ? kplus.PersistentVolumeAccessMode.READ_WRITE_MANY : kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        storageClassName: p.storageClassName,
      });
      container.mount(p.mountPath ?? '/data', kplus.Volume.fromPersistentVolumeClaim(this, 'workspace-volume', claim, { name: 'workspace' }));
    }
    return deployment;
  }

  /** Exactly the env vars the runtime reads, then the user's plain and Secret-backed extras. */
  private environment(): Record<string, kplus.EnvValue> {
    const spec = this.spec;
    const v = kplus.EnvValue.fromValue;
    const env: Record<string, kplus.EnvValue> = {
      [AGENT_ENV.registryUrl]: v(spec.registryUrl),
      [AGENT_ENV.agentName]: v(this.name),
      [AGENT_ENV.bindHost]: v('0.0.0.0'),
      [AGENT_ENV.httpEnabled]: v('true'),
      [AGENT_ENV.httpHost]: v(this.advertisedHost),
      [AGENT_ENV.httpPort]: v(String(AGENT_RUNTIME.httpPort)),
      [AGENT_ENV.autoRun]: v('true'),
      [AGENT_ENV.autoRunInterval]: v(String(AGENT_RUNTIME.heartbeatSeconds)),
      [AGENT_ENV.healthInterval]: v(String(AGENT_RUNTIME.heartbeatSeconds)),
      [AGENT_ENV.logLevel]: v(spec.logLevel ?? 'INFO'),
      [AGENT_ENV.metricsEnabled]: v('true'),
      [AGENT_ENV.podIp]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP),
      [AGENT_ENV.podName]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      [AGENT_ENV.podNamespace]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
      [AGENT_ENV.pythonUnbuffered]: v('1'),
      [AGENT_ENV.pythonNoBytecode]: v('1'),
    };
    for (const e of spec.env ?? []) env[e.name] = v(e.value);
    for (const e of spec.secretEnv ?? []) env[e.name] = envFromSecret(this, { secretName: e.secretName, key: e.key }, e.optional ?? false);
    return env;
  }

  private renderScaling(labels: Record<string, string>): void {
    const spec = this.spec;
    if (spec.autoscaling) {
      const a = spec.autoscaling;
      const metrics = [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.targetCpuUtilizationPercent ?? 80))];
      if (a.targetMemoryUtilizationPercent) metrics.push(kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(a.targetMemoryUtilizationPercent)));
      new kplus.HorizontalPodAutoscaler(this, 'hpa', {
        metadata: { name: this.name, labels }, target: this.deployment, minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, metrics,
      });
    }
    if (spec.podDisruptionBudget || this.minReplicas > 1) {
      const budget = spec.podDisruptionBudget ?? { maxUnavailable: 1 };
      new PodDisruptionBudget(this, 'pdb', { metadata: { name: this.name, labels }, selector: this.selector, minReplicas: this.minReplicas, budget });
    }
  }
}

/**
 * Validates a whole MCPAgent spec: the schema (the same one the CRD carries), then what a
 * schema cannot say: semver parsing, reserved env names, one image, shared RWO volumes,
 * conflicting mounts and ports. Used by McpAgent and by the MCPAgent custom resource construct.
 * @throws McpConfigError naming the first offending field
 */
export function validateAgentSpec(scope: Construct, spec: McpAgentSpec): McpAgentSpec {
  const violations = validateAgainst(MCP_AGENT_SPEC_SCHEMA, spec);
  if (violations.length) {
    const [first, ...more] = violations;
    invalid(scope, first.field, first.value, more.length ? `${first.fix} (and ${more.length} more: ${more.map(m => m.field).join(', ')})` : first.fix);
  }
  (spec.capabilities ?? []).forEach((c, i) => {
    if (!semver.valid(c.version)) invalid(scope, `capabilities[${i}].version`, c.version, 'use a semantic version such as "1.0.0"');
  });
  (spec.dependencies ?? []).forEach((d, i) => {
    if (d.version !== undefined && semver.validRange(d.version) === null) invalid(scope, `dependencies[${i}].version`, d.version, 'use a semver range such as ">=3.0.0", "^2.1.0", "1.x" or "*"');
  });
  const names = new Map<string, string>();
  const envFields = [...(spec.env ?? []).map((e, i) => [e.name, `env[${i}].name`]), ...(spec.secretEnv ?? []).map((e, i) => [e.name, `secretEnv[${i}].name`])];
  for (const [name, field] of envFields) {
    if (RESERVED_AGENT_ENV.has(name)) {
      const port = name === AGENT_ENV.httpPort ? `: the agent listens on port ${AGENT_RUNTIME.httpPort}, which its Service, probes and NetworkPolicies target` : '';
      invalid(scope, field, name, `remove it${port}; the construct sets ${name} itself (reserved: ${[...RESERVED_AGENT_ENV].join(', ')})`);
    }
    if (names.has(name)) invalid(scope, field, name, `${names.get(name)} sets it already: set each variable once`);
    names.set(name, field);
  }
  if (spec.code.image && spec.image) invalid(scope, 'image', spec.image, 'code.image already names the image: set one of image (runtime for script/configMap/files code) and code.image');
  for (const p of codeProblems(spec.code)) invalid(scope, p.field, p.value, p.fix);
  if (spec.autoscaling) {
    if (spec.replicas !== undefined) invalid(scope, 'replicas', spec.replicas, 'the HPA owns the replica count: remove replicas or autoscaling');
    if (spec.autoscaling.minReplicas > spec.autoscaling.maxReplicas) invalid(scope, 'autoscaling.minReplicas', spec.autoscaling.minReplicas, `use at most maxReplicas (${spec.autoscaling.maxReplicas})`);
  }
  const maxPods = spec.autoscaling?.maxReplicas ?? spec.replicas ?? 1;
  if (spec.persistence && (spec.persistence.accessMode ?? 'ReadWriteOnce') === 'ReadWriteOnce' && maxPods > 1) {
    invalid(scope, 'persistence.accessMode', 'ReadWriteOnce', `${maxPods} pods would share one ReadWriteOnce volume, which attaches to one node only: use ReadWriteMany or a single replica`);
  }
  const mountPath = spec.persistence?.mountPath ?? '/data';
  if (spec.persistence && ['/tmp', AGENT_RUNTIME.codePath].some(p => mountPath === p || mountPath.startsWith(`${p}/`) || p.startsWith(`${mountPath}/`))) {
    invalid(scope, 'persistence.mountPath', mountPath, `it overlaps a path the construct mounts (/tmp, ${AGENT_RUNTIME.codePath}): use another path such as /data`);
  }
  (spec.egress ?? []).forEach((rule, i) => {
    const seen = new Set<string>();
    rule.ports.forEach((p, j) => {
      const key = `${p.protocol ?? 'TCP'}/${p.port}`;
      if (seen.has(key)) invalid(scope, `egress[${i}].ports[${j}]`, p, `port ${key} is listed twice for ${rule.cidr}: list each port once`);
      seen.add(key);
    });
  });
  return spec;
}
