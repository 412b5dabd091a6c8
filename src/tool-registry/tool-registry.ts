import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscalingOptions, createAutoscaler, resolveAutoscaling } from '../common/autoscaling';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { ComponentNetworkPolicyOptions, ComponentProps, LogLevel } from '../common/component-props';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { parseImageProp } from '../common/image';
import { ExternalSecretKey } from '../common/external-secret';
import { createIngress, IngressOptions } from '../common/ingress';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { createGrafanaDashboard, createPrometheusRule, createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { NetworkRule } from '../common/network';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { applyPodTemplateOptions } from '../common/pod-template';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { checkProps } from '../common/props-schema';
import { resolveResources } from '../common/resources';
import { applyScheduling } from '../common/scheduling';
import { createService } from '../common/service';
import { validateDnsLabel, validateInteger } from '../common/validation';
import { ServiceEndpoint } from '../connectivity/connectivity';
import { databaseDashboardPanels, PgvectorDatabase, PgvectorDatabaseProps } from './pgvector-database';
import { apiSecretEnv, DATABASE_PASSWORD_ENV, ingressPaths, registerApiConnectivity } from './tool-registry-access';
import { ToolRegistryMonitoringOptions, ToolRegistryMonitoringTarget, toolRegistryAlerts, toolRegistryPanels } from './tool-registry-monitoring';
import { TOOL_REGISTRY_ENV, TOOL_REGISTRY_PROBE_TIMINGS, TOOL_REGISTRY_RESOURCES, TOOL_REGISTRY_RUNTIME } from './tool-registry-runtime';

/**
 * The Secrets the API reads. The database password is not here: it is the database's
 * (`database.credentialsSecret`, CloudNativePG's `<cluster>-app` by default), so the API, the
 * migration and the backup read the very Secret PostgreSQL was initialised with.
 */
export interface ToolRegistrySecrets {
  /** Secret holding API_KEY (a key the platform chooses, so dev generates it). @default '<name>-api-key' */
  readonly apiKeySecretName?: string;
  /** Secret holding EMBEDDING_API_KEY (issued by the embedding provider, never generated). @default '<name>-embedding' */
  readonly embeddingSecretName?: string;
  /**
   * Where ExternalSecrets read the keys (`secretProvisioning` `external-secrets`): `apiKey` for
   * API_KEY, `embeddingApiKey` for EMBEDDING_API_KEY.
   * @default - `<remoteKeyPrefix><Secret name>`, property = the variable's name
   */
  readonly remoteKeys?: { readonly apiKey?: ExternalSecretKey; readonly embeddingApiKey?: ExternalSecretKey };
}

/** The API's NetworkPolicy: the shared shape plus where the embedding endpoint is. */
export interface ToolRegistryNetworkPolicyOptions extends ComponentNetworkPolicyOptions {
  /**
   * Where the embedding endpoint is (the API's only egress besides DNS and the database), with
   * its ports. An in-cluster endpoint is matched by pod/namespace labels (ipBlock rules do not
   * reliably match pod IPs), an external one by CIDR.
   * @default - any address (0.0.0.0/0) on the endpoint URL's port
   */
  readonly embeddingEndpoint?: NetworkRule;
}

/** The Tool Registry's Ingress: the shared shape plus which of the API's routes it exposes. */
export interface ToolRegistryIngressOptions extends IngressOptions {
  /**
   * Route groups routed publicly: `mcp` (`/mcp/list_tools`, `/mcp/find_tool`, `/mcp/call_tool`,
   * what tool clients call), `admin` (`/admin/*`, which writes tools: guard it with `apiKey`),
   * `docs` (`/docs`, `/redoc`, `/openapi.json`). Anything else (`/`, `/health`, `/metrics`) stays
   * in the cluster.
   * @default ['mcp']
   */
  readonly routes?: ('mcp' | 'admin' | 'docs')[];
}

/** Props of {@link ToolRegistry}. */
export interface ToolRegistryProps extends ComponentProps {
  /**
   * Image of your Tool Registry API build, pinned by tag or digest (`registry.example.com/tool-registry:1.0.0`): the API publishes no image, so build it from its source and push it to a registry your cluster pulls from.
   * There is no default.
   */
  readonly image: string;
  /** Name of the Deployment, Service, ServiceAccount and the prefix of the other objects (RFC 1123 label, at most 40 characters). @default 'tool-registry' */
  readonly name?: string;
  /** EMBEDDING_ENDPOINT_URL: http(s) URL of the embedding service, without credentials. */
  readonly embeddingEndpointUrl: string;
  /**
   * API_KEY: the API then requires `Authorization: Bearer <key>` on its `/admin/*` routes (which
   * register tools and their code); `/mcp/*` stays open to the callers the NetworkPolicy admits.
   * The key is read from `secrets.apiKeySecretName`.
   * @default true
   */
  readonly apiKey?: boolean;
  /** EMBEDDING_API_KEY: the embedding endpoint needs a key, read from `secrets.embeddingSecretName`. @default false (an endpoint without auth) */
  readonly embeddingApiKey?: boolean;
  /** Names and remote keys of the Secrets the API reads. @default - `<name>-api-key`, `<name>-embedding` */
  readonly secrets?: ToolRegistrySecrets;
  /** WORKERS: uvicorn worker processes per pod (1-32). @default 4 */
  readonly workers?: number;
  /** ENABLE_CACHE: the API's embedding cache. @default true */
  readonly enableCache?: boolean;
  /** CORS_ORIGINS: origins (`https://app.example.com`, or `*`) allowed to call the API from a browser. @default [] (no cross-origin access) */
  readonly corsOrigins?: string[];
  /**
   * Pods when autoscaling is disabled (`autoscaling.enabled: false`).
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Horizontal pod autoscaling on CPU and memory. The Tool Registry is autoscaled by default.
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   * @default - 2 to 50 pods at 70 % CPU / 80 % memory of the requests
   */
  readonly autoscaling?: AutoscalingOptions;
  /** PostgreSQL with pgvector; its name defaults to `<name>-db`, its monitoring, NetworkPolicies and secret provisioning follow the API's. @default - statefulset backend */
  readonly database?: PgvectorDatabaseProps;
  /** External access through an Ingress routing only `ingress.routes` (default the `/mcp` API). @default - no Ingress */
  readonly ingress?: ToolRegistryIngressOptions;
  /** The API's NetworkPolicy (and the database's). @default - enabled */
  readonly networkPolicy?: ToolRegistryNetworkPolicyOptions;
  /** Prometheus Operator objects and the Grafana dashboard, with alert thresholds. @default - none */
  readonly monitoring?: ToolRegistryMonitoringOptions;
}

const LOG_LEVELS: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warning: 'WARNING', error: 'ERROR' };
const CONTAINER = 'tool-registry';

