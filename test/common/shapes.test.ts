import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { createAutoscaler, resolveAutoscaling } from '../../src/common/autoscaling';
import { PodDisruptionBudget } from '../../src/common/disruption-budget';
import { McpConfigError } from '../../src/common/errors';
import { ImageReference } from '../../src/common/image';
import { createIngress, mergeIngressOptions } from '../../src/common/ingress';
import { applyPodTemplateOptions } from '../../src/common/pod-template';
import { cpuMillicores, formatBytes, parseQuantity, quantityBytes } from '../../src/common/quantity';
import { resolveResources } from '../../src/common/resources';
import { applyScheduling } from '../../src/common/scheduling';
import { validateCidr, validateSemverRange, validateTimeZone } from '../../src/common/validation';
import { K8sObject } from '../support/invariants';
import { find } from '../support/synth';

const DEFAULTS = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'test', disableResourceNameHashes: true });
}

function error(fn: () => unknown): McpConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof McpConfigError) return e;
    throw new Error(`expected McpConfigError, got ${String(e)}`);
  }
  throw new Error('expected McpConfigError, nothing was thrown');
}

describe('Kubernetes quantities', () => {
  test.each<[string | number, number | undefined]>([
    ['500m', 0.5], ['2', 2], ['0.25', 0.25], [2, 2], ['512Mi', 512 * 2 ** 20], ['1Gi', 2 ** 30], ['1G', 1e9], ['1e3', 1000], ['.5', 0.5],
    ['2 cores', undefined], ['-1', undefined], ['1GB', undefined], ['', undefined], [-1, undefined],
  ])('%p parses to %p', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  test('CPU in millicores; "2 cores" and 0.1m are refused with the fix', () => {
    const c = chart();
    expect(cpuMillicores(c, 'cpu', '1.5')).toBe(1500);
    expect(cpuMillicores(c, 'cpu', '250m')).toBe(250);
    const e = error(() => cpuMillicores(c, 'resources.limits.cpu', '2 cores'));
    expect(e.message).toBe('test: invalid resources.limits.cpu "2 cores": use a CPU quantity of at least 1m: millicores such as \'250m\', or cores such as \'1\' or \'0.5\'');
    expect(() => cpuMillicores(c, 'cpu', '0.1m')).toThrow(/at least 1m/);
  });

  test('storage below the minimum and fractional bytes are refused; bytes format with the largest exact binary suffix', () => {
    const c = chart();
    expect(() => quantityBytes(c, 'storage.size', '-5Gi', 'storage')).toThrow(/invalid storage.size "-5Gi": use a storage quantity/);
    expect(() => quantityBytes(c, 'm', '0.5', 'memory')).toThrow(McpConfigError);
    expect([formatBytes(2 ** 30), formatBytes(1536 * 2 ** 20), formatBytes(100)]).toEqual(['1Gi', '1536Mi', '100']);
  });
});

describe('resources: one vocabulary (Kubernetes quantities), merged over component defaults', () => {
  test('fields left out keep the defaults; cores and Gi are converted', () => {
    const r = resolveResources(chart(), 'resources', { limits: { cpu: '2', memory: '1Gi' } }, DEFAULTS);
    expect([r.cpu?.request?.amount, r.cpu?.limit?.amount, r.memory?.request?.toMebibytes(), r.memory?.limit?.toMebibytes()]).toEqual(['100m', '2000m', 128, 1024]);
  });

  test.each<[string, object, RegExp]>([
    ['CPU request above limit', { requests: { cpu: '1' } }, /invalid resources.requests.cpu "1": the request may not exceed the limit "500m": lower resources.requests.cpu or raise resources.limits.cpu/],
    ['memory request above limit', { requests: { memory: '1Gi' } }, /invalid resources.requests.memory "1Gi": the request may not exceed the limit "512Mi"/],
    ['fractional MiB', { limits: { memory: '1.5Mi' } }, /invalid resources.limits.memory "1.5Mi": use a whole number of MiB/],
    ['not a quantity', { limits: { cpu: '2 cores' } }, /invalid resources.limits.cpu "2 cores"/],
  ])('%s is refused', (_label, value, message) => {
    expect(() => resolveResources(chart(), 'resources', value, DEFAULTS)).toThrow(message);
  });
});

describe('autoscaling: one shape, one HPA', () => {
  test('defaults and the component override order', () => {
    expect(resolveAutoscaling(chart(), 'autoscaling', { maxReplicas: 5 })).toEqual({
      minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 70, targetMemoryUtilizationPercent: 80, scaleDownStabilizationSeconds: 300,
    });
    expect(resolveAutoscaling(chart(), 'autoscaling', { maxReplicas: 5 }, { targetCpuUtilizationPercent: 60 })?.targetCpuUtilizationPercent).toBe(60);
    expect(resolveAutoscaling(chart(), 'autoscaling', { maxReplicas: 5, enabled: false })).toBeUndefined();
    expect(resolveAutoscaling(chart(), 'autoscaling', undefined)).toBeUndefined();
  });

  test.each<[object, RegExp]>([
    [{ minReplicas: 4, maxReplicas: 3 }, /invalid autoscaling.minReplicas 4: use at most autoscaling.maxReplicas \(3\)/],
    [{ maxReplicas: 3, targetCpuUtilizationPercent: 150 }, /invalid autoscaling.targetCpuUtilizationPercent 150: use a whole number between 1 and 100/],
    [{ maxReplicas: 0 }, /invalid autoscaling.maxReplicas 0/],
  ])('%p is refused', (value, message) => {
    expect(() => resolveAutoscaling(chart(), 'autoscaling', value as never)).toThrow(message);
  });

  test('the HPA targets the workload and scales down slowly', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'd', { metadata: { name: 'api' }, containers: [{ image: 'x:1', resources: {} }] });
    createAutoscaler(c, 'hpa', { metadata: { name: 'api' }, target: d, autoscaling: resolveAutoscaling(c, 'autoscaling', { maxReplicas: 4 })! });
    const hpa = find(Testing.synth(c) as K8sObject[], 'HorizontalPodAutoscaler', 'api');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'api' });
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(hpa.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name)).toEqual(['cpu', 'memory']);
  });
});

