import { BackupOptions } from '../backup/database-backup';
import { AutoscalingOptions } from '../common/autoscaling';
import { ComponentProps } from '../common/component-props';
import { ExternalSecretKey } from '../common/external-secret';
import { NetworkPeer } from '../common/network';
import { SecretKeyReference } from '../common/secrets';
import { ClientPeer } from '../connectivity/client-peer';
import { RegistryDatabase } from './registry-database';

/**
 * How the registry judges agent health. MCP Mesh agents send a heartbeat every 5 seconds, so the
 * defaults mark an agent unhealthy after four missed beats.
 */
export interface RegistryHeartbeat {
  /** Seconds without a heartbeat before an agent is marked unhealthy (whole number, at least 1). @default 20 */
  readonly timeoutThresholdSeconds?: number;
  /** Seconds between the registry's health sweeps (whole number, at least 1). @default 10 */
  readonly healthCheckIntervalSeconds?: number;
}

/**
 * A separate admin listener for the registry's `/admin/*` API (trust entities, certificate
 * rotation, drain). It listens on all interfaces without authentication, so the NetworkPolicy
 * admits only `clients` on it. Without it, the registry serves `/admin/*` on its API port.
 */
export interface RegistryAdminOptions {
  /** Open the admin port. @default true when `admin` is given */
  readonly enabled?: boolean;
  /**
   * Container port of the admin listener (1024-65535, not the API port 8000).
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
   * @default 8001
   */
  readonly port?: number;
  /**
   * Callers admitted on the admin port: workloads of the environment by name (their egress
   * follows) or pods and address blocks outside it. With none, only `kubectl port-forward`
   * reaches it.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   * @default - none
   */
  readonly clients?: ClientPeer[];
}

/**
 * Distributed tracing: agents publish spans to the Redis stream `mesh:trace`; the registry reads
 * the stream and exports the spans to an OTLP collector (Tempo, Jaeger, an OpenTelemetry
 * Collector). The NetworkPolicy opens egress to Redis and the collector, each on its port.
 */
export interface RegistryTracingOptions {
  /** Turn tracing on. @default true when `tracing` is given */
  readonly enabled?: boolean;
  /**
   * Redis URL without a password, e.g. `redis://redis.mcp-prod.svc:6379/0` (`rediss://` for TLS).
   * Set this or `redisUrlSecret`.
   * @default - none
   */
  readonly redisUrl?: string;
  /**
   * A Secret key holding the Redis URL, for URLs that carry a password. Set this or `redisUrl`.
   * The URL's host is then unknown to the chart: set `egressPeers` too.
   * @see https://kubernetes.io/docs/concepts/configuration/secret/
   * @default - none
   */
  readonly redisUrlSecret?: SecretKeyReference;
  /**
   * Where the ExternalSecret reads the Redis URL when the environment's secrets come from an
   * external-secrets store.
   * @see https://external-secrets.io/latest/api/externalsecret/
   * @default - remote key `<remoteKeyPrefix><redisUrlSecret.secretName>`, property `<redisUrlSecret.key>`
   */
  readonly redisUrlRemoteKey?: ExternalSecretKey;
  /** Redis's TCP port, for the egress rule. @default - the port in `redisUrl`, else 6379 */
  readonly redisPort?: number;
  /** OTLP collector as `host:port`, without a scheme (e.g. `tempo.monitoring.svc:4317`). Needed with exporter 'otlp'. @default - none */
  readonly telemetryEndpoint?: string;
  /** OTLP transport of the collector endpoint. @default 'grpc' */
  readonly telemetryProtocol?: 'grpc' | 'http';
  /** Where spans go: the OTLP collector, or the registry's log. @default 'otlp' */
  readonly exporter?: 'otlp' | 'console';
  /**
   * Where Redis and the collector run, for the egress rules (each on its own port). Needed when a
   * host is not a cluster Service or the Redis URL is in a Secret.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   * @default - each host's namespace when it is a cluster Service (`<service>.<namespace>.svc`)
   */
  readonly egressPeers?: NetworkPeer[];
}

/**
 * Thresholds of the registry's alerts. Durations are Prometheus durations (`30s`, `5m`, `1h`).
 */
export interface RegistryAlertOptions {
  /** How long no registry pod may be ready before RegistryDown fires. @default '5m' */
  readonly downFor?: string;
  /** How long fewer pods than desired may be ready before RegistryReplicasUnavailable fires. @default '15m' */
  readonly unavailableFor?: string;
  /** Container restarts within one hour that fire RegistryRestarting (whole number, at least 1). @default 3 */
  readonly restartsPerHour?: number;
  /** Share of the memory limit (0-1, exclusive) that fires RegistryMemoryNearLimit. @default 0.9 */
  readonly memoryLimitRatio?: number;
  /** How long memory must stay above the ratio. @default '15m' */
  readonly memoryFor?: string;
  /**
   * Seconds since the last successful backup that fire RegistryBackupTooOld (at least 60).
   * @default - the longest gap between two scheduled runs plus the job's deadlines
   */
  readonly backupMaxAgeSeconds?: number;
}

/**
 * Props of {@link Registry}. The shared component props apply with these meanings: `replicas`
 * above 1 needs PostgreSQL; `autoscaling` needs PostgreSQL; `monitoring.scrape` does nothing
 * (the registry exports no metrics: it is watched through kube-state-metrics instead).
 */
export interface RegistryProps extends ComponentProps {
  /**
   * Name of the StatefulSet, client Service and ServiceAccount (RFC 1123 label, at most 52
   * characters so pod names and their labels stay valid).
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
   * @default 'mcp-mesh-registry'
   */
  readonly name?: string;
  /**
   * Horizontal pod autoscaling of the registry's StatefulSet. Only with PostgreSQL: the replicas
   * are stateless and share the database.
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   * @default - not autoscaled
   */
  readonly autoscaling?: AutoscalingOptions;
  /** Database backend. @default { type: 'sqlite' } with a 1 GiB data volume */
  readonly database?: RegistryDatabase;
  /** Agent health thresholds. @default 20 s timeout, 10 s sweep interval */
  readonly heartbeat?: RegistryHeartbeat;
  /** The backup CronJob (SQLite online backup or pg_dump, with retention). @default - daily at 02:00, keep the 7 newest */
  readonly backup?: BackupOptions;
  /** A separate, NetworkPolicy-guarded port for the admin API. @default - no admin port */
  readonly admin?: RegistryAdminOptions;
  /** Distributed tracing through Redis to an OTLP collector. @default - off */
  readonly tracing?: RegistryTracingOptions;
  /** Thresholds of the PrometheusRule's alerts (`monitoring.prometheusRule`). @default - see each field */
  readonly alerts?: RegistryAlertOptions;
}
