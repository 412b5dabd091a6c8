/**
 * The pieces of a rendered pod the kubelet looks at: the pod template of a workload, fake
 * facts the API server and scheduler would fill in, the ConfigMaps/Secrets the pod can see,
 * `fieldRef` and `resourceFieldRef` values, and quantities.
 *
 * Shared by kubelet-env.ts (environment, command, args) and kubelet-volumes.ts (volumes).
 */
import { K8sObject } from './invariants';

/** Raised where the kubelet would refuse to start the container (CreateContainerConfigError, FailedMount). */
export class KubeletError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'KubeletError';
  }
}

/** What the cluster would know about the running pod; every field has a fake default. */
export interface PodFacts {
  /** metadata.name. @default '<workload>-0' for a StatefulSet, '<workload>-7c9d8f6b5-x2x4q' otherwise */
  readonly name?: string;
  /** metadata.namespace when the workload has none. @default 'default' */
  readonly namespace?: string;
  /** metadata.uid. @default '00000000-0000-4000-8000-000000000001' */
  readonly uid?: string;
  /** status.podIP. @default '10.244.0.15' */
  readonly podIP?: string;
  /** status.hostIP. @default '192.168.49.2' */
  readonly hostIP?: string;
  /** spec.nodeName. @default 'node-1' */
  readonly nodeName?: string;
  /** Node allocatable, what limits.* report when the container sets no limit. @default { cpu: '2', memory: '8Gi', 'ephemeral-storage': '100Gi' } */
  readonly nodeAllocatable?: Record<string, string>;
}

/** Which container of which workload. */
export interface ContainerRef {
  /** metadata.name of the workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet or Pod). */
  readonly workload: string;
  /** Its kind, needed only when two workloads share the name. */
  readonly kind?: string;
  /** Name of a container or an init container. */
  readonly container: string;
}

/** A workload's pod as the kubelet sees it once scheduled. */
export interface ResolvedPod {
  readonly workload: K8sObject;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: any;
  readonly podIP: string;
  readonly hostIP: string;
  readonly nodeName: string;
  readonly serviceAccountName: string;
  readonly nodeAllocatable: Record<string, string>;
  /** Objects of the pod's namespace (objects without a namespace count as in it). */
  readonly objects: K8sObject[];
}

const TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Finds the workload and builds its pod with `facts` filled in. */
export function resolvePod(objects: K8sObject[], ref: Pick<ContainerRef, 'workload' | 'kind'>, facts: PodFacts = {}): ResolvedPod {
  const candidates = objects.filter(o => o.metadata?.name === ref.workload && (ref.kind ? o.kind === ref.kind : o.kind === 'Pod' || o.kind in TEMPLATE_PATHS));
  if (candidates.length === 0) throw new KubeletError(`no workload named "${ref.workload}"${ref.kind ? ` of kind ${ref.kind}` : ''}`);
  if (candidates.length > 1) throw new KubeletError(`several workloads named "${ref.workload}" (${candidates.map(o => o.kind).join(', ')}): pass kind`);
  const workload = candidates[0];
  const template = workload.kind === 'Pod' ? workload : (TEMPLATE_PATHS[workload.kind] ?? []).reduce((n: any, k) => n?.[k], workload);
  if (!template?.spec) throw new KubeletError(`${workload.kind}/${ref.workload} has no pod template`);
  const namespace = workload.metadata.namespace ?? facts.namespace ?? 'default';
  const name = facts.name ?? (workload.kind === 'Pod' ? workload.metadata.name : workload.kind === 'StatefulSet' ? `${ref.workload}-0` : `${ref.workload}-7c9d8f6b5-x2x4q`);
  return {
    workload,
    namespace,
    name,
    uid: facts.uid ?? '00000000-0000-4000-8000-000000000001',
    labels: { ...(template.metadata?.labels ?? {}) },
    annotations: { ...(template.metadata?.annotations ?? {}) },
    spec: template.spec,
    podIP: facts.podIP ?? '10.244.0.15',
    hostIP: facts.hostIP ?? '192.168.49.2',
    nodeName: facts.nodeName ?? 'node-1',
    // The API server defaults an empty serviceAccountName to "default".
    serviceAccountName: template.spec.serviceAccountName ?? template.spec.serviceAccount ?? 'default',
    nodeAllocatable: { 'cpu': '2', 'memory': '8Gi', 'ephemeral-storage': '100Gi', ...(facts.nodeAllocatable ?? {}) },
    objects: objects.filter(o => (o.metadata?.namespace ?? namespace) === namespace),
  };
}

