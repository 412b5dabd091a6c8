import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/certificates-cert-manager.io';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { parseImageProp } from '../common/image';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { ClusterNetwork, createNetworkPolicy, DEFAULT_CLUSTER_NETWORK, DNS_PORTS, NetworkPeer, NetworkRule, toNetworkPolicyPeer } from '../common/network';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { httpProbes } from '../common/probes';
import { ResourceSpec, toContainerResources } from '../common/resources';
import { envFromSecret, SecretKeyReference } from '../common/secrets';
import { createService } from '../common/service';
import { validateDnsLabel, validateDnsSubdomain, validateInteger } from '../common/validation';
import { PgvectorDatabase, PgvectorDatabaseProps } from './pgvector-database';
import { createToolRegistryDashboard, createToolRegistryRule, ToolRegistryMonitoringTarget } from './tool-registry-monitoring';
import { TOOL_REGISTRY_ENV, TOOL_REGISTRY_PROBE_TIMINGS, TOOL_REGISTRY_RESOURCES, TOOL_REGISTRY_RUNTIME } from './tool-registry-runtime';

/** LOG_LEVEL values of the API. */
export type ToolRegistryLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** Secrets the API reads, each a key of an existing Secret (never rendered by this library). */
export interface ToolRegistrySecrets {
  /** DATABASE_URL: `postgresql+asyncpg://<owner>:<password>@<database.host>:5432/<databaseName>`. */
  readonly databaseUrl: SecretKeyReference;
  /** SECRET_KEY: the application's signing key. */
  readonly secretKey: SecretKeyReference;
  /** EMBEDDING_API_KEY: credential of the embedding endpoint. @default - not set (endpoint without auth) */
  readonly embeddingApiKey?: SecretKeyReference;
}

/** HorizontalPodAutoscaler settings (the seed's 2..50 at 70 % CPU / 80 % memory). */
export interface ToolRegistryAutoscaling {
  /** Render the HPA; when false the Deployment runs `minReplicas` pods. @default true */
  readonly enabled?: boolean;
  /** @default 2 */
  readonly minReplicas?: number;
  /** @default 50 */
  readonly maxReplicas?: number;
  /** Target average CPU utilisation of the requests, in percent. @default 70 */
  readonly targetCpuUtilizationPercent?: number;
  /** Target average memory utilisation of the requests, in percent. @default 80 */
  readonly targetMemoryUtilizationPercent?: number;
}

/** External access through an Ingress. */
export interface ToolRegistryIngress {
  /** Host name (RFC 1123 subdomain), e.g. `tool-registry.mcp.example.com`. */
  readonly host: string;
  /** IngressClass. @default 'nginx' */
  readonly className?: string;
  /**
   * TLS. With `clusterIssuer` (cert-manager must be installed) a cert-manager Certificate for the
   * host is rendered into `secretName`, or with `certificate: false` the Ingress gets the
   * `cert-manager.io/cluster-issuer` annotation instead. Without `clusterIssuer`, `secretName`
   * names an existing TLS Secret.
   * @default - no TLS
   */
  readonly tls?: { readonly clusterIssuer?: string; readonly secretName?: string; readonly certificate?: boolean };
  /** Extra Ingress annotations (e.g. ingress-nginx settings). @default {} */
  readonly annotations?: Record<string, string>;
}

/** NetworkPolicy of the API pods. */
export interface ToolRegistryNetworkPolicyOptions {
  /** Render it (and the database's). @default true */
  readonly enabled?: boolean;
  /** In-cluster pods allowed to call the API directly, besides the ingress controller and Prometheus. @default [] */
  readonly clients?: NetworkPeer[];
  /**
   * Where the embedding endpoint is. @default - any address (0.0.0.0/0) on the endpoint URL's
   * port; set pod/namespace peers for an in-cluster endpoint, since ipBlock rules do not
   * reliably match pod IPs.
   */
  readonly embeddingEndpoint?: NetworkRule;
  /** Where Prometheus, the ingress controller and DNS run. @default DEFAULT_CLUSTER_NETWORK */
  readonly clusterNetwork?: ClusterNetwork;
}

