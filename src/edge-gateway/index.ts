// Public API of src/edge-gateway: the Edge MCP gateway, its bundled Redis, props and presets.
export { EdgeGateway } from './edge-gateway';
export type { EdgeGatewayBundledRedis, EdgeGatewayCorePlatform, EdgeGatewayExternalRedis, EdgeGatewayProps, EdgeGatewayRedis } from './edge-gateway';
export type { EdgeGatewayAutoscaling } from './edge-gateway-autoscaling';
export type {
  EdgeGatewayCompression, EdgeGatewayL1Cache, EdgeGatewayL2Cache, EdgeGatewayRateLimits, EdgeGatewaySettings, EdgeGatewayTracing, RateLimit,
} from './edge-gateway-config';
export type { EdgeGatewayIngress, EdgeGatewayIngressTls } from './edge-gateway-ingress';
export { EDGE_GATEWAY_PRESETS } from './edge-gateway-presets';
export type { EdgeGatewayLogLevel } from './edge-gateway-runtime';
export type { EdgeGatewayExternalSecret, ExternalSecretKey } from './edge-gateway-secrets';
export { EdgeRedis } from './redis';
export type { EdgeRedisProps, RedisEvictionPolicy, RedisExporter, RedisPersistence } from './redis';
