import { Testing } from 'cdk8s';
import { prodEu, TeamRegistryChart } from '../examples/own-chart/main';
import { checkInvariants, K8sObject } from './support/invariants';
import { SchemaValidator } from './support/schema';
import { externalsOf } from './support/synth';

test('a user chart composes the Registry on its own', () => {
  const chart = new TeamRegistryChart(Testing.app(), 'team-a');
  const objects = Testing.synth(chart) as K8sObject[];
  expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toMatchSnapshot();
  expect(checkInvariants(objects, externalsOf(chart))).toEqual([]);
  expect(objects.flatMap(o => new SchemaValidator().validate(o))).toEqual([]);
  expect(chart.registry.url).toBe('http://mcp-mesh-registry.team-a.svc:8000');
});

test('an environment derived from the prod preset keeps the prod policy', () => {
  const chart = prodEu();
  const objects = Testing.synth(chart) as K8sObject[];
  expect(chart.namespaceName).toBe('mcp-prod-eu');
  const rendered = new Set(objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name));
  expect(rendered).toContain('mcp-prod-eu');
  expect(objects.filter(o => o.kind !== 'Namespace').every(o => rendered.has(o.metadata.namespace!))).toBe(true);
  expect(chart.environment.policy).toEqual(expect.objectContaining({ requirePinnedImages: true, requireBackups: true }));
});
