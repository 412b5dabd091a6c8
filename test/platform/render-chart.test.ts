import * as path from 'path';
import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentDelivery } from '../../src/agent/agent-mesh';
import { McpCrdsChart } from '../../src/platform/crds-chart';
import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { renderChartObjects } from '../../src/platform/render-chart';
import { loadEnvironment } from '../../src/platform/values-file';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';

// The synth renders charts with renderChartObjects instead of cdk8s's Chart.toJson(); both must
// give the same objects in the same order. Each side renders its own, separately built chart.
const IMAGE = 'registry.example.com/tool-registry:1.0.0';

function generatedAgents(n: number, delivery?: AgentDelivery): McpEnvironment {
  const agents = Array.from({ length: n }, (_, i) => ({
    name: `agent-${i}`,
    code: { script: `print("agent ${i}")\n` },
    capabilities: [{ name: `cap-${i}`, version: `1.${i}.0` }],
    dependencies: [{ name: `cap-${(i + 1) % n}`, version: '^1.0.0' }],
  }));
  return { ...devEnvironment(), name: `generated-${delivery ?? 'workloads'}`, namespace: 'mcp-generated', agents, ...(delivery ? { agentDelivery: delivery } : {}) };
}

const environments: Array<[string, () => McpEnvironment]> = [
  ['dev', devEnvironment],
  ['staging', stagingEnvironment],
  ['prod', prodEnvironment],
  ['prod-eu (values file)', () => loadEnvironment(path.join(__dirname, '../../examples/values/prod-eu.yaml'))],
  ['dev with a tool registry', () => defineEnvironment(devEnvironment(), { toolRegistry: { ...TOOL_REGISTRY_PRESETS.dev, image: IMAGE } })],
  ['prod with a tool registry on CloudNativePG', () => defineEnvironment(prodEnvironment(), { toolRegistry: { ...TOOL_REGISTRY_PRESETS.prod, image: IMAGE } })],
  ['50 generated agents', () => generatedAgents(50)],
  ['agents as custom resources', () => generatedAgents(5, 'custom-resources')],
  ['agents as workloads and custom resources', () => generatedAgents(5, 'both')],
];

describe('renderChartObjects renders what Chart.toJson() renders', () => {
  test.each(environments)('%s', (_name, environment) => {
    const ours = renderChartObjects(new McpPlatformChart(new App(), 'env', { environment: environment() }));
    const theirs = new McpPlatformChart(new App(), 'env', { environment: environment() }).toJson();
    expect(ours.length).toBeGreaterThan(10);
    expect(JSON.stringify(ours)).toEqual(JSON.stringify(theirs));
  });

  test('the CRDs chart', () => {
    expect(JSON.stringify(renderChartObjects(new McpCrdsChart(new App())))).toEqual(JSON.stringify(new McpCrdsChart(new App()).toJson()));
  });
});

/** A chart exercising each value kind the resolvers handle, built twice for a side-by-side render. */
function valuesChart(app: App): Chart {
  const chart = new Chart(app, 'values', { namespace: 'test' });
  // Producers that count their calls: the rendered numbers show the order values are resolved in.
  let produced = 0;
  const next = () => Lazy.any({ produce: () => ++produced });
  const pod = new kplus.Deployment(chart, 'web', {
    containers: [{ image: 'nginx', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
  });
  pod.metadata.addAnnotation('lazy', Lazy.any({ produce: () => 'produced' }) as unknown as string);
  new ApiObject(chart, 'raw', {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    spec: {
      lazy: Lazy.any({ produce: () => ({ nested: Lazy.any({ produce: () => [1, null, { b: 2, a: undefined }] }) }) }),
      token: { resolve: () => 'implicit' },
      union: kplus.k8s.IntOrString.fromString('http'),
      quantity: kplus.k8s.Quantity.fromNumber(3),
      dropped: null,
      zebra: 1,
      apple: [{ z: 1, a: 2 }],
      order: { zz: next(), aa: next(), mm: [next(), { y: next(), b: next() }] },
      // Own keys the resolvers look at: cdk8s turns a map whose own `constructor` is not Object
      // and whose `value` is a string into `{ value }`.
      ownKeys: { plainValue: { value: 5 }, ownConstructor: { constructor: 'x', value: 'y', other: 1 } },
    },
  });
  const svc = new kplus.k8s.KubeService(chart, 'svc', { spec: { ports: [{ port: 80, targetPort: kplus.k8s.IntOrString.fromNumber(8080) }] } });
  svc.addJsonPatch({ _toJson: () => ({ op: 'add', path: '/spec/type', value: 'ClusterIP' }) } as never);
  // Metadata drops empty lists and maps at every level.
  svc.metadata.addFinalizers('example.com/keep');
  svc.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1' });
  svc.metadata.add('generateName', Lazy.any({ produce: () => 'svc-' }));
  svc.metadata.add('extra', { empty: {}, list: [], kept: { value: 1 } });
  (chart.node.findChild('raw') as ApiObject).metadata.addAnnotation('produced', next() as unknown as string);
  // Metadata fields are resolved in cdk8s's order: those given at construction (here name,
  // namespace, labels), then annotations, finalizers and ownerReferences; added here in another.
  const ordered = new kplus.k8s.KubeConfigMap(chart, 'metadata-order', { data: { key: 'value' } });
  ordered.metadata.addLabel('produced', next() as unknown as string);
  ordered.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: next() as unknown as string });
  ordered.metadata.addFinalizers(next() as unknown as string);
  ordered.metadata.addAnnotation('produced', next() as unknown as string);
  return chart;
}