/** Monitoring objects. The ServiceMonitor and PrometheusRule need the Prometheus Operator CRDs. */
export interface ToolRegistryMonitoring {
  /** @default false */
  readonly serviceMonitor?: boolean;
  /** @default false */
  readonly prometheusRule?: boolean;
  /** Grafana dashboard ConfigMap (no CRD needed). @default true */
  readonly dashboard?: boolean;
  /** Base URL of the runbooks; alerts then carry `runbook_url: <base>#<alert>`. @default - inline `runbook` annotations only */
  readonly runbookBaseUrl?: string;
}

/** Props of {@link ToolRegistry}. */
export interface ToolRegistryProps {
  /** Name of the Deployment, Service, ServiceAccount and ConfigMap prefix (RFC 1123 label, at most 40). @default 'tool-registry' */
  readonly name?: string;
  /** API image, pinned. @default TOOL_REGISTRY_RUNTIME.image ('ghcr.io/mcp-platform/tool-registry:1.0.0') */
  readonly image?: string;
  /** EMBEDDING_ENDPOINT_URL: http(s) URL of the embedding service. */
  readonly embeddingEndpointUrl: string;
  /** Secret references (DATABASE_URL, SECRET_KEY, EMBEDDING_API_KEY). */
  readonly secrets: ToolRegistrySecrets;
  /** LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: ToolRegistryLogLevel;
  /** WORKERS: uvicorn worker processes per pod (1..32). @default 4 */
  readonly workers?: number;
  /** ENABLE_CACHE: the embedding cache. @default true */
  readonly enableCache?: boolean;
  /** CORS_ORIGINS, joined with ','. @default [] (no cross-origin access) */
  readonly corsOrigins?: string[];
  /** Requests and limits per pod. @default 500m/1Gi requests, 2 CPU/2Gi limits */
  readonly resources?: ResourceSpec;
  /** Autoscaling. @default 2..50 replicas at 70 % CPU / 80 % memory */
  readonly autoscaling?: ToolRegistryAutoscaling;
  /** Disruption budget (exactly one field), rendered with 2 or more replicas. @default { maxUnavailable: 1 } */
  readonly podDisruptionBudget?: { readonly minAvailable?: number; readonly maxUnavailable?: number };
  /** PostgreSQL with pgvector (name defaults to `<name>-db`). @default - statefulset backend; credentialsSecret is required */
  readonly database?: PgvectorDatabaseProps;
  /** External access. @default - no Ingress */
  readonly ingress?: ToolRegistryIngress;
  /** NetworkPolicies. @default - enabled */
  readonly networkPolicy?: ToolRegistryNetworkPolicyOptions;
  /** Monitoring objects. @default - dashboard only */
  readonly monitoring?: ToolRegistryMonitoring;
}

/**
 * The semantic Tool Registry MCP server: a FastAPI/uvicorn Deployment (PSS restricted, emptyDirs
 * at /app/tmp and /app/logs, /health probes, topology spread), a Service on port 80, a ConfigMap
 * of its settings, secrets by reference, an HPA and PDB, an optional Ingress with cert-manager
 * TLS, NetworkPolicies (in: ingress controller and Prometheus; out: DNS, Postgres, the embedding
 * endpoint), a ServiceMonitor, a PrometheusRule and a Grafana dashboard, plus its
 * {@link PgvectorDatabase}.
 *
 * Sources: seeds/tool-registry-k8s.md (features), design/upstream.md §4 (runtime).
 * @throws McpConfigError at construction for a bad name, image, URL, worker count, autoscaling
 * range (min > max), missing secret references, or any database error.
 */
export class ToolRegistry extends Construct implements IPolicySubject {
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly config: kplus.ConfigMap;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly database: PgvectorDatabase;
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  public readonly ingress?: kplus.Ingress;
  /** Labels the API pods are selected by. */
  public readonly selector: Record<string, string>;
  /** Pods at the least: the HPA minimum, or the fixed replica count. */
  public readonly minReplicas: number;
  private readonly networkPolicy?: kplus.NetworkPolicy;
  private readonly hasPdb: boolean;
  private readonly props: ToolRegistryProps;

