import { checkRules, metricNames, promqlErrors, promqlParses, RuleFileSpec, testRules } from './promtool';

const spec: RuleFileSpec = {
  groups: [{
    name: 'demo',
    rules: [
      { alert: 'DemoDown', expr: 'kube_deployment_status_replicas_available{deployment="demo"} < 1', for: '5m', labels: { severity: 'critical' }, annotations: { summary: 'demo {{ $labels.deployment }} down' } },
      { record: 'demo:requests:rate5m', expr: 'sum by (job) (rate(demo_requests_total[5m]))' },
    ],
  }],
};

describe('promtool wrappers', () => {
  test('check rules accepts valid rules and reports broken ones', () => {
    expect(checkRules(spec)).toMatchObject({ ok: true });
    const broken = checkRules(spec, { groups: [{ name: 'bad', rules: [{ alert: 'X', expr: 'sum(rate(x[5m])', for: '1m' }] }] });
    expect(broken.ok).toBe(false);
    expect(broken.output).toMatch(/rules-1\.yaml.*group "bad".*unclosed left parenthesis/);
    expect(checkRules({ groups: [{ name: 'bad', rules: [{ alert: 'X', expr: 'up', for: 'soon' }] }] }).ok).toBe(false);
  });

  test('test rules: an alert fires on a failing series after `for` and stays silent on a healthy one', () => {
    const series = (values: string) => [{ series: 'kube_deployment_status_replicas_available{deployment="demo",namespace="mcp"}', values }];
    const labels = { alertname: 'DemoDown', deployment: 'demo', namespace: 'mcp', severity: 'critical' };
    const ok = testRules(spec, [
      { name: 'fires', inputSeries: series('1 0x10'), alerts: [{ evalTime: '4m', alertname: 'DemoDown', expected: [] }, { evalTime: '7m', alertname: 'DemoDown', expected: [{ labels }] }] },
      { name: 'healthy', inputSeries: series('1x10'), alerts: [{ evalTime: '10m', alertname: 'DemoDown', expected: [] }] },
      { name: 'recording', inputSeries: [{ series: 'demo_requests_total{job="a"}', values: '0+60x10' }], expressions: [{ evalTime: '10m', expr: 'demo:requests:rate5m', expected: [{ labels: 'demo:requests:rate5m{job="a"}', value: 1 }] }] },
    ]);
    expect(ok).toMatchObject({ ok: true });
    const wrong = testRules(spec, [{ inputSeries: series('1x10'), alerts: [{ evalTime: '10m', alertname: 'DemoDown', expected: [{ labels }] }] }]);
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toMatch(/DemoDown/);
  });

  test('test rules compares annotations when asked', () => {
    const series = [{ series: 'kube_deployment_status_replicas_available{deployment="demo"}', values: '0x10' }];
    const expected = [{ labels: { alertname: 'DemoDown', deployment: 'demo', severity: 'critical' }, annotations: { summary: 'demo demo down' } }];
    expect(testRules(spec, [{ inputSeries: series, alerts: [{ evalTime: '10m', alertname: 'DemoDown', expected }] }], { compareAnnotations: true }).ok).toBe(true);
    const other = [{ ...expected[0], annotations: { summary: 'something else' } }];
    expect(testRules(spec, [{ inputSeries: series, alerts: [{ evalTime: '10m', alertname: 'DemoDown', expected: other }] }], { compareAnnotations: true }).ok).toBe(false);
  });

  test('PromQL parse checks, batched with errors by index', () => {
    expect(promqlParses('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))')).toBe(true);
    expect(promqlParses('sum(rate(x[5m])')).toBe(false);
    const errors = promqlErrors(['up', 'foo{', 'rate(x[5m])', 'a +']);
    expect([...errors.keys()]).toEqual([1, 3]);
    expect(errors.get(1)).toMatch(/parse error/);
  });
});

describe('metricNames', () => {
  test.each([
    ['up', ['up']],
    ['sum by (job, instance) (rate(http_requests_total{code=~"5..", job="api"}[5m])) / ignoring(code) group_left sum(rate(http_requests_total[5m])) by (job)', ['http_requests_total']],
    ['histogram_quantile(0.99, sum by (le) (rate(edge_mcp_request_duration_seconds_bucket[$__rate_interval])))', ['edge_mcp_request_duration_seconds_bucket']],
    ['time() - kube_cronjob_status_last_successful_time{cronjob="backup"} > 86400', ['kube_cronjob_status_last_successful_time']],
    ['{__name__="mcp_mesh_up", job="x"} offset 5m', ['mcp_mesh_up']],
    ['label_replace(redis_memory_used_bytes, "dst", "$1", "src", "(.*)") / on(instance) redis_memory_max_bytes > 0.9', ['redis_memory_max_bytes', 'redis_memory_used_bytes']],
    ['absent(up{job="registry"}) or vector(0) and bool 1e3 > 0x1f', ['up']],
    ['topk(5, count_values("version", kube_pod_info)) unless kube_pod_status_ready{condition="true"} @ 1609746000', ['kube_pod_info', 'kube_pod_status_ready']],
    ['max_over_time(container_memory_working_set_bytes{pod=~"$pod"}[1h:5m]) / 1024', ['container_memory_working_set_bytes']],
    ['sum(rate(node:cpu:rate5m[5m])) without (cpu)', ['node:cpu:rate5m']],
  ])('%s', (expr, names) => expect(metricNames(expr)).toEqual(names));
});