/**
 * The semantic Tool Registry MCP server: a FastAPI/uvicorn Deployment of your build (PSS
 * restricted, emptyDirs at /app/tmp and /app/logs, /health probes), a Service on port 80, a
 * ConfigMap of its settings, its Secrets provided as `secretProvisioning` says (API_KEY
 * generated in dev, ExternalSecrets in prod; the database password is the database's own
 * Secret), an HPA and PDB, an optional Ingress exposing only the `/mcp` API unless more is asked
 * for, its NetworkPolicy from the chart's connectivity model (in: the ingress controller when
 * routed, Prometheus when scraped, declared clients and whatever connects to {@link apiEndpoint};
 * out: DNS, PostgreSQL, the embedding endpoint), a ServiceMonitor, PrometheusRules and a Grafana
 * dashboard, plus its {@link PgvectorDatabase}.
 *
 * @throws McpConfigError at construction for any invalid prop: no `image` (the API publishes
 * none), unknown keys, wrong types, a bad name, image, URL, worker count, quantity, autoscaling
 * range, route, a secret value where a Secret name belongs (never shown), or any database error.
 */
export class ToolRegistry extends Construct implements IPolicySubject {
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly config: kplus.ConfigMap;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly database: PgvectorDatabase;
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  public readonly ingress?: kplus.Ingress;
  /** The API pods and port in the connectivity model: connect agents and other clients to it. */
  public readonly apiEndpoint: ServiceEndpoint;
  /** Pods at the least: the HPA minimum, or the fixed replica count. */
  public readonly minReplicas: number;
  /** LOG_LEVEL as the API reads it. */
  public readonly logLevel: string;
  private readonly selectorLabels: Record<string, string>;
  private readonly hasPdb: boolean;