/** Objects depending on each other against tree order, across a nested chart and onto a whole construct. */
function dependenciesChart(app: App, cycle = false): Chart {
  const chart = new Chart(app, 'deps', { namespace: 'test' });
  const cm = (scope: Construct, id: string) => new kplus.k8s.KubeConfigMap(scope, id, { data: { id } });
  const [a, b, c] = [cm(chart, 'a'), cm(chart, 'b'), cm(chart, 'c')];
  const group = new Construct(chart, 'group');
  cm(group, 'g1');
  cm(group, 'g2');
  const nested = new Chart(chart, 'nested');
  const n1 = cm(nested, 'n1');
  a.addDependency(c);
  a.addDependency(b);
  b.addDependency(group);
  c.addDependency(n1);
  if (cycle) c.addDependency(a);
  return chart;
}

describe('dependency order', () => {
  test('objects come after what they depend on, as in Chart.toJson()', () => {
    const ours = renderChartObjects(dependenciesChart(new App()));
    expect(JSON.stringify(ours)).toEqual(JSON.stringify(dependenciesChart(new App()).toJson()));
    expect(ours.map(o => (o.data as { id: string }).id)).toEqual(['c', 'g1', 'g2', 'b', 'a']);
  });

  test('a dependency cycle fails with cdk8s\'s message', () => {
    expect(() => dependenciesChart(new App(), true).toJson()).toThrow(/^Dependency cycle detected: deps\/a => deps\/c => deps\/a$/);
    expect(() => renderChartObjects(dependenciesChart(new App(), true))).toThrow(/^Dependency cycle detected: deps\/a => deps\/c => deps\/a$/);
  });
});

test('generated classes render through their own converter, not through cdk8s toJson', () => {
  // The fast path must be taken (else renderChartObjects is only as fast as cdk8s): the classes
  // of cdk8s-plus-28 read as generated ones, so their toJson() is never called.
  const spies = [kplus.k8s.KubeDeployment, kplus.k8s.KubeService, kplus.k8s.KubeConfigMap, kplus.k8s.KubeServiceAccount]
    .map(c => jest.spyOn(c.prototype, 'toJson'));
  const objects = renderChartObjects(new McpPlatformChart(new App(), 'env', { environment: generatedAgents(3) }));
  expect(['Deployment', 'Service', 'ConfigMap', 'ServiceAccount'].every(k => objects.some(o => o.kind === k))).toBe(true);
  for (const spy of spies) {
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  }
});

describe('what each side does with values, patches and errors', () => {
  test('lazy values, implicit tokens, unions, nulls, key order and JSON patches', () => {
    // JSON text, so key order counts too.
    expect(JSON.stringify(renderChartObjects(valuesChart(new App())))).toEqual(JSON.stringify(valuesChart(new App()).toJson()));
  });

  test('an app with its own resolvers renders through cdk8s', () => {
    class Upper implements IResolver {
      resolve(context: ResolutionContext): void {
        if (context.value === 'nginx') context.replaceValue('NGINX');
      }
    }
    const ours = renderChartObjects(valuesChart(new App({ resolvers: [new Upper()] })));
    expect(JSON.stringify(ours)).toContain('NGINX');
    expect(JSON.stringify(ours)).toEqual(JSON.stringify(valuesChart(new App({ resolvers: [new Upper()] })).toJson()));
  });

  test('an object with its own toJson renders itself', () => {
    const chart = valuesChart(Testing.app());
    const raw = chart.node.findChild('raw') as ApiObject;
    Object.defineProperty(raw, 'toJson', { value: () => ({ apiVersion: 'v1', kind: 'Own', metadata: { name: 'own' } }) });
    expect(renderChartObjects(chart).find(o => o.kind === 'Own')).toEqual({ apiVersion: 'v1', kind: 'Own', metadata: { name: 'own' } });
  });

  test('a failing validation fails with cdk8s\'s message', () => {
    const build = () => {
      const chart = valuesChart(new App());
      chart.node.addValidation({ validate: () => ['broken on purpose'] });
      return chart;
    };
    expect(() => build().toJson()).toThrow('Validation failed with the following errors:\n  [values] broken on purpose');
    expect(() => renderChartObjects(build())).toThrow('Validation failed with the following errors:\n  [values] broken on purpose');
  });

  test('a value that cannot be rendered names the object, as cdk8s does', () => {
    const build = () => {
      const chart = new Chart(new App(), 'bad');
      new ApiObject(chart, 'thing', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'thing' }, data: { when: new Date(0) } });
      return chart;
    };
    const message = "Failed serializing construct at path 'bad/thing' with name 'thing': Error: can't render non-simple object of type 'Date'";
    expect(() => build().toJson()).toThrow(message);
    expect(() => renderChartObjects(build())).toThrow(message);
  });
});
