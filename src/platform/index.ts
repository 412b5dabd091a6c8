// Public API of src/platform: environments (presets and their data shape), the platform chart
// that composes every component for one environment, and the synth entry point.
export { McpCrdsChart } from './crds-chart';
export { defineEnvironment } from './environment';
export type { DeepPartial, EnvironmentMonitoring, EnvironmentPolicy, IngressSettings, McpEnvironment, PlatformIntegrations } from './environment';
export { McpPlatformChart } from './platform-chart';
export type { McpPlatformChartProps } from './platform-chart';
export { defaultEnvironments, devEnvironment, prodEnvironment, stagingEnvironment } from './presets';
export { synthesizePlatform } from './synthesize';
export type { SynthesizeOptions } from './synthesize';
export { loadEnvironment, parseEnvironment } from './values-file';
export type { McpEnvironmentValues } from './values-file';
