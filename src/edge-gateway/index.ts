// Public API of src/edge-gateway: the Edge MCP gateway, its bundled Redis, props and presets.
export { EdgeGateway } from './edge-gateway';
export type { EdgeGatewayProps } from './edge-gateway';
export type { EdgeGatewayAlertSettings } from './alert-settings';
export type { EdgeGatewayAutoscaling } from './edge-gateway-autoscaling';
export type {
  EdgeGatewayCompression, EdgeGatewayL1Cache, EdgeGatewayL2Cache, EdgeGatewayRateLimits, EdgeGatewaySettings, EdgeGatewayTracing, RateLimit,
} from './edge-gateway-config';
export type { EdgeGatewayCorePlatform } from './edge-gateway-core';
export type { EdgeGatewayIngress } from './edge-gateway-ingress';
export type { EdgeGatewayAlerts, EdgeGatewayMonitoring } from './edge-gateway-monitoring';
export { EDGE_GATEWAY_PRESETS } from './edge-gateway-presets';
export type { EdgeGatewayBundledRedis, EdgeGatewayExternalRedis, EdgeGatewayRedis } from './edge-gateway-redis';
export type { EdgeGatewaySecretRemoteKeys } from './edge-gateway-secrets';
export { EdgeRedis } from './redis';
export type { EdgeRedisProps, RedisEvictionPolicy, RedisExporter, RedisPersistence } from './redis';
export type { EdgeRedisAlerts, EdgeRedisMonitoring } from './redis-monitoring';