/** The named container or init container of the pod. */
export function findContainer(pod: ResolvedPod, name: string): any {
  const all = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
  const c = all.find((x: any) => x.name === name);
  if (!c) throw new KubeletError(`${pod.workload.kind}/${pod.workload.metadata.name} has no container "${name}" (has ${all.map((x: any) => x.name).join(', ')})`);
  return c;
}

/** A ConfigMap's string data, or undefined when it does not exist. */
export function configMapData(pod: ResolvedPod, name: string): Record<string, string> | undefined {
  const cm = pod.objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!cm) return undefined;
  const binary = Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('latin1')]));
  return { ...binary, ...(cm.data ?? {}) };
}

/** Whether the key of a ConfigMap comes from `data` (env may only read `data`). */
export function configMapHasStringKey(pod: ResolvedPod, name: string, key: string): boolean {
  const cm = pod.objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === name);
  return cm?.data !== undefined && key in cm.data;
}

/** A Secret's decoded data (`data` is base64; `stringData` is merged over it, as the API server does on write). */
export function secretData(pod: ResolvedPod, name: string): Record<string, string> | undefined {
  const s = pod.objects.find(o => o.kind === 'Secret' && o.metadata.name === name);
  if (!s) return undefined;
  const decoded = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
  return { ...decoded, ...(s.stringData ?? {}) };
}

/** The value of a downward API `fieldRef` (env form: labels/annotations only subscripted). */
export function fieldRefValue(pod: ResolvedPod, fieldPath: string, allowWholeMaps = false): string {
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (subscript) return (subscript[1] === 'labels' ? pod.labels : pod.annotations)[subscript[2]] ?? '';
  const whole = (m: Record<string, string>) => Object.keys(m).sort().map(k => `${k}="${m[k].replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join('\n');
  switch (fieldPath) {
    case 'metadata.name': return pod.name;
    case 'metadata.namespace': return pod.namespace;
    case 'metadata.uid': return pod.uid;
    case 'spec.nodeName': return pod.nodeName;
    case 'spec.serviceAccountName': return pod.serviceAccountName;
    case 'status.podIP': case 'status.podIPs': return pod.podIP;
    case 'status.hostIP': case 'status.hostIPs': return pod.hostIP;
    case 'metadata.labels': case 'metadata.annotations':
      if (allowWholeMaps) return whole(fieldPath === 'metadata.labels' ? pod.labels : pod.annotations);
  }
  throw new KubeletError(`unsupported fieldRef fieldPath "${fieldPath}"`);
}

/**
 * The value of a `resourceFieldRef`: limits fall back to node allocatable, requests to the
 * limit (API server defaulting) or zero; the result is ceil(value / divisor), CPU in millicores.
 */
export function resourceFieldValue(pod: ResolvedPod, containerName: string, ref: { containerName?: string; resource: string; divisor?: string | number }): string {
  const container = findContainer(pod, ref.containerName ?? containerName);
  const [kind, resource] = ref.resource.split('.', 2) as ['limits' | 'requests', string];
  if ((kind !== 'limits' && kind !== 'requests') || !resource) throw new KubeletError(`unsupported resourceFieldRef resource "${ref.resource}"`);
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const raw = kind === 'limits' ? limits[resource] ?? pod.nodeAllocatable[resource] : requests[resource] ?? limits[resource] ?? '0';
  if (raw === undefined) throw new KubeletError(`no value for resourceFieldRef ${ref.resource}`);
  const divisor = parseQuantity(ref.divisor ?? '1');
  if (divisor <= 0) throw new KubeletError(`resourceFieldRef divisor must be positive, got ${ref.divisor}`);
  const value = parseQuantity(raw);
  if (resource === 'cpu') return String(Math.ceil(Math.round(value * 1000) / Math.round(divisor * 1000)));
  return String(Math.ceil(value / divisor));
}

const SUFFIX: Record<string, number> = {
  '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** A Kubernetes resource quantity (`500m`, `1.5`, `256Mi`, `1e3`) as a number. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) throw new KubeletError(`invalid quantity "${q}"`);
  return m[2] ? Number(m[1] + m[2]) : Number(m[1]) * SUFFIX[m[3] ?? ''];
}