  public constructor(scope: Construct, id: string, props: ToolRegistryProps) {
    super(scope, id);
    checkProps(this, 'ToolRegistryProps', props);
    const name = validateDnsLabel(this, 'name', props.name ?? 'tool-registry', 40);
    if (props.image === undefined) {
      invalid(this, 'image', undefined, "name your build of the Tool Registry API, pinned by tag or digest (image: 'registry.example.com/tool-registry:1.0.0'): the API publishes no image, so build it from its source and push it to a registry the cluster pulls from");
    }
    const image = parseImageProp(this, 'image', props.image);
    const endpoint = parseEndpoint(this, props.embeddingEndpointUrl);
    const autoscaling = resolveAutoscaling(this, 'autoscaling', props.autoscaling ?? { maxReplicas: 50 }, { minReplicas: 2, maxReplicas: 50 });
    const replicas = validateInteger(this, 'replicas', props.replicas ?? 2, 1);
    if (autoscaling && props.replicas !== undefined) {
      invalid(this, 'replicas', props.replicas, 'the autoscaler owns the pod count (autoscaling is on by default): set autoscaling.minReplicas/maxReplicas, or autoscaling.enabled: false to run a fixed replicas count');
    }
    this.minReplicas = autoscaling?.minReplicas ?? replicas;
    const maxReplicas = autoscaling?.maxReplicas ?? replicas;
    this.logLevel = LOG_LEVELS[props.logLevel ?? 'info'];
    const resources = resolveResources(this, 'resources', props.resources, TOOL_REGISTRY_RESOURCES);
    const monitoring = props.monitoring ?? {};
    const network = props.networkPolicy ?? {};
    const identity: ComponentLabels = { name: 'tool-registry', instance: name, component: 'tool-registry', version: image.version };
    this.selectorLabels = selectorLabels(identity);
    const labels = recommendedLabels(identity);

    const { alerts: _apiAlerts, databaseAlerts, dashboard: _dashboard, ...sharedMonitoring } = monitoring;
    this.database = new PgvectorDatabase(this, 'database', {
      ...props.database,
      name: props.database?.name ?? `${name}-db`,
      networkPolicy: props.database?.networkPolicy ?? (network.enabled ?? true),
      clusterNetwork: props.database?.clusterNetwork ?? network.clusterNetwork,
      secretProvisioning: props.database?.secretProvisioning ?? props.secretProvisioning,
      monitoring: { ...sharedMonitoring, alerts: databaseAlerts, ...props.database?.monitoring },
    });

    this.config = new kplus.ConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: this.configData(props, endpoint.url) });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name, labels }, automountToken: false });
    this.service = createService(this, 'service', {
      name, labels: { ...labels, [METRICS_SERVICE_LABEL]: 'true' }, selector: this.selectorLabels,
      ports: [{ name: 'http', port: TOOL_REGISTRY_RUNTIME.servicePort, containerPort: TOOL_REGISTRY_RUNTIME.httpPort }],
    });
    const secretEnv = apiSecretEnv(this, props, name, this.database, labels, props.secretProvisioning);
    this.deployment = this.renderDeployment(name, image.toString(), labels, resources, autoscaling ? undefined : replicas, secretEnv);
    applyScheduling(this, 'scheduling', this.deployment, this.selectorLabels, props.scheduling, maxReplicas > 1);
    applyPodTemplateOptions(this, '', {
      workload: this.deployment, container: this.deployment.containers[0], serviceAccount: this.serviceAccount, reservedEnv: [...Object.values(TOOL_REGISTRY_ENV), DATABASE_PASSWORD_ENV],
    }, props);

    if (autoscaling) this.autoscaler = createAutoscaler(this, 'autoscaler', { metadata: { name, labels }, target: this.deployment, autoscaling });
    this.hasPdb = PodDisruptionBudget.applies(props.podDisruptionBudget, this.minReplicas);
    if (this.hasPdb) {
      new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selectorLabels, minReplicas: this.minReplicas, maxReplicas, budget: props.podDisruptionBudget });
    }
    if (props.ingress && props.ingress.enabled !== false) {
      this.ingress = createIngress(this, 'ingress', {
        metadata: { name, labels }, options: props.ingress,
        paths: ingressPaths(this, props.ingress.routes).map(p => ({ ...p, service: this.service, port: TOOL_REGISTRY_RUNTIME.servicePort })),
      });
    }
    this.apiEndpoint = registerApiConnectivity(this, {
      name, labels, podSelector: this.selectorLabels, network, database: this.database, embeddingPort: endpoint.port,
      ingress: this.ingress !== undefined, scraped: monitoring.scrape ?? false,
    });
    this.renderMonitoring(name, labels, monitoring);
  }

  /** Labels the API pods are selected by. */
  public get selector(): Readonly<Record<string, string>> {
    return { ...this.selectorLabels };
  }

  /** In-cluster base URL of the API, e.g. `http://tool-registry.mcp-dev.svc`. */
  public get url(): string {
    const namespace = Chart.of(this).namespace;
    return `http://${namespace ? `${this.service.name}.${namespace}.svc` : this.service.name}`;
  }

  /** Facts for the environment policy: PDB, debug logging, no generated Secrets (the database reports its own). */
  public policyFacts(): PolicyFacts {
    return {
      component: 'ToolRegistry',
      disruptionBudget: { present: this.hasPdb, field: 'autoscaling.minReplicas (a PDB is rendered from 2 replicas)' },
      debugLogging: { enabled: this.logLevel === 'DEBUG', field: 'logLevel' },
    };
  }

  /** The five settings the API reads from its ConfigMap; secrets stay in Secrets. */
  private configData(props: ToolRegistryProps, embeddingEndpointUrl: string): Record<string, string> {
    for (const [i, origin] of (props.corsOrigins ?? []).entries()) {
      if (origin !== '*' && !/^https?:\/\/[^\s/,]+$/.test(origin)) invalid(this, `corsOrigins[${i}]`, origin, "use an origin such as 'https://app.example.com' (scheme and host, no path), or '*'");
    }
    return {
      [TOOL_REGISTRY_ENV.logLevel]: this.logLevel,
      [TOOL_REGISTRY_ENV.workers]: String(validateInteger(this, 'workers', props.workers ?? 4, 1, 32)),
      [TOOL_REGISTRY_ENV.enableCache]: String(props.enableCache ?? true),
      [TOOL_REGISTRY_ENV.corsOrigins]: (props.corsOrigins ?? []).join(','),
      [TOOL_REGISTRY_ENV.embeddingEndpointUrl]: embeddingEndpointUrl,
    };
  }

  private renderDeployment(name: string, image: string, labels: Record<string, string>, resources: kplus.ContainerResources, replicas: number | undefined, secrets: Record<string, kplus.EnvValue>): kplus.Deployment {
    const user = { uid: TOOL_REGISTRY_RUNTIME.uid };
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name, labels },
      select: false,
      replicas,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    });
    applyPodConventions(deployment, { selector: this.selectorLabels, labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) } });
    const probes = httpProbes(TOOL_REGISTRY_RUNTIME.httpPort, TOOL_REGISTRY_RUNTIME.health, TOOL_REGISTRY_PROBE_TIMINGS);
    const container = deployment.addContainer({
      name: CONTAINER,
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'http', number: TOOL_REGISTRY_RUNTIME.httpPort }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources,
      envFrom: [kplus.Env.fromConfigMap(this.config)],
      envVariables: { ...secrets, [TOOL_REGISTRY_ENV.tmpDir]: kplus.EnvValue.fromValue(TOOL_REGISTRY_RUNTIME.tmpPath) },
    });
    container.mount(TOOL_REGISTRY_RUNTIME.tmpPath, scratchVolume(deployment, 'tmp', 256));
    container.mount(TOOL_REGISTRY_RUNTIME.logsPath, scratchVolume(deployment, 'logs', 256));
    return deployment;
  }

  private renderMonitoring(name: string, labels: Record<string, string>, m: ToolRegistryMonitoringOptions): void {
    const target: ToolRegistryMonitoringTarget = {
      namespace: Chart.of(this).namespace, serviceName: this.service.name, deploymentName: name, containerName: CONTAINER,
      scraped: m.scrape ?? false, autoscalerName: this.autoscaler ? name : undefined,
    };
    const alerts = toolRegistryAlerts(this, target, m.alerts);
    const monitorLabels = { ...labels, ...m.labels };
    if (m.scrape) {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name, labels: monitorLabels }, serviceSelector: { ...this.selectorLabels, [METRICS_SERVICE_LABEL]: 'true' },
        port: 'http', path: TOOL_REGISTRY_RUNTIME.metricsPath, interval: m.scrapeInterval,
      });
    }
    if (m.prometheusRule) {
      createPrometheusRule(this, 'prometheus-rule', {
        metadata: { name, labels: monitorLabels }, group: `${name}.rules`, alerts, alertLabels: { service: name }, runbookBaseUrl: m.runbookBaseUrl,
      });
    }
    if (m.dashboard) {
      const namespace = Chart.of(this).namespace;
      createGrafanaDashboard(this, 'dashboard', {
        metadata: { name: `${name}-dashboard`, labels }, uid: `${namespace ?? 'default'}-${name}`,
        title: `Tool Registry${namespace ? ` (${namespace})` : ''}`, tags: ['mcp-platform', 'tool-registry'],
        panels: [...toolRegistryPanels(target), ...databaseDashboardPanels(this.database)],
      });
    }
  }
}

function parseEndpoint(scope: Construct, value: string): { url: string; port: number } {
  const fix = "use the embedding service's http(s) URL, e.g. 'https://embeddings.example.com/v1/embeddings'";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(scope, 'embeddingEndpointUrl', value, fix);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(scope, 'embeddingEndpointUrl', value, fix);
  // The URL lands in a ConfigMap: credentials in it are refused and never shown.
  if (url.username || url.password) invalid(scope, 'embeddingEndpointUrl', '<not shown: contains credentials>', 'keep credentials out of the URL (it lands in a ConfigMap): set embeddingApiKey: true and put the key in the Secret secrets.embeddingSecretName');
  return { url: value, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
}