  public constructor(scope: Construct, id: string, props: ToolRegistryProps) {
    super(scope, id);
    this.props = props;
    const name = validateDnsLabel(this, 'name', props.name ?? 'tool-registry', 40);
    const image = parseImageProp(this, 'image', props.image ?? TOOL_REGISTRY_RUNTIME.image);
    const endpoint = parseEndpoint(this, props.embeddingEndpointUrl);
    validateSecrets(this, props.secrets);
    const scaling = props.autoscaling ?? {};
    this.minReplicas = validateInteger(this, 'autoscaling.minReplicas', scaling.minReplicas ?? 2, 1);
    const maxReplicas = validateInteger(this, 'autoscaling.maxReplicas', scaling.maxReplicas ?? 50, 1);
    if (this.minReplicas > maxReplicas) {
      invalid(this, 'autoscaling.minReplicas', this.minReplicas, `must not exceed autoscaling.maxReplicas (${maxReplicas}): lower minReplicas or raise maxReplicas`);
    }
    const identity: ComponentLabels = { name: 'tool-registry', instance: name, component: 'tool-registry', version: image.version };
    this.selector = selectorLabels(identity);
    const labels = recommendedLabels(identity);
    const network = props.networkPolicy ?? {};
    const cluster = network.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;

    this.database = new PgvectorDatabase(this, 'database', {
      ...props.database,
      name: props.database?.name ?? `${name}-db`,
      networkPolicy: props.database?.networkPolicy ?? (network.enabled ?? true),
      clusterNetwork: props.database?.clusterNetwork ?? cluster,
    });
    this.database.allowClient('api', { podLabels: this.selector });

    this.config = new kplus.ConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: this.configData(endpoint.url) });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name, labels }, automountToken: false });
    this.service = createService(this, 'service', {
      name, labels: { ...labels, [METRICS_SERVICE_LABEL]: 'true' }, selector: this.selector,
      ports: [{ name: 'http', port: TOOL_REGISTRY_RUNTIME.servicePort, containerPort: TOOL_REGISTRY_RUNTIME.httpPort }],
    });
    const autoscaled = scaling.enabled ?? true;
    this.deployment = this.renderDeployment(name, image.toString(), labels, autoscaled);

    if (autoscaled) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'autoscaler', {
        metadata: { name, labels },
        target: this.deployment,
        minReplicas: this.minReplicas,
        maxReplicas,
        metrics: [
          kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(validateInteger(this, 'autoscaling.targetCpuUtilizationPercent', scaling.targetCpuUtilizationPercent ?? 70, 1, 100))),
          kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(validateInteger(this, 'autoscaling.targetMemoryUtilizationPercent', scaling.targetMemoryUtilizationPercent ?? 80, 1, 100))),
        ],
      });
    }
    this.hasPdb = this.minReplicas > 1;
    if (this.hasPdb) {
      new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selector, minReplicas: this.minReplicas, budget: props.podDisruptionBudget });
    }
    if (props.ingress) this.ingress = this.renderIngress(name, labels, props.ingress);
    if (network.enabled ?? true) this.networkPolicy = this.renderNetworkPolicy(name, labels, network, cluster, endpoint.port);
    this.renderMonitoring(name, labels);
  }

  /** In-cluster base URL of the API, e.g. `http://tool-registry.mcp-dev.svc`. */
  public get url(): string {
    const namespace = Chart.of(this).namespace;
    return `http://${namespace ? `${this.service.name}.${namespace}.svc` : this.service.name}`;
  }

  /** Lets in-cluster `peer` pods call the API. No-op when the NetworkPolicy is disabled. */
  public allowClient(id: string, peer: NetworkPeer): void {
    this.networkPolicy?.addIngressRule(toNetworkPolicyPeer(this, `client-${id}`, peer), [kplus.NetworkPolicyPort.tcp(TOOL_REGISTRY_RUNTIME.httpPort)]);
  }

  /** Facts for the environment policy: PDB, debug logging, no generated Secrets (the database reports its own). */
  public policyFacts(): PolicyFacts {
    return {
      component: 'ToolRegistry',
      disruptionBudget: { present: this.hasPdb, field: 'autoscaling.minReplicas (a PDB is rendered from 2 replicas)' },
      debugLogging: { enabled: (this.props.logLevel ?? 'INFO') === 'DEBUG', field: 'logLevel' },
      generatedSecrets: { present: false, field: 'secrets' },
    };
  }

  /** The five settings the API reads from its ConfigMap; secrets stay in Secrets. */
  private configData(embeddingEndpointUrl: string): Record<string, string> {
    const p = this.props;
    const level = p.logLevel ?? 'INFO';
    if (!['DEBUG', 'INFO', 'WARNING', 'ERROR'].includes(level)) invalid(this, 'logLevel', level, "use 'DEBUG', 'INFO', 'WARNING' or 'ERROR'");
    for (const [i, origin] of (p.corsOrigins ?? []).entries()) {
      if (origin !== '*' && !/^https?:\/\/[^\s/,]+$/.test(origin)) invalid(this, `corsOrigins[${i}]`, origin, "use an origin such as 'https://app.example.com' (scheme and host, no path), or '*'");
    }
    return {
      [TOOL_REGISTRY_ENV.logLevel]: level,
      [TOOL_REGISTRY_ENV.workers]: String(validateInteger(this, 'workers', p.workers ?? 4, 1, 32)),
      [TOOL_REGISTRY_ENV.enableCache]: String(p.enableCache ?? true),
      [TOOL_REGISTRY_ENV.corsOrigins]: (p.corsOrigins ?? []).join(','),
      [TOOL_REGISTRY_ENV.embeddingEndpointUrl]: embeddingEndpointUrl,
    };
  }

  private renderDeployment(name: string, image: string, labels: Record<string, string>, autoscaled: boolean): kplus.Deployment {
    const user = { uid: TOOL_REGISTRY_RUNTIME.uid };
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name, labels },
      select: false,
      replicas: autoscaled ? undefined : this.minReplicas,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    });
    applyPodConventions(deployment, {
      selector: this.selector, labels, topologySpread: true,
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) },
    });
    const probes = httpProbes(TOOL_REGISTRY_RUNTIME.httpPort, TOOL_REGISTRY_RUNTIME.health, TOOL_REGISTRY_PROBE_TIMINGS);
    const secrets = this.props.secrets;
    const container = deployment.addContainer({
      name: 'tool-registry',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'http', number: TOOL_REGISTRY_RUNTIME.httpPort }],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(this.props.resources ?? TOOL_REGISTRY_RESOURCES),
      envFrom: [kplus.Env.fromConfigMap(this.config)],
      envVariables: {
        [TOOL_REGISTRY_ENV.databaseUrl]: envFromSecret(this, secrets.databaseUrl),
        [TOOL_REGISTRY_ENV.secretKey]: envFromSecret(this, secrets.secretKey),
        ...(secrets.embeddingApiKey ? { [TOOL_REGISTRY_ENV.embeddingApiKey]: envFromSecret(this, secrets.embeddingApiKey) } : {}),
        [TOOL_REGISTRY_ENV.tmpDir]: kplus.EnvValue.fromValue(TOOL_REGISTRY_RUNTIME.tmpPath),
      },
    });
    container.mount(TOOL_REGISTRY_RUNTIME.tmpPath, scratchVolume(deployment, 'tmp', 256));
    container.mount(TOOL_REGISTRY_RUNTIME.logsPath, scratchVolume(deployment, 'logs', 256));
    return deployment;
  }

  private renderIngress(name: string, labels: Record<string, string>, options: ToolRegistryIngress): kplus.Ingress {
    const host = validateDnsSubdomain(this, 'ingress.host', options.host);
    const tls = options.tls ?? {};
    const secretName = tls.secretName ?? `${name}-tls`;
    const useCertificate = tls.clusterIssuer !== undefined && (tls.certificate ?? true);
    const annotations: Record<string, string> = { ...options.annotations };
    if (tls.clusterIssuer && !useCertificate) annotations['cert-manager.io/cluster-issuer'] = tls.clusterIssuer;
    const ingress = new kplus.Ingress(this, 'ingress', { metadata: { name, labels, annotations }, className: options.className ?? 'nginx' });
    ingress.addHostRule(host, '/', kplus.IngressBackend.fromService(this.service, { port: TOOL_REGISTRY_RUNTIME.servicePort }), kplus.HttpIngressPathType.PREFIX);
    if (tls.clusterIssuer || tls.secretName) {
      validateDnsSubdomain(this, 'ingress.tls.secretName', secretName);
      if (!tls.clusterIssuer) declareExternal(this, 'Secret', secretName);
      ingress.addTls([{ hosts: [host], secret: kplus.Secret.fromSecretName(this, 'tls-secret', secretName) }]);
    }
    if (useCertificate) {
      new Certificate(this, 'certificate', {
        metadata: { name: secretName, labels },
        spec: {
          secretName,
          dnsNames: [host],
          issuerRef: { name: validateDnsSubdomain(this, 'ingress.tls.clusterIssuer', tls.clusterIssuer!), kind: 'ClusterIssuer', group: 'cert-manager.io' },
          privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        },
      });
    }
    return ingress;
  }

  private renderNetworkPolicy(name: string, labels: Record<string, string>, options: ToolRegistryNetworkPolicyOptions, cluster: ClusterNetwork, endpointPort: number): kplus.NetworkPolicy {
    const http = [{ port: TOOL_REGISTRY_RUNTIME.httpPort }];
    const ingress: NetworkRule[] = [{ peers: [cluster.ingressController, cluster.prometheus, ...(options.clients ?? [])], ports: http }];
    const egress: NetworkRule[] = [
      { peers: [cluster.dns], ports: DNS_PORTS },
      { peers: this.database.endpointSelectors.map(podLabels => ({ podLabels })), ports: [{ port: this.database.port }] },
      options.embeddingEndpoint ?? { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: endpointPort }] },
    ];
    return createNetworkPolicy(this, 'network-policy', { name, labels, podSelector: this.selector, ingress, egress });
  }

  private renderMonitoring(name: string, labels: Record<string, string>): void {
    const m = this.props.monitoring ?? {};
    const target: ToolRegistryMonitoringTarget = {
      name, labels, namespace: Chart.of(this).namespace, serviceName: this.service.name,
      deploymentName: name, containerName: 'tool-registry', autoscalerName: this.autoscaler ? name : undefined,
      backupCronJobName: this.database.backup?.cronJob.name, runbookBaseUrl: m.runbookBaseUrl,
    };
    if (m.serviceMonitor) {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name, labels }, serviceSelector: { ...this.selector, [METRICS_SERVICE_LABEL]: 'true' }, port: 'http', path: TOOL_REGISTRY_RUNTIME.metricsPath,
      });
    }
    if (m.prometheusRule) createToolRegistryRule(this, 'prometheus-rule', target);
    if (m.dashboard ?? true) createToolRegistryDashboard(this, 'dashboard', target);
  }
}

