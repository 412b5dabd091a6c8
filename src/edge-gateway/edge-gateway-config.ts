import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { NetworkPeer } from '../common/network';
import { validateInteger } from '../common/validation';
import { EDGE_GATEWAY_ENV, EdgeGatewayEnvName } from './edge-gateway-runtime';

/** A token bucket: sustained requests per second and the burst above it. */
export interface RateLimit {
  /** Sustained requests per second (> 0). */
  readonly rps: number;
  /** Requests allowed in a burst (> 0). @default - twice `rps` */
  readonly burst?: number;
}

/** Request rate limits per scope, for an image that reads them (the default image enforces built-in limits). */
export interface EdgeGatewayRateLimits {
  /** Across all clients (EDGE_MCP_GLOBAL_RPS / _BURST). @default { rps: 1000, burst: 2000 } */
  readonly global?: RateLimit;
  /** Per tenant (EDGE_MCP_TENANT_RPS / _BURST). @default { rps: 100, burst: 200 } */
  readonly tenant?: RateLimit;
  /** Per tool (EDGE_MCP_TOOL_RPS / _BURST). @default { rps: 50, burst: 100 } */
  readonly tool?: RateLimit;
  /** Enforce per-tenant quotas (EDGE_MCP_ENABLE_QUOTAS). @default true */
  readonly enableQuotas?: boolean;
}

/** The in-process L1 cache, for an image that reads its settings (the default image uses a fixed one). */
export interface EdgeGatewayL1Cache {
  /** Entries kept per pod (EDGE_MCP_L1_MAX_ITEMS). @default 10000 */
  readonly maxItems?: number;
  /** Entry lifetime in seconds (EDGE_MCP_L1_TTL). @default 300 */
  readonly ttlSeconds?: number;
}

/** How the gateway uses its Redis L2 cache (needs `redis`; inert with the default image). */
export interface EdgeGatewayL2Cache {
  /** Entry lifetime in seconds (EDGE_MCP_L2_TTL). @default 3600 */
  readonly ttlSeconds?: number;
  /** Redis logical database (EDGE_MCP_REDIS_DB), 0..15. @default 0 */
  readonly database?: number;
  /** Seconds to wait for a Redis connection (EDGE_MCP_REDIS_CONNECT_TIMEOUT). @default 5 */
  readonly connectTimeoutSeconds?: number;
  /**
   * Keep serving from L1 when Redis is unreachable (EDGE_MCP_REDIS_FALLBACK_MODE); fallback
   * hides a broken Redis from clients, so watch the Redis alerts.
   * @default true
   */
  readonly fallbackMode?: boolean;
}

/** Payload compression settings, for an image that reads them (the default image always compresses WebSocket messages). */
export interface EdgeGatewayCompression {
  /** Compress payloads (EDGE_MCP_ENABLE_COMPRESSION). @default true */
  readonly enabled?: boolean;
  /** Smallest payload compressed, in bytes (EDGE_MCP_COMPRESSION_THRESHOLD). @default 1024 */
  readonly thresholdBytes?: number;
}

/**
 * OpenTelemetry tracing to an OTLP gRPC collector (the binary's TRACING_ENABLED, OTLP_ENDPOINT,
 * OTLP_INSECURE, TRACING_SAMPLING_RATE and ENVIRONMENT). The NetworkPolicy then allows egress to
 * the collector's port.
 * @see https://opentelemetry.io/docs/specs/otlp/
 */
export interface EdgeGatewayTracing {
  /** Export traces (TRACING_ENABLED, exactly "true"; the binary's default is off). @default false */
  readonly enabled?: boolean;
  /** Collector `host:port` without a scheme (OTLP_ENDPOINT), e.g. `otel-collector.observability.svc:4317`. Required when enabled. */
  readonly otlpEndpoint?: string;
  /** Plaintext gRPC to the collector (OTLP_INSECURE). @default true */
  readonly insecure?: boolean;
  /** Fraction of traces sampled, 0 to 1 (TRACING_SAMPLING_RATE). @default 0.1 */
  readonly samplingRate?: number;
  /**
   * Where the collector runs, for the gateway's egress NetworkPolicy.
   * @default - any address, on the endpoint's port only
   */
  readonly collector?: NetworkPeer;
}

