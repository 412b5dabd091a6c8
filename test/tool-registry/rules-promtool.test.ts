/**
 * Every PrometheusRule the environments render passes the real rule engine's checks
 * (`promtool check rules`: PromQL parses, `for` and label/annotation templates are valid,
 * no duplicate rules). Reads the committed dist/ output, which a separate test keeps equal
 * to a fresh synth.
 */
import { distEnvironments, distObjects } from '../support/dist';
import { checkRules, prometheusRuleSpecs } from '../support/promtool';

const environments = distEnvironments();

describe('rendered PrometheusRules under promtool', () => {
  const rules = Object.fromEntries(environments.map(env => [env, prometheusRuleSpecs(distObjects(env))]));

  test('the environments render PrometheusRules to check', () => {
    expect(environments.length).toBeGreaterThan(0);
    expect(Object.values(rules).flatMap(r => Object.keys(r)).length).toBeGreaterThan(0);
  });

  test.each(environments)('%s: promtool check rules passes for every PrometheusRule', env => {
    const specs = rules[env];
    if (Object.keys(specs).length === 0) return;
    const result = checkRules(...Object.values(specs));
    expect({ rules: Object.keys(specs), ...result }).toMatchObject({ ok: true });
  });
});
