import { Chart, Testing } from 'cdk8s';
import { externalReferences } from '../../src/common/external-references';
import { McpEnvironment } from '../../src/platform/environment';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { Externals, K8sObject } from './invariants';

/** Synthesizes one environment chart the way the app does. */
export function synthEnvironment(environment: McpEnvironment): { chart: McpPlatformChart; objects: K8sObject[]; externals: Externals } {
  const chart = new McpPlatformChart(Testing.app(), environment.name, { environment });
  return { chart, objects: Testing.synth(chart) as K8sObject[], externals: externalsOf(chart) };
}

/** Synthesizes a test chart built by `build` (a component on its own). */
export function synthChart(build: (chart: Chart) => void, namespace = 'test'): { chart: Chart; objects: K8sObject[]; externals: Externals } {
  const chart = new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
  build(chart);
  return { chart, objects: Testing.synth(chart) as K8sObject[], externals: externalsOf(chart) };
}

/** The chart's declared external references, grouped by kind. */
export function externalsOf(chart: Chart): Externals {
  const out: Record<string, string[]> = {};
  for (const r of externalReferences(chart)) (out[r.kind] ??= []).push(r.name);
  return out as Externals;
}

/** Objects of one kind. */
export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter(o => o.kind === kind);
}

/** The one object of `kind` named `name`; throws when absent. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in [${objects.map(x => `${x.kind}/${x.metadata.name}`).join(', ')}]`);
  return o;
}