describe('disruption budget', () => {
  const render = (budget: object | undefined, minReplicas = 3) => {
    const c = chart();
    new PodDisruptionBudget(c, 'pdb', { metadata: { name: 'api' }, selector: { app: 'api' }, minReplicas, budget });
    return find(Testing.synth(c) as K8sObject[], 'PodDisruptionBudget', 'api');
  };
  test('maxUnavailable 1 by default, never blocking evictions of unhealthy pods', () => {
    expect(render(undefined).spec).toEqual({ selector: { matchLabels: { app: 'api' } }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(render({ minAvailable: 2 }).spec.minAvailable).toBe(2);
    expect(PodDisruptionBudget.applies(undefined, 1)).toBe(false);
    expect(PodDisruptionBudget.applies({ enabled: false }, 3)).toBe(false);
  });
  test.each<[object, RegExp]>([
    [{ maxUnavailable: 0 }, /^test: invalid podDisruptionBudget.maxUnavailable 0: use 1 or more/],
    [{ minAvailable: 3 }, /^test: invalid podDisruptionBudget.minAvailable 3: use a whole number from 1 to 2/],
    [{ minAvailable: 1, maxUnavailable: 1 }, /invalid podDisruptionBudget .*set only one of minAvailable and maxUnavailable/],
  ])('%p is refused', (budget, message) => {
    expect(() => render(budget)).toThrow(message);
  });
});

describe('ingress: one TLS meaning', () => {
  const render = (options: object) => {
    const c = chart();
    const svc = new kplus.Service(c, 'svc', { metadata: { name: 'api' }, ports: [{ port: 80 }] });
    createIngress(c, 'ingress', { metadata: { name: 'api' }, options, paths: [{ path: '/mcp', pathType: kplus.HttpIngressPathType.PREFIX, service: svc, port: 80 }] });
    return find(Testing.synth(c) as K8sObject[], 'Ingress', 'api');
  };
  test('a ClusterIssuer annotates for cert-manager and writes into <name>-tls; only the given paths are routed', () => {
    const ing = render({ host: 'api.example.com', tls: { clusterIssuer: 'letsencrypt' } });
    expect(ing.metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
    expect(ing.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'api-tls' }]);
    expect(ing.spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(['/mcp']);
  });
  test('without a host the error says how to set one (no TypeError)', () => {
    expect(() => render({ tls: { clusterIssuer: 'x' } })).toThrow(/^test: invalid ingress.host \(unset\): set ingress.host/);
    expect(() => render({ host: 'a.example.com', tls: {} })).toThrow(/invalid ingress.tls \{\}: set tls.clusterIssuer/);
  });
  test('environment defaults: host prefix, issuer dropped without cert-manager unless a Secret is named', () => {
    expect(mergeIngressOptions(undefined, { host: 'example.com', tls: { clusterIssuer: 'le' } }, 'edge', false)).toEqual({ host: 'edge.example.com', className: undefined, tls: undefined });
    expect(mergeIngressOptions({ enabled: false }, { host: 'example.com' }, 'edge', true)).toBeUndefined();
  });
});

describe('scheduling and pod template options', () => {
  const render = (scheduling: object, pod: object) => {
    const c = chart();
    const sa = new kplus.ServiceAccount(c, 'sa', { metadata: { name: 'api' } });
    const d = new kplus.Deployment(c, 'd', { metadata: { name: 'api' }, serviceAccount: sa });
    const container = d.addContainer({ name: 'api', image: 'x:1', resources: {} });
    applyScheduling(c, 'scheduling', d, { app: 'api' }, scheduling, false);
    applyPodTemplateOptions(c, '', { workload: d, container, serviceAccount: sa, reservedEnv: ['PORT'] }, pod);
    const objects = Testing.synth(c) as K8sObject[];
    return { pod: find(objects, 'Deployment', 'api').spec.template, sa: find(objects, 'ServiceAccount', 'api') };
  };
  test('every field lands where the pod spec has it', () => {
    const { pod, sa } = render(
      { nodeSelector: { pool: 'mcp' }, tolerations: [{ key: 'dedicated', value: 'mcp', effect: 'NoSchedule' }], priorityClassName: 'high', topologySpread: true, affinity: { nodeAffinity: {} } },
      { imagePullSecrets: ['regcred'], podLabels: { team: 'a' }, podAnnotations: { 'x/y': 'z' }, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/r' },
        extraEnv: [{ name: 'A', value: '1' }, { name: 'B', secretKeyRef: { secretName: 's', key: 'k' } }], extraVolumes: [{ name: 'certs', mountPath: '/etc/certs', secret: 'certs' }] },
    );
    expect(pod.spec.nodeSelector).toEqual({ pool: 'mcp' });
    expect(pod.spec.tolerations).toEqual([{ key: 'dedicated', value: 'mcp', effect: 'NoSchedule' }]);
    expect(pod.spec.priorityClassName).toBe('high');
    expect(pod.spec.affinity).toEqual({ nodeAffinity: {} });
    expect(pod.spec.topologySpreadConstraints).toHaveLength(2);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.metadata.labels.team).toBe('a');
    expect(pod.metadata.annotations['x/y']).toBe('z');
    expect(sa.metadata.annotations!['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::1:role/r');
    const c = pod.spec.containers[0];
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } }]);
    expect(c.volumeMounts).toEqual([{ name: 'certs', mountPath: '/etc/certs', readOnly: true }]);
    expect(pod.spec.volumes).toEqual([{ name: 'certs', secret: { secretName: 'certs' } }]);
  });
  test.each<[object, object, RegExp]>([
    [{}, { extraEnv: [{ name: 'PORT', value: '1' }] }, /invalid extraEnv\[0\].name "PORT": the component sets this variable itself/],
    [{}, { extraEnv: [{ name: 'A' }] }, /invalid extraEnv\[0\] .*set exactly one of value, secretKeyRef/],
    [{}, { extraVolumes: [{ name: 'v', mountPath: 'rel', secret: 's' }] }, /invalid extraVolumes\[0\].mountPath "rel": use an absolute path/],
    [{ tolerations: [{ operator: 'Exists', value: 'x' }] }, {}, /invalid scheduling.tolerations\[0\].value "x"/],
    [{ nodeSelector: { 'bad key!': 'x' } }, {}, /invalid scheduling.nodeSelector key "bad key!"/],
  ])('bad input %#', (scheduling, pod, message) => {
    expect(() => render(scheduling, pod)).toThrow(message);
  });
});