function parseEndpoint(scope: Construct, value: string | undefined): { url: string; port: number } {
  const fix = "use the embedding service's http(s) URL, e.g. 'https://embeddings.example.com/v1/embeddings'";
  if (!value) return invalid(scope, 'embeddingEndpointUrl', value, fix);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(scope, 'embeddingEndpointUrl', value, fix);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(scope, 'embeddingEndpointUrl', value, fix);
  if (url.username || url.password) invalid(scope, 'embeddingEndpointUrl', value, 'keep credentials out of the URL (it lands in a ConfigMap): use secrets.embeddingApiKey');
  return { url: value, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
}

function validateSecrets(scope: Construct, secrets: ToolRegistrySecrets | undefined): void {
  const required: (keyof ToolRegistrySecrets)[] = ['databaseUrl', 'secretKey'];
  for (const key of [...required, 'embeddingApiKey' as const]) {
    const ref = secrets?.[key];
    if (!ref) {
      if (required.includes(key)) {
        invalid(scope, `secrets.${key}`, ref, `reference the key of an existing Secret: secrets.${key} = { secretName: 'tool-registry-secrets', key: '${key === 'databaseUrl' ? 'DATABASE_URL' : 'SECRET_KEY'}' }`);
      }
      continue;
    }
    if (!ref.secretName || !ref.key) invalid(scope, `secrets.${key}`, ref, 'set both secretName and key');
    validateDnsSubdomain(scope, `secrets.${key}.secretName`, ref.secretName);
    if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) invalid(scope, `secrets.${key}.key`, ref.key, "use letters, digits, '-', '_' and '.' (a Secret data key)");
  }
}
