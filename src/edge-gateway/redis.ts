import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { parseImageProp } from '../common/image';
import { PLATFORM_COMPONENTS, platformComponentPeer, recommendedLabels, selectorLabels } from '../common/labels';
import { createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { ClusterNetwork, createNetworkPolicy, DEFAULT_CLUSTER_NETWORK, NetworkPeer, NetworkRule } from '../common/network';
import { addDataVolumeClaimTemplate, applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { commandProbes, httpProbes } from '../common/probes';
import { ResourceSpec, toContainerResources } from '../common/resources';
import { SecretKeyReference } from '../common/secrets';
import { createService, dropAddressSelector } from '../common/service';
import { validateDnsLabel, validateInteger } from '../common/validation';
import { REDIS_EXPORTER_RESOURCES, REDIS_PROBE_TIMINGS, REDIS_RESOURCES, REDIS_RUNTIME } from './edge-gateway-runtime';
import { secretKeyEnv } from './edge-gateway-secrets';

/** What Redis evicts when it reaches maxmemory. @see https://redis.io/docs/latest/develop/reference/eviction/ */
export type RedisEvictionPolicy = 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random' | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl' | 'noeviction';

const EVICTION_POLICIES: RedisEvictionPolicy[] = ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'noeviction'];

/** AOF persistence on a volumeClaimTemplate. */
export interface RedisPersistence {
  /** Append-only file on a PersistentVolumeClaim; without it the cache starts empty after a restart. @default false */
  readonly enabled?: boolean;
  /** Claim size in GiB. @default 10 */
  readonly storageGibibytes?: number;
  /** StorageClass of the claim. @default - the cluster default */
  readonly storageClassName?: string;
}

/** The oliver006/redis_exporter sidecar. */
export interface RedisExporter {
  /** Render the sidecar and a `metrics` Service port. @default false */
  readonly enabled?: boolean;
  /** Image, pinned. @default 'oliver006/redis_exporter:v1.66.0' */
  readonly image?: string;
  /** Requests and limits. @default 10m/32Mi requests, 100m/64Mi limits */
  readonly resources?: ResourceSpec;
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
   * `maxmemory` in MiB; must stay below the memory limit (Redis needs headroom for
   * buffers and AOF rewrites).
   * @default - three quarters of the memory limit
   */
  readonly maxMemoryMebibytes?: number;
  /** `maxmemory-policy`. @default 'allkeys-lru' */
  readonly evictionPolicy?: RedisEvictionPolicy;
  /** AOF persistence. @default - none: an in-memory cache */
  readonly persistence?: RedisPersistence;
  /** Requests and limits of the Redis container. @default 100m/256Mi requests, 500m/512Mi limits */
  readonly resources?: ResourceSpec;
  /** The metrics sidecar. @default - none */
  readonly exporter?: RedisExporter;
  /** Render a ServiceMonitor for the exporter (needs exporter.enabled and the Prometheus Operator CRDs). @default false */
  readonly serviceMonitor?: boolean;
  /** Ingress isolation. @default - enabled, edge gateway pods only */
  readonly networkPolicy?: {
    /** @default true */
    readonly enabled?: boolean;
    /** Pods allowed to connect on the Redis port. @default - pods with component label `edge-gateway` */
    readonly clients?: NetworkPeer[];
    /** Where Prometheus runs. @default DEFAULT_CLUSTER_NETWORK */
    readonly clusterNetwork?: ClusterNetwork;
  };
}

/**
 * A single Redis for the gateway's L2 cache: a one-pod StatefulSet behind a headless
 * Service, password from a Secret, maxmemory with an eviction policy, optional AOF on a
 * volumeClaimTemplate, `redis-cli ping` probes (authenticated through REDISCLI_AUTH, so the
 * password never appears in a command line), PSS restricted, a NetworkPolicy that admits
 * only its clients (and Prometheus on the exporter port), a PDB that never blocks a drain,
 * and an optional redis_exporter sidecar with a ServiceMonitor.
 *
 * It is one pod: a cache, not a database. For HA use a managed or operator-run Redis as
 * the gateway's external Redis.
 * @throws McpConfigError at construction for an invalid name, maxmemory or eviction policy,
 * or a ServiceMonitor without the exporter.
 */
export class EdgeRedis extends Construct {
  /** The StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The headless Service clients resolve. */
  public readonly service: kplus.Service;
  /** The redis.conf ConfigMap. */
  public readonly config: kplus.ConfigMap;
  /** Labels the Redis pod is selected by. */
  public readonly selector: Record<string, string>;
  /** The password Secret key. */
  public readonly password: SecretKeyReference;

  public constructor(scope: Construct, id: string, props: EdgeRedisProps) {
    super(scope, id);
    const name = validateDnsLabel(this, 'name', props.name ?? 'edge-mcp-redis', 52);
    if (!props.password?.secretName || !props.password?.key) {
      invalid(this, 'password', props.password, 'reference the Redis password in a Secret: { secretName, key }');
    }
    this.password = props.password;
    const image = parseImageProp(this, 'image', props.image ?? REDIS_RUNTIME.image);
    const identity = { name: 'redis', instance: name, component: 'cache', version: image.version };
    this.selector = selectorLabels(identity);
    const labels = recommendedLabels(identity);
    const resources = props.resources ?? REDIS_RESOURCES;
    const exporter = props.exporter?.enabled ?? false;
    if (props.serviceMonitor && !exporter) invalid(this, 'serviceMonitor', true, 'set exporter.enabled to true: Redis has no metrics endpoint without the redis_exporter sidecar');
    const persistence = props.persistence?.enabled ?? false;

    this.config = new kplus.ConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, labels },
      data: { [REDIS_RUNTIME.configFile]: this.redisConf(props, resources, persistence) },
    });
    this.service = createService(this, 'service', {
      name, labels: exporter ? { ...labels, [METRICS_SERVICE_LABEL]: 'true' } : labels, selector: this.selector, headless: true,
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
    applyPodConventions(sts, { selector: this.selector, labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) } });

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
        REDIS_PASSWORD: secretKeyEnv(this, props.password),
        // redis-cli reads the password from here, keeping it off the probe's command line.
        REDISCLI_AUTH: secretKeyEnv(this, props.password),
      },
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(resources),
    });
    redis.mount(REDIS_RUNTIME.configPath, kplus.Volume.fromConfigMap(this, 'config-volume', this.config, { name: 'config' }), { readOnly: true });
    if (persistence) {
      const persistence = props.persistence ?? {};
      addDataVolumeClaimTemplate(this.statefulSet, {
        name: 'data',
        gibibytes: validateInteger(this, 'persistence.storageGibibytes', persistence.storageGibibytes ?? 10, 1),
        storageClassName: persistence.storageClassName,
        labels,
        mountPath: REDIS_RUNTIME.dataPath,
      });
    } else {
      redis.mount(REDIS_RUNTIME.dataPath, scratchVolume(sts, 'data'));
    }
    if (exporter) this.addExporter(sts, props.exporter ?? {});

    new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selector, minReplicas: 1, budget: { maxUnavailable: 1 } });
    if (props.networkPolicy?.enabled ?? true) this.renderNetworkPolicy(name, labels, props, exporter);
    if (props.serviceMonitor) {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name, labels }, serviceSelector: { ...this.selector, [METRICS_SERVICE_LABEL]: 'true' }, port: 'metrics',
      });
    }
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

  private redisConf(props: EdgeRedisProps, resources: ResourceSpec, persistence: boolean): string {
    const limit = resources.memoryLimitMebibytes;
    const maxMemory = validateInteger(this, 'maxMemoryMebibytes', props.maxMemoryMebibytes ?? Math.floor(limit * 0.75), 16, limit - 1);
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
    sts.addContainer({
      name: 'exporter',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'metrics', number: REDIS_RUNTIME.exporterPort }],
      envVariables: {
        REDIS_ADDR: kplus.EnvValue.fromValue(`redis://127.0.0.1:${REDIS_RUNTIME.port}`),
        REDIS_PASSWORD: secretKeyEnv(this, this.password),
        REDIS_EXPORTER_WEB_LISTEN_ADDRESS: kplus.EnvValue.fromValue(`:${REDIS_RUNTIME.exporterPort}`),
      },
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(options.resources ?? REDIS_EXPORTER_RESOURCES),
    });
  }

  private renderNetworkPolicy(name: string, labels: Record<string, string>, props: EdgeRedisProps, exporter: boolean): void {
    const options = props.networkPolicy ?? {};
    const cluster = options.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
    const clients = options.clients ?? [platformComponentPeer(PLATFORM_COMPONENTS.edgeGateway)];
    const ingress: NetworkRule[] = [{ peers: clients, ports: [{ port: REDIS_RUNTIME.port }] }];
    if (exporter) ingress.push({ peers: [cluster.prometheus], ports: [{ port: REDIS_RUNTIME.exporterPort }] });
    // Redis needs no egress at all (the exporter talks to it over loopback).
    createNetworkPolicy(this, 'network-policy', { name, labels, podSelector: this.selector, ingress, egress: [] });
  }
}
