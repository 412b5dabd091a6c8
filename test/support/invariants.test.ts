// The shared invariants must be able to fail: break one rule at a time and expect it reported.
import { devEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { checkInvariants, K8sObject } from './invariants';
import { SchemaValidator } from './schema';
import { synthEnvironment } from './synth';

const base = synthEnvironment(stagingEnvironment());
const clone = (): K8sObject[] => JSON.parse(JSON.stringify(base.objects));
const get = (objs: K8sObject[], kind: string, name = 'mcp-mesh-registry') => objs.find(o => o.kind === kind && o.metadata.name === name)!;
const podSpec = (objs: K8sObject[]) => get(objs, 'StatefulSet').spec.template.spec;

test('the unmodified chart is clean', () => {
  expect(checkInvariants(base.objects, base.externals)).toEqual([]);
});

test.each<[string, (o: K8sObject[]) => void, RegExp]>([
  ['selector not matching pods', o => { get(o, 'StatefulSet').spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'; }, /StatefulSet\/mcp-mesh-registry: selector .* does not match its pod labels/],
  ['selector on the version label', o => { get(o, 'StatefulSet').spec.selector.matchLabels['app.kubernetes.io/version'] = '3.6.0'; }, /selector uses unstable label app.kubernetes.io\/version/],
  ['cdk8s address label on pods', o => { get(o, 'StatefulSet').spec.template.metadata.labels['cdk8s.io/metadata.addr'] = 'x'; }, /pod template carries cdk8s.io\/metadata.addr/],
  ['Service selecting nothing', o => { get(o, 'Service').spec.selector['app.kubernetes.io/component'] = 'nope'; }, /Service\/mcp-mesh-registry: selector .* matches no pod template/],
  ['Service targeting a missing named port', o => { get(o, 'Service').spec.ports[0].targetPort = 'web'; }, /targetPort web is not a container port/],
  ['probe on an undeclared port', o => { podSpec(o).containers[0].livenessProbe.httpGet.port = 8080; }, /livenessProbe targets port 8080/],
  ['missing ConfigMap', o => { podSpec(o).containers[0].envFrom[0].configMapRef.name = 'ghost'; }, /references ConfigMap ghost/],
  ['undeclared Secret', o => { podSpec(o).containers[0].env.find((e: any) => e.valueFrom?.secretKeyRef).valueFrom.secretKeyRef.name = 'ghost'; }, /references Secret ghost, which is neither rendered nor declared external/],
  ['missing ServiceAccount', o => { podSpec(o).serviceAccountName = 'ghost'; }, /references ServiceAccount ghost/],
  ['missing PVC', o => { get(o, 'CronJob', 'mcp-mesh-registry-backup').spec.jobTemplate.spec.template.spec.volumes[1].persistentVolumeClaim.claimName = 'ghost'; }, /references PersistentVolumeClaim ghost/],
  ['privilege escalation', o => { podSpec(o).containers[0].securityContext.allowPrivilegeEscalation = true; }, /allowPrivilegeEscalation is not false/],
  ['capabilities kept', o => { podSpec(o).containers[0].securityContext.capabilities.drop = []; }, /does not drop ALL capabilities/],
  ['no seccomp profile', o => { delete podSpec(o).securityContext.seccompProfile; }, /seccompProfile is not RuntimeDefault/],
  ['running as root', o => { podSpec(o).securityContext.runAsUser = 0; delete podSpec(o).containers[0].securityContext.runAsUser; }, /runs as (root|UID 0)/],
  ['writable root filesystem', o => { podSpec(o).containers[0].securityContext.readOnlyRootFilesystem = false; }, /root filesystem is writable/],
  ['hostPath volume', o => { podSpec(o).volumes.push({ name: 'h', hostPath: { path: '/' } }); }, /volume h of type hostPath is not allowed/],
  ['no resource limits', o => { delete podSpec(o).containers[0].resources.limits; }, /no limits.cpu/],
  ['latest image', o => { podSpec(o).containers[0].image = 'mcpmesh/registry:latest'; }, /image mcpmesh\/registry:latest is not pinned/],
  ['pull policy Always', o => { podSpec(o).containers[0].imagePullPolicy = 'Always'; }, /imagePullPolicy Always/],
  ['no config checksum', o => { delete get(o, 'StatefulSet').spec.template.metadata.annotations['checksum/config']; }, /consumes ConfigMap mcp-mesh-registry-config but has no checksum\/config/],
  ['PDB blocking drains', o => { get(o, 'PodDisruptionBudget').spec = { ...get(o, 'PodDisruptionBudget').spec, maxUnavailable: 0 }; }, /maxUnavailable 0 blocks node drains/],
  ['PDB selecting nothing', o => { get(o, 'PodDisruptionBudget').spec.selector.matchLabels = { x: 'y' }; }, /selector matches 0 workloads/],
  ['NetworkPolicy selecting nothing', o => { get(o, 'NetworkPolicy').spec.podSelector.matchLabels = { x: 'y' }; }, /podSelector matches no pod template/],
  ['ServiceMonitor matching two Services', o => { const copy = JSON.parse(JSON.stringify(get(o, 'Service', 'edge-mcp'))); copy.metadata.name = 'edge-mcp-copy'; o.push(copy); }, /selects 2 Services, expected exactly 1/],
  ['missing recommended label', o => { delete get(o, 'ConfigMap', 'mcp-mesh-registry-config').metadata.labels!['app.kubernetes.io/version']; }, /ConfigMap\/mcp-mesh-registry-config: missing labels app.kubernetes.io\/version/],
  ['missing namespace', o => { delete get(o, 'Service').metadata.namespace; }, /Service\/mcp-mesh-registry: no metadata.namespace/],
  ['duplicate object', o => { o.push(JSON.parse(JSON.stringify(get(o, 'Service')))); }, /Service\/mcp-mesh-registry: rendered twice/],
])('detects %s', (_label, breakIt, message) => {
  const objs = clone();
  breakIt(objs);
  expect(checkInvariants(objs, base.externals).join('\n')).toMatch(message);
});

test('the schema validator rejects unknown and mistyped fields', () => {
  const schema = new SchemaValidator();
  const objs = clone();
  podSpec(objs).containers[0].imagePullPolicyy = 'IfNotPresent';
  get(objs, 'StatefulSet').spec.replicas = 'three';
  const errors = schema.validate(get(objs, 'StatefulSet')).join('\n');
  expect(errors).toMatch(/must NOT have additional properties 'imagePullPolicyy'/);
  expect(errors).toMatch(/\/spec\/replicas must be integer/);
  expect(schema.validate({ apiVersion: 'v1', kind: 'Nope', metadata: { name: 'x' } })).toEqual(['Nope/x: no schema for v1/Nope']);
});

test('the schema validator checks custom resources against their CRD', () => {
  const sm = clone().find(o => o.kind === 'ServiceMonitor')!;
  sm.spec.endpoints[0].scheme = 'gopher';
  expect(new SchemaValidator().validate(sm).join('\n')).toMatch(/scheme must be equal to one of the allowed values/);
  expect(synthEnvironment(devEnvironment()).objects.length).toBeGreaterThan(0);
});