/**
 * Gateway settings rendered as env vars. Only `tracing` and `environment` act on the pinned
 * Edge MCP version; the rate limits, L1/L2 cache and compression settings are read into
 * structures that the pinned version never uses (its handler uses built-in rate limits, its
 * cache is in memory only), so they are rendered only when set, for an image that uses them.
 */
export interface EdgeGatewaySettings {
  /** Distributed tracing. @default - off */
  readonly tracing?: EdgeGatewayTracing;
  /** ENVIRONMENT, the `environment` attribute of exported traces (rendered with tracing on). @default - the platform environment's name, else unset */
  readonly environment?: string;
  /**
   * Request rate limits (EDGE_MCP_*_RPS / _BURST, EDGE_MCP_ENABLE_QUOTAS). Inert in the default
   * image: it enforces built-in limits (global 1000/2000, tenant 100/200, tool 50/100).
   * @default - not rendered
   */
  readonly rateLimits?: EdgeGatewayRateLimits;
  /** The in-process L1 cache (EDGE_MCP_L1_*). Inert in the default image (fixed 1000 entries, 5 minutes). @default - not rendered */
  readonly l1Cache?: EdgeGatewayL1Cache;
  /** How the gateway uses its Redis L2 cache (needs `redis`). Inert in the default image, which never contacts Redis. @default - the binary's defaults */
  readonly l2Cache?: EdgeGatewayL2Cache;
  /** Payload compression (EDGE_MCP_ENABLE_COMPRESSION, _THRESHOLD). Inert in the default image (WebSocket compression is always on). @default - not rendered */
  readonly compression?: EdgeGatewayCompression;
}

/** Non-secret Redis client settings, resolved by the gateway from its Redis props. @internal */
export interface RedisClientSettings {
  /** `host:port`, the only form REDIS_ADDR accepts. */
  readonly address: string;
  readonly username?: string;
  readonly tls?: { readonly enabled: boolean; readonly skipVerify: boolean };
}

type EnvData = Partial<Record<EdgeGatewayEnvName, string>>;

/**
 * The gateway's non-secret env, mapped from typed settings to the variables the binary reads
 * (names from {@link EDGE_GATEWAY_ENV}): the effective ones from their props, the inert ones
 * only when their prop is set.
 * @throws McpConfigError for RPS or burst <= 0 and out-of-range cache, compression or tracing values.
 * @internal
 */
export function edgeGatewayConfigData(scope: IConstruct, settings: EdgeGatewaySettings, redis?: RedisClientSettings, corePlatformUrl?: string): EnvData {
  const E = EDGE_GATEWAY_ENV;
  const data: EnvData = { ...tracingData(scope, settings.tracing ?? {}, settings.environment) };
  if (corePlatformUrl) data[E.corePlatformUrl] = corePlatformUrl;
  if (settings.rateLimits) Object.assign(data, rateLimitData(scope, settings.rateLimits));
  if (settings.l1Cache) {
    data[E.l1MaxItems] = String(validateInteger(scope, 'l1Cache.maxItems', settings.l1Cache.maxItems ?? 10000, 1));
    data[E.l1Ttl] = seconds(scope, 'l1Cache.ttlSeconds', settings.l1Cache.ttlSeconds ?? 300);
  }
  if (settings.compression) {
    data[E.enableCompression] = String(settings.compression.enabled ?? true);
    data[E.compressionThreshold] = String(validateInteger(scope, 'compression.thresholdBytes', settings.compression.thresholdBytes ?? 1024, 0));
  }
  if (settings.l2Cache && !redis) invalid(scope, 'l2Cache', settings.l2Cache, 'configure redis (the L2 cache lives there) or remove l2Cache');
  if (redis) Object.assign(data, redisData(scope, settings.l2Cache ?? {}, redis));
  return data;
}

