import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ClusterNetwork, NetworkPeer, NetworkRule } from '../common/network';
import { SecretKeyReference } from '../common/secrets';
import { parseHostPort, RedisClientSettings } from './edge-gateway-config';
import { EdgeGatewayMonitoring } from './edge-gateway-monitoring';
import { EdgeRedis, EdgeRedisProps } from './redis';
import { EdgeRedisAlerts } from './redis-monitoring';

/**
 * A Redis rendered beside the gateway ({@link EdgeRedis}), wired to it and isolated for it; it
 * follows the gateway's monitoring switches and NetworkPolicy setting.
 */
export interface EdgeGatewayBundledRedis extends Omit<EdgeRedisProps, 'password' | 'networkPolicy' | 'monitoring' | 'name'> {
  /** A Redis StatefulSet rendered with the gateway. */
  readonly type: 'bundled';
  /** Secret key with the password. @default - key `redis-password` of the generated dev Secret (generateDevSecret only) */
  readonly password?: SecretKeyReference;
  /** Thresholds of the Redis alerts (rendered with the gateway's monitoring.prometheusRule). @default - each alert's documented default */
  readonly alerts?: EdgeRedisAlerts;
}

/** A Redis that already runs elsewhere (a managed service such as ElastiCache, an operator-run cluster). */
export interface EdgeGatewayExternalRedis {
  /** A Redis the gateway connects to but does not render. */
  readonly type: 'external';
  /** `host:port` (REDIS_ADDR; no `redis://` scheme, no database path). */
  readonly address: string;
  /** Secret key with the password (REDIS_PASSWORD). */
  readonly password: SecretKeyReference;
  /** ACL user name (REDIS_USERNAME). @default - the default user */
  readonly username?: string;
  /** TLS to Redis (REDIS_TLS_ENABLED, REDIS_TLS_SKIP_VERIFY). @default - plaintext */
  readonly tls?: {
    /** @default false */
    readonly enabled?: boolean;
    /** Accept any server certificate (testing only). @default false */
    readonly skipVerify?: boolean;
  };
  /** Where Redis runs, for the egress NetworkPolicy. @default - any address, on the port of `address` only */
  readonly peer?: NetworkPeer;
}

/** The gateway's Redis L2 cache. */
export type EdgeGatewayRedis = EdgeGatewayBundledRedis | EdgeGatewayExternalRedis;

/** What {@link renderGatewayRedis} needs from the gateway. @internal */
export interface GatewayRedisInputs {
  readonly redis: EdgeGatewayRedis;
  readonly password: SecretKeyReference;
  /** The gateway's name; the bundled Redis is `<name>-redis`. */
  readonly name: string;
  /** The gateway pods, admitted by the Redis NetworkPolicy. */
  readonly clients: NetworkPeer[];
  readonly monitoring: EdgeGatewayMonitoring;
  readonly networkPolicyEnabled: boolean;
  readonly clusterNetwork?: ClusterNetwork;
}

/**
 * Renders a bundled Redis or checks an external one; returns the client settings for the
 * gateway's env and the egress rule its NetworkPolicy needs.
 * @throws McpConfigError for an address that is not host:port or an unknown type
 * @internal
 */
export function renderGatewayRedis(scope: Construct, i: GatewayRedisInputs): { client: RedisClientSettings; egress: NetworkRule; bundled?: EdgeRedis } {
  const redis = i.redis;
  if (redis.type === 'external') {
    const { port } = parseHostPort(scope, 'redis.address', redis.address);
    return {
      client: {
        address: redis.address,
        username: redis.username,
        tls: redis.tls?.enabled ? { enabled: true, skipVerify: redis.tls.skipVerify ?? false } : undefined,
      },
      egress: { peers: [redis.peer ?? { cidr: '0.0.0.0/0' }], ports: [{ port }] },
    };
  }
  if (redis.type !== 'bundled') invalid(scope, 'redis.type', (redis as { type: unknown }).type, "use 'bundled' or 'external'");
  const { type: _type, password: _password, alerts, ...options } = redis;
  const { alerts: _gatewayAlerts, ...switches } = i.monitoring;
  const bundled = new EdgeRedis(scope, 'redis', {
    ...options,
    name: `${i.name}-redis`,
    password: i.password,
    monitoring: { ...switches, alerts },
    networkPolicy: { enabled: i.networkPolicyEnabled, clients: i.clients, clusterNetwork: i.clusterNetwork },
  });
  return { client: { address: bundled.address }, egress: { peers: [{ podLabels: bundled.selector }], ports: [{ port: bundled.port }] }, bundled };
}
