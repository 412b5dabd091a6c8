import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ClusterNetwork, NetworkPeer } from '../common/network';
import { SecretKeyReference } from '../common/secrets';
import { Connectivity, ServiceEndpoint } from '../connectivity/connectivity';
import { parseHostPort, RedisClientSettings } from './edge-gateway-config';
import { EdgeGatewayMonitoring } from './edge-gateway-monitoring';
import { checkPeer, defaultPeer } from './edge-gateway-network';
import { EdgeRedis, EdgeRedisProps } from './redis';
import { EdgeRedisAlerts } from './redis-monitoring';

/**
 * A Redis rendered beside the gateway ({@link EdgeRedis}), wired to it and isolated for it; it
 * follows the gateway's monitoring switches and NetworkPolicy setting.
 */
export interface EdgeGatewayBundledRedis extends Omit<EdgeRedisProps, 'password' | 'passwordRemoteKey' | 'secretProvisioning' | 'networkPolicy' | 'monitoring' | 'name'> {
  /** A Redis StatefulSet rendered with the gateway. */
  readonly type: 'bundled';
  /**
   * Secret key with the password, which the gateway's `secretProvisioning` provides (a random
   * value is valid: generated in dev, from the store under external-secrets).
   * @default { secretName: '<name>-redis', key: 'password' }
   */
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
  /**
   * Secret key with the password (REDIS_PASSWORD). The Redis issued it, so it is never generated:
   * under `secretProvisioning` `generated` its Secret stays a prerequisite.
   */
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
  /**
   * Where Redis runs, for the gateway's egress NetworkPolicy: pods (`namespace`, `podLabels`) or
   * an IP block (`cidr`, e.g. the managed service's subnet).
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
   * @default - the namespace of an in-cluster address (`<service>.<namespace>.svc:<port>`), else any address (`0.0.0.0/0`), on the port of `address` only
   */
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
  readonly monitoring: EdgeGatewayMonitoring;
  readonly networkPolicyEnabled: boolean;
  readonly clusterNetwork?: ClusterNetwork;
}

/** The password Secret key of a bundled Redis without `password`. @internal */
export function defaultRedisPassword(gatewayName: string): SecretKeyReference {
  return { secretName: `${gatewayName}-redis`, key: 'password' };
}

/**
 * Renders a bundled Redis or checks an external one; returns the client settings for the
 * gateway's env and the endpoint the gateway connects to.
 * @throws McpConfigError for an address that is not host:port, a malformed peer or an unknown type
 * @internal
 */
export function renderGatewayRedis(scope: Construct, i: GatewayRedisInputs): { client: RedisClientSettings; endpoint: ServiceEndpoint; bundled?: EdgeRedis } {
  const redis = i.redis;
  if (redis.type === 'external') {
    const { host, port } = parseHostPort(scope, 'redis.address', redis.address);
    if (redis.peer) checkPeer(scope, 'redis.peer', redis.peer);
    return {
      client: {
        address: redis.address,
        username: redis.username,
        tls: redis.tls?.enabled ? { enabled: true, skipVerify: redis.tls.skipVerify ?? false } : undefined,
      },
      endpoint: { target: Connectivity.external(`Redis (${host})`, redis.peer ?? defaultPeer(host)), ports: [{ port }] },
    };
  }
  if (redis.type !== 'bundled') invalid(scope, 'redis.type', (redis as { type: unknown }).type, "use 'bundled' or 'external'");
  const { type: _type, password: _password, alerts, ...options } = redis;
  const { alerts: _gatewayAlerts, ...switches } = i.monitoring;
  const bundled = new EdgeRedis(scope, 'redis', {
    ...options,
    name: `${i.name}-redis`,
    password: i.password,
    // The gateway provides the Secret it shares with its Redis (one ExternalSecret or generated
    // Secret for both): to the Redis it exists.
    secretProvisioning: { source: 'existing' },
    monitoring: { ...switches, alerts },
    // Its one client, the gateway, connects through the connectivity model.
    networkPolicy: { enabled: i.networkPolicyEnabled, clusterNetwork: i.clusterNetwork },
  });
  return { client: { address: bundled.address }, endpoint: bundled.endpoint, bundled };
}