function rateLimitData(scope: IConstruct, limits: EdgeGatewayRateLimits): EnvData {
  const E = EDGE_GATEWAY_ENV;
  const bucket = (field: string, value: RateLimit | undefined, rps: number) => {
    const r = positiveInteger(scope, `rateLimits.${field}.rps`, value?.rps ?? rps);
    return { rps: String(r), burst: String(positiveInteger(scope, `rateLimits.${field}.burst`, value?.burst ?? 2 * r)) };
  };
  const global = bucket('global', limits.global, 1000);
  const tenant = bucket('tenant', limits.tenant, 100);
  const tool = bucket('tool', limits.tool, 50);
  return {
    [E.globalRps]: global.rps, [E.globalBurst]: global.burst,
    [E.tenantRps]: tenant.rps, [E.tenantBurst]: tenant.burst,
    [E.toolRps]: tool.rps, [E.toolBurst]: tool.burst,
    [E.enableQuotas]: String(limits.enableQuotas ?? true),
  };
}

function redisData(scope: IConstruct, l2: EdgeGatewayL2Cache, redis: RedisClientSettings): EnvData {
  const E = EDGE_GATEWAY_ENV;
  const data: EnvData = {
    [E.redisEnabled]: 'true',
    [E.redisAddr]: redis.address,
    [E.redisDb]: String(validateInteger(scope, 'l2Cache.database', l2.database ?? 0, 0, 15)),
    [E.redisConnectTimeout]: seconds(scope, 'l2Cache.connectTimeoutSeconds', l2.connectTimeoutSeconds ?? 5),
    [E.redisFallbackMode]: String(l2.fallbackMode ?? true),
    [E.l2Ttl]: seconds(scope, 'l2Cache.ttlSeconds', l2.ttlSeconds ?? 3600),
  };
  if (redis.username) data[E.redisUsername] = redis.username;
  if (redis.tls?.enabled) {
    data[E.redisTlsEnabled] = 'true';
    data[E.redisTlsSkipVerify] = String(redis.tls.skipVerify);
  }
  return data;
}

function tracingData(scope: IConstruct, tracing: EdgeGatewayTracing, environment?: string): EnvData {
  const E = EDGE_GATEWAY_ENV;
  // Off is the binary's default (only the exact "true" enables it): nothing to render.
  if (!tracing.enabled) return {};
  const endpoint = tracing.otlpEndpoint;
  if (!endpoint) invalid(scope, 'tracing.otlpEndpoint', endpoint, "set the OTLP gRPC collector as host:port (e.g. 'otel-collector.observability.svc:4317') or set tracing.enabled to false");
  parseHostPort(scope, 'tracing.otlpEndpoint', endpoint);
  const rate = tracing.samplingRate ?? 0.1;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) invalid(scope, 'tracing.samplingRate', rate, 'use a fraction between 0 and 1 (e.g. 0.1 samples one trace in ten)');
  return {
    [E.tracingEnabled]: 'true',
    [E.otlpEndpoint]: endpoint,
    [E.otlpInsecure]: String(tracing.insecure ?? true),
    [E.tracingSamplingRate]: String(rate),
    ...(environment ? { [E.environment]: environment } : {}),
  };
}

/**
 * Splits `host:port` (no scheme, no path), the form REDIS_ADDR and OTLP_ENDPOINT take.
 * @throws McpConfigError naming `field` for anything else.
 * @internal
 */
export function parseHostPort(scope: IConstruct, field: string, value: string): { host: string; port: number } {
  const m = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) invalid(scope, field, value, "use host:port without a scheme or path, e.g. 'redis.cache.svc:6379'");
  return { host: m[1], port };
}

function positiveInteger(scope: IConstruct, field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) invalid(scope, field, value, 'use a whole number of requests greater than 0');
  return value;
}

/** A Go duration in whole seconds (`300s`), which time.ParseDuration reads. */
function seconds(scope: IConstruct, field: string, value: number): string {
  return `${validateInteger(scope, field, value, 1)}s`;
}
