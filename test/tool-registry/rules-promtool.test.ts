/**
 * Every PrometheusRule the environments render passes the real rule engine's checks
 * (`promtool check rules`: PromQL parses, `for` and label/annotation templates are valid,
 * no duplicate rules). Reads the committed dist/ output, which a separate test keeps equal
 * to a fresh synth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject } from '../support/invariants';
import { checkRules, prometheusRuleSpecs } from '../support/promtool';

const DIST = path.resolve(__dirname, '../../dist');
const environments = fs.readdirSync(DIST).filter(f => f.endsWith('.k8s.yaml') && f !== 'crds.k8s.yaml').sort();

function load(file: string): K8sObject[] {
  return parseAllDocuments(fs.readFileSync(path.join(DIST, file), 'utf8')).map(d => d.toJSON()).filter(Boolean);
}

describe('rendered PrometheusRules under promtool', () => {
  const rules = Object.fromEntries(environments.map(f => [f, prometheusRuleSpecs(load(f))]));

  test('the environments render PrometheusRules to check', () => {
    expect(environments.length).toBeGreaterThan(0);
    expect(Object.values(rules).flatMap(r => Object.keys(r)).length).toBeGreaterThan(0);
  });

  test.each(environments)('%s: promtool check rules passes for every PrometheusRule', file => {
    const specs = rules[file];
    if (Object.keys(specs).length === 0) return;
    const result = checkRules(...Object.values(specs));
    expect({ rules: Object.keys(specs), ...result }).toMatchObject({ ok: true });
  });
});
