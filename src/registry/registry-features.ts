import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { NetworkPeer } from '../common/network';
import { SecretKeyReference } from '../common/secrets';
import { validateDnsSubdomain, validateInteger } from '../common/validation';
import { ClientPeer } from '../connectivity/client-peer';
import { clusterServicePeer, validatePeer } from './registry-peers';
import { REGISTRY_ENV, REGISTRY_RUNTIME } from './registry-runtime';
import { RegistryAdminOptions, RegistryTracingOptions } from './registry-props';

/** The admin listener, resolved. @internal */
export interface ResolvedAdmin {
  readonly port: number;
  readonly clients: ClientPeer[];
}

/**
 * @returns undefined when no admin port is configured
 * @throws McpConfigError for a port out of range or equal to the API port
 * @internal
 */
export function resolveAdmin(scope: IConstruct, options: RegistryAdminOptions | undefined): ResolvedAdmin | undefined {
  if (!options || options.enabled === false) return undefined;
  const port = validateInteger(scope, 'admin.port', options.port ?? REGISTRY_RUNTIME.adminPort, 1024, 65535);
  if (port === REGISTRY_RUNTIME.httpPort) invalid(scope, 'admin.port', port, `use a port other than the API port ${REGISTRY_RUNTIME.httpPort}, such as ${REGISTRY_RUNTIME.adminPort}`);
  return { port, clients: validatePeers(scope, 'admin.clients', options.clients ?? []) };
}

/** A server the registry connects to for tracing: where it runs and its port. @internal */
export interface TracingTarget {
  /** What it is, and why the registry connects to it, for the connectivity document. */
  readonly name: string;
  readonly reason: string;
  readonly peers: NetworkPeer[];
  readonly port: number;
}

/** Tracing, resolved into env vars and egress. @internal */
export interface ResolvedTracing {
  /** Plain env vars (no secrets). */
  readonly env: Record<string, string>;
  /** REDIS_URL from a Secret, when the URL carries a password. */
  readonly redisUrlSecret?: SecretKeyReference;
  /** Redis and, with the OTLP exporter, the collector. */
  readonly targets: TracingTarget[];
}

/**
 * @returns undefined when tracing is off
 * @throws McpConfigError for a missing or malformed Redis URL (a URL with a password is refused
 * without echoing it), a missing or malformed collector endpoint, or both URL forms
 * @internal
 */
export function resolveTracing(scope: IConstruct, options: RegistryTracingOptions | undefined): ResolvedTracing | undefined {
  if (!options || options.enabled === false) return undefined;
  const exporter = options.exporter ?? 'otlp';
  if ((options.redisUrl === undefined) === (options.redisUrlSecret === undefined)) {
    invalid(scope, 'tracing.redisUrl', options.redisUrl === undefined ? undefined : '<set>', 'set exactly one of tracing.redisUrl (no password) and tracing.redisUrlSecret (a Secret key holding the URL)');
  }
  const env: Record<string, string> = {
    [REGISTRY_ENV.tracingEnabled]: 'true',
    [REGISTRY_ENV.traceExporter]: exporter,
  };
  const explicit = options.egressPeers === undefined ? undefined : validatePeers(scope, 'tracing.egressPeers', options.egressPeers);
  // Without egressPeers each server is placed by its host; a host outside the cluster (or one
  // hidden in a Secret) has addresses the chart cannot know, and 0.0.0.0/0 is no answer.
  const place = (field: string, host: string | undefined): NetworkPeer[] => {
    if (explicit) return explicit;
    const peer = host === undefined ? undefined : clusterServicePeer(host);
    if (peer) return [peer];
    return invalid(scope, 'tracing.egressPeers', undefined,
      `${field} ${host === undefined ? 'is in a Secret' : `names ${JSON.stringify(host)}, not a cluster Service (<service>.<namespace>.svc)`}, so the chart cannot tell where it runs: set tracing.egressPeers to its pods ({ namespace, podLabels }) or address block ({ cidr })`);
  };
  let redisPort = options.redisPort;
  let redisHost: string | undefined;
  if (options.redisUrl !== undefined) {
    const url = parseRedisUrl(scope, options.redisUrl);
    env[REGISTRY_ENV.redisUrl] = options.redisUrl;
    redisPort ??= url.port;
    redisHost = url.host;
  }
  const targets: TracingTarget[] = [{
    name: 'Redis (traces)',
    reason: "reads the agents' trace spans",
    peers: place(options.redisUrl === undefined ? 'tracing.redisUrlSecret' : 'tracing.redisUrl', redisHost),
    port: validateInteger(scope, 'tracing.redisPort', redisPort ?? 6379, 1, 65535),
  }];
  if (exporter === 'otlp') {
    const endpoint = options.telemetryEndpoint;
    const m = typeof endpoint === 'string' ? /^([^:/\s]+):([0-9]{1,5})$/.exec(endpoint) : null;
    if (!m) invalid(scope, 'tracing.telemetryEndpoint', endpoint, "set the OTLP collector as host:port without a scheme, such as 'tempo.monitoring.svc:4317'");
    validateDnsSubdomain(scope, 'tracing.telemetryEndpoint host', m[1]);
    const port = validateInteger(scope, 'tracing.telemetryEndpoint port', Number(m[2]), 1, 65535);
    targets.push({ name: 'OTLP collector', reason: 'exports traces', peers: place('tracing.telemetryEndpoint', m[1]), port });
    env[REGISTRY_ENV.telemetryEndpoint] = endpoint!;
    env[REGISTRY_ENV.telemetryProtocol] = options.telemetryProtocol ?? 'grpc';
  }
  return { env, redisUrlSecret: options.redisUrlSecret, targets };
}

function parseRedisUrl(scope: IConstruct, value: string): { port: number; host: string } {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['redis:', 'rediss:'].includes(url.protocol) || !url.hostname) {
    // The value may hold a password: show it only when it cannot.
    invalid(scope, 'tracing.redisUrl', value.includes('@') ? '<a URL, not shown>' : value, "use redis://host:port[/db] or rediss://host:port[/db], such as 'redis://redis.mcp-prod.svc:6379/0'");
  }
  if (url.password) {
    invalid(scope, 'tracing.redisUrl', '<a URL with a password, not shown>', 'put a URL with a password in a Secret and reference it with tracing.redisUrlSecret = { secretName, key }');
  }
  return { port: url.port ? Number(url.port) : 6379, host: url.hostname };
}

/**
 * Checks NetworkPolicy peers: CIDRs, namespace names and pod labels (a workload by name is checked
 * by the connectivity model at synth).
 * @throws McpConfigError naming `<field>[i].cidr` etc.
 * @internal
 */
export function validatePeers<P extends ClientPeer>(scope: IConstruct, field: string, peers: P[]): P[] {
  peers.forEach((peer, i) => {
    if (peer?.workload === undefined) validatePeer(scope, `${field}[${i}]`, peer);
  });
  return peers;
}