describe('value checks', () => {
  test('IANA time zones, CIDRs, semver ranges and digests', () => {
    const c = chart();
    expect(validateTimeZone(c, 'tz', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimeZone(c, 'tz', 'Etc/UTC')).toBe('Etc/UTC');
    expect(() => validateTimeZone(c, 'backup.timeZone', 'Mars/Olympus')).toThrow(/invalid backup.timeZone "Mars\/Olympus": use an IANA time zone name/);
    expect(validateCidr(c, 'cidr', '10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(validateCidr(c, 'cidr', 'fd00::/8')).toBe('fd00::/8');
    for (const bad of ['10.0.0.0/33', '10.0.0.0', '300.0.0.0/8', 'fd00::/129']) expect(() => validateCidr(c, 'cidr', bad)).toThrow(/CIDR notation/);
    expect(validateSemverRange(c, 'v', '>=3.0.0')).toBe('>=3.0.0');
    expect(() => validateSemverRange(c, 'dependencies[0].version', 'three')).toThrow(/use a semver range/);
    expect(ImageReference.parse(`r/x@sha256:${'a'.repeat(64)}`).digest).toBe(`sha256:${'a'.repeat(64)}`);
    expect(() => ImageReference.parse(`r/x@sha256:${'a'.repeat(40)}`)).toThrow(/malformed digest/);
  });
});
