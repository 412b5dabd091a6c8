import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';

export { find, ofKind } from '../support/synth';
export type { K8sObject } from '../support/invariants';

/** The image the tests name for the API: the API publishes none, so every user names a build. */
export const TEST_IMAGE = 'registry.example.com/tool-registry:1.0.0';

const ENVIRONMENTS = { dev: devEnvironment, staging: stagingEnvironment, prod: prodEnvironment };

/** A preset environment with the tier's tool registry added the way the README shows. */
export function withToolRegistry(tier: 'dev' | 'staging' | 'prod'): McpEnvironment {
  return defineEnvironment(ENVIRONMENTS[tier](), { toolRegistry: { ...TOOL_REGISTRY_PRESETS[tier], image: TEST_IMAGE } });
}
