// The generated CRD bindings load on first use: loading the library or rendering an environment
// without an integration never evaluates that integration's bindings (over 500 kB for
// CloudNativePG alone). Each mocked module records when it is first required.
const mockLoaded: string[] = [];
jest.mock('../../imports/servicemonitors-monitoring.coreos.com', () => {
  mockLoaded.push('prometheus-operator');
  return jest.requireActual('../../imports/servicemonitors-monitoring.coreos.com');
});
jest.mock('../../imports/externalsecrets-external-secrets.io', () => {
  mockLoaded.push('external-secrets');
  return jest.requireActual('../../imports/externalsecrets-external-secrets.io');
});
jest.mock('../../imports/clusters-postgresql.cnpg.io', () => {
  mockLoaded.push('cloudnative-pg');
  return jest.requireActual('../../imports/clusters-postgresql.cnpg.io');
});

type Library = typeof import('../../src/index') & typeof import('../../src/tool-registry/tool-registry-presets');

/** The bindings loaded by loading the library afresh and rendering the environment `build` returns (none: only loading). */
function loadedBy(build?: (lib: Library) => unknown): string[] {
  mockLoaded.length = 0;
  jest.isolateModules(() => {
    const lib: Library = { ...require('../../src/index'), ...require('../../src/tool-registry/tool-registry-presets') };
    // cdk8s of the same module registry as the library (its Lazy values are of that module's class).
    const { App } = require('cdk8s');
    if (build) new lib.McpPlatformChart(new App(), 'env', { environment: build(lib) as never }).toJson();
  });
  return [...mockLoaded].sort();
}

test('loading the library evaluates no CRD bindings', () => {
  expect(loadedBy()).toEqual([]);
});

test('each integration loads its own bindings only', () => {
  expect(loadedBy(lib => lib.devEnvironment())).toEqual([]);
  expect(loadedBy(lib => lib.stagingEnvironment())).toEqual(['prometheus-operator']);
  expect(loadedBy(lib => lib.prodEnvironment())).toEqual(['external-secrets', 'prometheus-operator']);
  expect(loadedBy(lib => lib.defineEnvironment(lib.prodEnvironment(), {
    toolRegistry: { ...lib.TOOL_REGISTRY_PRESETS.prod, image: 'registry.example.com/tool-registry:1.0.0' },
  }))).toEqual(['cloudnative-pg', 'external-secrets', 'prometheus-operator']);
});
