import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { parseImageProp } from '../common/image';
import { ComponentNetworkPolicyOptions } from '../common/component-props';
import { ExternalSecretKey } from '../common/external-secret';
import { recommendedLabels, selectorLabels } from '../common/labels';
import { createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { addDataVolumeClaimTemplate, applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { commandProbes, httpProbes } from '../common/probes';
import { checkProps } from '../common/props-schema';
import { Quantity, quantityBytes } from '../common/quantity';
import { resolveResources, ResourceRequirements } from '../common/resources';
import { provideSecret, SecretsProvisioning } from '../common/secret-provisioning';
import { envFromSecret, SecretKeyReference } from '../common/secrets';
import { createService, dropAddressSelector } from '../common/service';
import { validateDnsLabel, validateDnsSubdomain } from '../common/validation';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { checkPeer } from './edge-gateway-network';
import { REDIS_EXPORTER_RESOURCES, REDIS_PROBE_TIMINGS, REDIS_RESOURCES, REDIS_RUNTIME } from './edge-gateway-runtime';
import { checkRemoteKey } from './edge-gateway-secrets';
import { EdgeRedisMonitoring, renderRedisMonitoring } from './redis-monitoring';

/** What Redis evicts when it reaches maxmemory. @see https://redis.io/docs/latest/develop/reference/eviction/ */
export type RedisEvictionPolicy = 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random' | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl' | 'noeviction';

const EVICTION_POLICIES: RedisEvictionPolicy[] = ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'noeviction'];

/** AOF persistence on a volumeClaimTemplate. */
export interface RedisPersistence {
  /** Append-only file on a PersistentVolumeClaim; without it the cache starts empty after a restart. @default false */
  readonly enabled?: boolean;
  /** Claim size as a Kubernetes quantity in whole GiB (`'10Gi'`). @default '10Gi' */
  readonly size?: Quantity;
  /**
   * StorageClass of the claim.
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
   * @default - the cluster default
   */
  readonly storageClassName?: string;
}

/** The oliver006/redis_exporter sidecar. */
export interface RedisExporter {
  /** Render the sidecar and a `metrics` Service port. @default false */
  readonly enabled?: boolean;
  /** Image, pinned. @default 'oliver006/redis_exporter:v1.66.0' */
  readonly image?: string;
  /** Requests and limits. @default 10m/32Mi requests, 100m/64Mi limits */
  readonly resources?: ResourceRequirements;
}

/** Props of {@link EdgeRedis}. */
export interface EdgeRedisProps {
  /** Name of the StatefulSet, headless Service and ConfigMap (RFC 1123 label, at most 52 characters). @default 'edge-mcp-redis' */
  readonly name?: string;
  /** Redis image, pinned. @default 'redis:7.4.1-alpine' */
  readonly image?: string;
  /** Secret key holding the password (`requirepass`); clients use the same key. */
  readonly password: SecretKeyReference;
  /**
   * How the password Secret comes to exist: a prerequisite (`existing`), created in the cluster
   * with a random value (`generated`), or written by an ExternalSecret (`external-secrets`).
   * @default { source: 'existing' }
   */
  readonly secretProvisioning?: SecretsProvisioning;
  /**
   * Where the ExternalSecret reads the password (`external-secrets` only).
   * @default - `<remoteKeyPrefix><password.secretName>`, property `<password.key>`
   */
  readonly passwordRemoteKey?: ExternalSecretKey;
  /**
   * `maxmemory` as a Kubernetes quantity in whole MiB (`'384Mi'`, `'1536Mi'`); must stay below
   * the memory limit (Redis needs headroom for buffers and AOF rewrites).
   * @default - three quarters of the memory limit
   */
  readonly maxMemory?: Quantity;
  /** `maxmemory-policy`. @default 'allkeys-lru' */
  readonly evictionPolicy?: RedisEvictionPolicy;
  /** AOF persistence. @default - none: an in-memory cache */
  readonly persistence?: RedisPersistence;
  /** Requests and limits of the Redis container. @default 100m/256Mi requests, 500m/512Mi limits */
  readonly resources?: ResourceRequirements;
  /** The metrics sidecar. @default - none */
  readonly exporter?: RedisExporter;
  /**
   * ServiceMonitor (needs the exporter: Redis has no metrics endpoint of its own), PrometheusRule
   * and dashboard. @default - none
   */
  readonly monitoring?: EdgeRedisMonitoring;
  /**
   * The NetworkPolicy, rendered from the chart's connectivity model: ingress on the Redis port
   * from `clients` (and the flows other constructs declare to {@link EdgeRedis.endpoint}), on the
   * exporter port from Prometheus when scraped; no egress.
   * @default - enabled, no client beyond the model's flows (a bundled Redis: its gateway)
   */
  readonly networkPolicy?: ComponentNetworkPolicyOptions;
}

/**
 * A single Redis for the gateway's L2 cache: a one-pod StatefulSet behind a headless
 * Service, password from a Secret (provisioned as `secretProvisioning` says), maxmemory with
 * an eviction policy, optional AOF on a volumeClaimTemplate, `redis-cli ping` probes
 * (authenticated through REDISCLI_AUTH, so the password never appears in a command line), PSS
 * restricted, a NetworkPolicy from the chart's connectivity model that admits only its clients
 * (and Prometheus on the exporter port when scraped), a PDB that never blocks a drain, and an
 * optional redis_exporter sidecar with a ServiceMonitor, alerts and a dashboard.
 *
 * It is one pod: a cache, not a database. For HA use a managed or operator-run Redis as
 * the gateway's external Redis.
 * @throws McpConfigError at construction for an invalid name, quantity, maxmemory, eviction
 * policy, Secret name, remote key or client CIDR; at synth for a client workload the
 * environment does not render.
 */
export class EdgeRedis extends Construct {
  /** The StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The headless Service clients resolve. */
  public readonly service: kplus.Service;
  /** The redis.conf ConfigMap. */
  public readonly config: kplus.ConfigMap;
  /** The password Secret key. */
  public readonly password: SecretKeyReference;
  /** The Redis pod in the chart's connectivity model. */
  public readonly workload: Workload;
  /** What clients connect to: the Redis pod on port 6379 (`Connectivity.of(chart).connect(client, redis.endpoint, why)`). */
  public readonly endpoint: ServiceEndpoint;
  private readonly selectorLabels: Record<string, string>;

  public constructor(scope: Construct, id: string, props: EdgeRedisProps) {
    super(scope, id);
    checkProps(this, 'EdgeRedisProps', props);
    const name = validateDnsLabel(this, 'name', props.name ?? 'edge-mcp-redis', 52);
    if (!props.password?.secretName || !props.password?.key) {
      invalid(this, 'password', props.password, 'reference the Redis password in a Secret: { secretName, key }');
    }
    this.password = props.password;
    const image = parseImageProp(this, 'image', props.image ?? REDIS_RUNTIME.image);
    const identity = { name: 'redis', instance: name, component: 'cache', version: image.version };
    this.selectorLabels = selectorLabels(identity);
    const labels = recommendedLabels(identity);
    const resources = resolveResources(this, 'resources', props.resources, REDIS_RESOURCES);
    const exporter = props.exporter?.enabled ?? false;
    const persistence = props.persistence?.enabled ?? false;
    const monitoring = props.monitoring ?? {};
    this.providePassword(props, labels);

    this.config = new kplus.ConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, labels },
      data: { [REDIS_RUNTIME.configFile]: this.redisConf(props, resources.memory!.limit!.toMebibytes(), persistence) },
    });
    this.service = createService(this, 'service', {
      name, labels: exporter ? { ...labels, [METRICS_SERVICE_LABEL]: 'true' } : labels, selector: this.selectorLabels, headless: true,
      ports: [
        { name: 'redis', port: REDIS_RUNTIME.port, containerPort: REDIS_RUNTIME.port },
        ...(exporter ? [{ name: 'metrics', port: REDIS_RUNTIME.exporterPort, containerPort: REDIS_RUNTIME.exporterPort }] : []),
      ],
    });

    const user = { uid: REDIS_RUNTIME.uid, gid: REDIS_RUNTIME.gid };
    const sts = new kplus.StatefulSet(this, 'Resource', {
      metadata: { name, labels },
      select: false,
      replicas: 1,
      service: this.service,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
    });
    this.statefulSet = sts;
    dropAddressSelector(this.service);
    applyPodConventions(sts, { selector: this.selectorLabels, labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) } });

    const probes = commandProbes(['sh', '-c', `redis-cli -h 127.0.0.1 -p ${REDIS_RUNTIME.port} ping | grep -q PONG`], REDIS_PROBE_TIMINGS);
    const redis = sts.addContainer({
      name: 'redis',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      // Kubernetes expands $(REDIS_PASSWORD) from the container env; redis-server then
      // overwrites its process title, so the password is not visible in `ps`.
      command: ['redis-server', `${REDIS_RUNTIME.configPath}/${REDIS_RUNTIME.configFile}`, '--requirepass', '$(REDIS_PASSWORD)'],
      ports: [{ name: 'redis', number: REDIS_RUNTIME.port }],
      envVariables: {
        REDIS_PASSWORD: envFromSecret(this, props.password),
        // redis-cli reads the password from here, keeping it off the probe's command line.
        REDISCLI_AUTH: envFromSecret(this, props.password),
      },
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources,
    });
    redis.mount(REDIS_RUNTIME.configPath, kplus.Volume.fromConfigMap(this, 'config-volume', this.config, { name: 'config' }), { readOnly: true });
    if (persistence) {
      addDataVolumeClaimTemplate(this.statefulSet, {
        name: 'data',
        gibibytes: wholeGibibytes(this, 'persistence.size', props.persistence?.size ?? '10Gi'),
        storageClassName: props.persistence?.storageClassName,
        mountPath: REDIS_RUNTIME.dataPath,
      });
    } else {
      redis.mount(REDIS_RUNTIME.dataPath, scratchVolume(sts, 'data'));
    }
    if (exporter) this.addExporter(sts, props.exporter ?? {});

    new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selectorLabels, minReplicas: 1, budget: { maxUnavailable: 1 } });
    const scraped = (monitoring.scrape ?? false) && exporter;
    ({ workload: this.workload, endpoint: this.endpoint } = this.declareConnectivity(name, labels, props.networkPolicy ?? {}, scraped));
    // Redis exports metrics only through the exporter; without it only KSM watches the pod.
    if (scraped) {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name, labels: { ...labels, ...monitoring.labels } }, serviceSelector: { ...this.selectorLabels, [METRICS_SERVICE_LABEL]: 'true' },
        port: 'metrics', path: REDIS_RUNTIME.exporterMetricsPath, interval: monitoring.scrapeInterval,
      });
    }
    renderRedisMonitoring(this, { name, labels, namespace: Chart.of(this).namespace, serviceName: name, exporter, monitoring });
  }

  /** Labels the Redis pod is selected by (a copy). */
  public get selector(): Record<string, string> {
    return { ...this.selectorLabels };
  }

  /** `host:port` of the Service, the form the gateway's REDIS_ADDR takes. */
  public get address(): string {
    const namespace = Chart.of(this).namespace;
    return `${namespace ? `${this.service.name}.${namespace}.svc` : this.service.name}:${REDIS_RUNTIME.port}`;
  }

  /** The port clients connect to. */
  public get port(): number {
    return REDIS_RUNTIME.port;
  }

  private redisConf(props: EdgeRedisProps, limitMebibytes: number, persistence: boolean): string {
    const maxMemory = props.maxMemory === undefined ? Math.floor(limitMebibytes * 0.75) : wholeMebibytes(this, 'maxMemory', props.maxMemory);
    if (maxMemory < 16 || maxMemory >= limitMebibytes) {
      invalid(this, 'maxMemory', props.maxMemory, `use from 16Mi to ${limitMebibytes - 1}Mi: below the memory limit (${limitMebibytes}Mi), which Redis needs headroom under for buffers and AOF rewrites`);
    }
    const policy = props.evictionPolicy ?? 'allkeys-lru';
    if (!EVICTION_POLICIES.includes(policy)) invalid(this, 'evictionPolicy', policy, `use one of ${EVICTION_POLICIES.join(', ')}`);
    return [
      'bind * -::*',
      `port ${REDIS_RUNTIME.port}`,
      'protected-mode yes',
      `dir ${REDIS_RUNTIME.dataPath}`,
      `maxmemory ${maxMemory}mb`,
      `maxmemory-policy ${policy}`,
      // A cache: no RDB snapshots; AOF only when persistence is on.
      'save ""',
      `appendonly ${persistence ? 'yes' : 'no'}`,
      ...(persistence ? ['appendfsync everysec'] : []),
      'tcp-keepalive 60',
      '',
    ].join('\n');
  }

  private addExporter(sts: kplus.StatefulSet, options: RedisExporter): void {
    const image = parseImageProp(this, 'exporter.image', options.image ?? REDIS_RUNTIME.exporterImage);
    const user = { uid: REDIS_RUNTIME.exporterUid };
    const probes = httpProbes(REDIS_RUNTIME.exporterPort, { startup: '/health', liveness: '/health', readiness: '/health' }, REDIS_PROBE_TIMINGS);
    // Env names, /health and the metric names in REDIS_METRICS were checked against the real
    // redis_exporter (Debian prometheus-redis-exporter 1.45.0) scraping a real redis-server 7.0.
    sts.addContainer({
      name: 'exporter',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'metrics', number: REDIS_RUNTIME.exporterPort }],
      envVariables: {
        REDIS_ADDR: kplus.EnvValue.fromValue(`redis://127.0.0.1:${REDIS_RUNTIME.port}`),
        REDIS_PASSWORD: envFromSecret(this, this.password),
        REDIS_EXPORTER_WEB_LISTEN_ADDRESS: kplus.EnvValue.fromValue(`:${REDIS_RUNTIME.exporterPort}`),
      },
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(this, 'exporter.resources', options.resources, REDIS_EXPORTER_RESOURCES),
    });
  }

  /** The password Secret, as `secretProvisioning` says: a random value is a valid Redis password. */
  private providePassword(props: EdgeRedisProps, labels: Record<string, string>): void {
    validateDnsSubdomain(this, 'password.secretName', props.password.secretName);
    if (props.passwordRemoteKey) checkRemoteKey(this, 'passwordRemoteKey', props.passwordRemoteKey);
    provideSecret(this, props.secretProvisioning, {
      secretName: props.password.secretName,
      labels,
      keys: { [props.password.key]: { generate: true, remoteKey: props.passwordRemoteKey } },
      field: 'secretProvisioning',
    });
  }

  /**
   * The Redis pod in the connectivity model, which renders its NetworkPolicy: the Redis port for
   * its clients, the exporter port for Prometheus when scraped, and no egress at all (the
   * exporter talks to Redis over loopback).
   */
  private declareConnectivity(name: string, labels: Record<string, string>, options: ComponentNetworkPolicyOptions, scraped: boolean) {
    const model = Connectivity.of(this);
    const cluster = options.clusterNetwork ?? model.clusterNetwork;
    const workload = model.addWorkload(this, {
      name,
      component: 'EdgeRedis',
      podSelector: this.selectorLabels,
      networkPolicy: (options.enabled ?? true) ? { name, labels, ingress: true, egress: true } : false,
    });
    const endpoint: ServiceEndpoint = { target: workload, ports: [{ port: REDIS_RUNTIME.port }] };
    if (scraped) {
      model.allow({ from: Connectivity.external('Prometheus', cluster.prometheus), to: workload, ports: [{ port: REDIS_RUNTIME.exporterPort }], reason: `scrapes the redis_exporter ${REDIS_RUNTIME.exporterMetricsPath}` });
    }
    const clients = options.clients ?? [];
    clients.forEach((c, i) => c.workload === undefined && checkPeer(this, `networkPolicy.clients[${i}]`, c));
    model.admitClients(this, 'networkPolicy.clients', clients, endpoint, 'declared Redis client');
    return { workload, endpoint };
  }
}

function wholeMebibytes(scope: IConstruct, field: string, value: Quantity): number {
  const bytes = quantityBytes(scope, field, value, 'memory', 2 ** 20);
  if (bytes % 2 ** 20 !== 0) invalid(scope, field, value, "use a whole number of MiB, such as '384Mi' or '1Gi'");
  return bytes / 2 ** 20;
}

function wholeGibibytes(scope: IConstruct, field: string, value: Quantity): number {
  const bytes = quantityBytes(scope, field, value, 'storage', 2 ** 30);
  if (bytes % 2 ** 30 !== 0) invalid(scope, field, value, "use a whole number of GiB, such as '10Gi'");
  return bytes / 2 ** 30;
}
