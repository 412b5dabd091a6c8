import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { AgentCodeSource } from '../../src/agent/agent-code';
import { McpAgent, McpAgentProps } from '../../src/agent/mcp-agent';
import { Registry } from '../../src/registry/registry';
import { checkInvariants } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();

/** One agent beside a registry in a test chart. */
function synthAgent(props: Omit<McpAgentProps, 'registry'>) {
  return synthChart((chart: Chart) => {
    const registry = new Registry(chart, 'registry', { backup: { enabled: false } });
    new McpAgent(chart, props.name, { ...props, registry });
  });
}

const envOf = (container: any) => Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('McpAgent', () => {
  const full = synthAgent({
    name: 'weather',
    description: 'Forecasts.',
    code: AgentCodeSource.fromFiles({ 'main.py': 'import lib.forecast', 'lib/__init__.py': '', 'lib/forecast.py': 'X = 1' }, 'main.py'),
    capabilities: [{ name: 'weather', version: '1.4.0', tags: ['forecast'] }],
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetMemoryUtilizationPercent: 75 },
    resources: { requests: { cpu: '0.25', memory: '512Mi' }, limits: { cpu: '1.5', memory: '1.5Gi' } },
    extraEnv: [{ name: 'FORECAST_DAYS', value: '5' }, { name: 'WEATHER_API_KEY', secretKeyRef: { secretName: 'weather-api', key: 'token' } }],
    persistence: { size: '5Gi', accessMode: 'ReadWriteMany', storageClassName: 'nfs', mountPath: '/cache' },
    monitoring: { scrape: true, prometheusRule: true, dashboard: true, labels: { release: 'kube-prometheus-stack' } },
    logLevel: 'warning',
    tracing: { redisUrlSecret: { secretName: 'tracing-redis', key: 'url' }, redis: { namespace: 'tracing', podLabels: { 'app.kubernetes.io/name': 'redis' } } },
  });

  test('matches the snapshot', () => {
    expect(full.objects.filter(o => o.metadata.labels?.['app.kubernetes.io/component'] === 'agent')).toMatchSnapshot();
  });

  test('holds every platform invariant and validates against the Kubernetes and CRD schemas', () => {
    expect(checkInvariants(full.objects, full.externals)).toEqual([]);
    expect(full.objects.flatMap(o => schema.validate(o))).toEqual([]);
    expect(full.externals).toEqual({ Secret: ['tracing-redis', 'weather-api'] });
  });

  test('renders the runtime contract: image, UID 999, port 8080, probes, read-only code', () => {
    const deployment = find(full.objects, 'Deployment', 'weather');
    const pod = deployment.spec.template.spec;
    const [c] = pod.containers;
    expect(c.image).toBe('mcpmesh/python-runtime:3.7.1');
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect([c.startupProbe.httpGet.path, c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/startupz', '/livez', '/ready']);
    expect(c.command).toEqual(['python', '/app/agent/main.py']);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/app/agent', name: 'code', readOnly: true }, { mountPath: '/cache', name: 'workspace' }]));
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1500m', memory: '1536Mi' } });
    expect(deployment.spec.replicas).toBeUndefined();
  });

  test('sets exactly the env vars the runtime reads, wired from handles', () => {
    const c = find(full.objects, 'Deployment', 'weather').spec.template.spec.containers[0];
    expect(envOf(c)).toEqual({
      MCP_MESH_REGISTRY_URL: 'http://mcp-mesh-registry.test.svc:8000',
      MCP_MESH_AGENT_NAME: 'weather',
      HOST: '0.0.0.0',
      MCP_MESH_HTTP_ENABLED: 'true',
      MCP_MESH_HTTP_HOST: 'weather.test.svc',
      MCP_MESH_HTTP_PORT: '8080',
      MCP_MESH_AUTO_RUN: 'true',
      MCP_MESH_AUTO_RUN_INTERVAL: '5',
      MCP_MESH_HEALTH_INTERVAL: '5',
      MCP_MESH_LOG_LEVEL: 'WARNING',
      POD_IP: { fieldRef: { fieldPath: 'status.podIP' } },
      MCP_MESH_DISTRIBUTED_TRACING_ENABLED: 'true',
      REDIS_URL: { secretKeyRef: { name: 'tracing-redis', key: 'url', optional: false } },
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      FORECAST_DAYS: '5',
      WEATHER_API_KEY: { secretKeyRef: { name: 'weather-api', key: 'token', optional: false } },
    });
    // The advertised host is the agent's own Service, so the registry routes to the Service.
    expect(find(full.objects, 'Service', 'weather').spec.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }]);
  });

  test('multi-file code keeps its tree through volume items', () => {
    const cm = find(full.objects, 'ConfigMap', 'weather-code');
    expect(Object.keys(cm.data).sort()).toEqual(['lib____init__.py', 'lib__forecast.py', 'main.py']);
    const volume = find(full.objects, 'Deployment', 'weather').spec.template.spec.volumes.find((v: any) => v.name === 'code');
    expect(volume.configMap.items).toEqual([
      { key: 'lib____init__.py', path: 'lib/__init__.py' },
      { key: 'lib__forecast.py', path: 'lib/forecast.py' },
      { key: 'main.py', path: 'main.py' },
    ]);
  });

  test('scales with an HPA and protects with a PDB and a ServiceMonitor of exactly one Service', () => {
    expect(find(full.objects, 'HorizontalPodAutoscaler', 'weather').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(find(full.objects, 'PodDisruptionBudget', 'weather').spec).toMatchObject({ maxUnavailable: 1 });
    expect(find(full.objects, 'ServiceMonitor', 'weather').spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(find(full.objects, 'PersistentVolumeClaim', 'weather-workspace').spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs' });
  });

  test('a PodMonitor instead of a ServiceMonitor when asked', () => {
    const { objects } = synthAgent({ name: 'a', code: { script: 'x' }, monitoring: { scrape: true }, scrapeWith: 'PodMonitor' });
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(find(objects, 'PodMonitor', 'a').spec).toMatchObject({ selector: { matchLabels: { 'app.kubernetes.io/instance': 'a' } }, podMetricsEndpoints: [{ port: 'http', path: '/metrics' }] });
    expect(schema.validate(find(objects, 'PodMonitor', 'a'))).toEqual([]);
  });

  test('an existing ConfigMap is referenced, declared external and never rendered', () => {
    const { objects, externals } = synthAgent({ name: 'a', code: AgentCodeSource.fromConfigMap('a-src', 'agent.py') });
    expect(ofKind(objects, 'ConfigMap')).toHaveLength(1); // the registry's own
    expect(externals.ConfigMap).toEqual(['a-src']);
    expect(find(objects, 'Deployment', 'a').spec.template.spec.containers[0].command).toEqual(['python', '/app/agent/agent.py']);
    expect(checkInvariants(objects, externals)).toEqual([]);
  });

  test('a custom image runs its own entrypoint, or the command override', () => {
    const own = synthAgent({ name: 'a', code: AgentCodeSource.fromImage('ghcr.io/acme/agent:1.2.0') });
    const c = find(own.objects, 'Deployment', 'a').spec.template.spec.containers[0];
    expect([c.image, c.command, c.volumeMounts.map((m: any) => m.name)]).toEqual(['ghcr.io/acme/agent:1.2.0', undefined, ['tmp']]);
    const custom = synthAgent({ name: 'b', code: { image: 'ghcr.io/acme/agent:1.2.0' }, command: ['python', '-m', 'acme.agent'] });
    expect(find(custom.objects, 'Deployment', 'b').spec.template.spec.containers[0].command).toEqual(['python', '-m', 'acme.agent']);
  });

  test('a ReadWriteOnce workspace with one pod recreates instead of surging', () => {
    const { objects } = synthAgent({ name: 'db', code: { script: 'x' }, persistence: { size: '1Gi' } });
    expect(find(objects, 'Deployment', 'db').spec.strategy).toEqual({ type: 'Recreate' });
    expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
  });

  test('reads a directory of files (multi-file agent), skipping caches', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-code-'));
    try {
      fs.mkdirSync(path.join(dir, 'pkg', '__pycache__'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'main.py'), 'import pkg.tools');
      fs.writeFileSync(path.join(dir, 'pkg', 'tools.py'), 'def f(): pass');
      fs.writeFileSync(path.join(dir, 'pkg', '__pycache__', 'tools.cpython-311.pyc'), 'x');
      fs.writeFileSync(path.join(dir, '.env'), 'SECRET=1');
      expect(AgentCodeSource.fromDirectory(dir)).toEqual({ files: { entrypoint: 'main.py', contents: { 'main.py': 'import pkg.tools', 'pkg/tools.py': 'def f(): pass' } } });
      expect(() => AgentCodeSource.fromDirectory(dir, 'app.py')).toThrow(`agent code directory ${dir} has no entrypoint app.py (files: main.py, pkg/tools.py)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('monitoring objects carry the Prometheus selector labels and one agent\'s dashboard', () => {
    const monitors = full.objects.filter(o => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind));
    expect(monitors.map(o => [o.kind, o.metadata.labels?.release])).toEqual([['ServiceMonitor', 'kube-prometheus-stack'], ['PrometheusRule', 'kube-prometheus-stack']]);
    const rule = find(full.objects, 'PrometheusRule', 'weather');
    expect((rule.spec as any).groups[0].rules.map((r: any) => r.alert)).toEqual(['McpAgentDown', 'McpAgentDegraded', 'McpAgentRestarting', 'McpAgentMetricsMissing']);
    expect(find(full.objects, 'ConfigMap', 'weather-dashboard').metadata.labels?.grafana_dashboard).toBe('1');
  });
});
