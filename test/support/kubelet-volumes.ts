/**
 * Materialises a container's volumes from rendered manifests into a temp dir, the way the
 * kubelet's volume plugins lay them out, so a test can point the real program at the
 * rendered files: configMap / secret (items, defaultMode, item mode, optional), projected
 * (configMap, secret, downwardAPI, serviceAccountToken sources), downwardAPI, and an empty
 * directory for emptyDir, persistentVolumeClaim and ephemeral volumes. `subPath` mounts map
 * to the file or directory inside the volume.
 *
 * A missing non-optional ConfigMap, Secret or key throws a {@link KubeletError} (the pod
 * would never start: FailedMount / CreateContainerConfigError).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject } from './invariants';
import { configMapData, ContainerRef, fieldRefValue, findContainer, KubeletError, PodFacts, ResolvedPod, resolvePod, resourceFieldValue, secretData } from './kubelet-pod';

/** A container's volumes on the local disk. */
export interface MaterializedVolumes {
  /** Temp dir holding one directory per volume. */
  readonly root: string;
  /** Container mountPath -> local path, one per volumeMount. */
  readonly mounts: Record<string, string>;
  /**
   * The local path of a path inside the container, through the longest matching mount.
   * @throws KubeletError when no mount covers it
   */
  hostPath(containerPath: string): string;
  /** Replaces every mounted container path that occurs in `s` (as whole path components) by its local path. */
  rewrite(s: string): string;
  /** Deletes the temp dir. */
  cleanup(): void;
}

/** Options of {@link materializeVolumes}. */
export interface MaterializeOptions {
  readonly facts?: PodFacts;
  /** Where to create the temp dir. @default os.tmpdir() */
  readonly parentDir?: string;
  /** Content of projected serviceAccountToken files. @default a fake JWT-shaped string */
  readonly serviceAccountToken?: string;
}

const DEFAULT_MODE = 0o644;

/** Writes every volume `ref.container` mounts into a fresh temp dir. */
export function materializeVolumes(objects: K8sObject[], ref: ContainerRef, options: MaterializeOptions = {}): MaterializedVolumes {
  const pod = resolvePod(objects, ref, options.facts);
  const container = findContainer(pod, ref.container);
  const root = fs.mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), 'kubelet-volumes-'));
  try {
    const volumes = new Map<string, string>();
    const mounts: Record<string, string> = {};
    for (const m of container.volumeMounts ?? []) {
      const spec = podVolume(pod, m.name);
      if (!spec) throw new KubeletError(`volumeMount "${m.name}" of container "${container.name}" names no pod volume`);
      if (!volumes.has(m.name)) volumes.set(m.name, writeVolume(pod, container.name, spec, path.join(root, m.name), options));
      const subPath = m.subPath ?? '';
      if (m.subPathExpr) throw new KubeletError(`volumeMount "${m.name}": subPathExpr is not supported by this helper`);
      if (subPath.split('/').includes('..') || path.isAbsolute(subPath)) throw new KubeletError(`volumeMount "${m.name}": invalid subPath "${subPath}"`);
      mounts[m.mountPath] = path.join(volumes.get(m.name)!, subPath);
    }
    return mountsView(root, mounts);
  } catch (e) {
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** A pod volume, or the claim a StatefulSet's volumeClaimTemplates adds under that name. */
function podVolume(pod: ResolvedPod, name: string): any {
  const declared = (pod.spec.volumes ?? []).find((v: any) => v.name === name);
  if (declared) return declared;
  const claims = pod.workload.kind === 'StatefulSet' ? pod.workload.spec?.volumeClaimTemplates ?? [] : [];
  const claim = claims.find((c: any) => c.metadata?.name === name);
  return claim ? { name, persistentVolumeClaim: { claimName: `${name}-${pod.name}` } } : undefined;
}

function mountsView(root: string, mounts: Record<string, string>): MaterializedVolumes {
  const byLength = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const covering = (p: string) => byLength.find(m => p === m || p.startsWith(m.endsWith('/') ? m : `${m}/`));
  return {
    root,
    mounts,
    hostPath: p => {
      const m = covering(p);
      if (!m) throw new KubeletError(`no volumeMount covers ${p} (mounts: ${Object.keys(mounts).join(', ')})`);
      return path.join(mounts[m], p.slice(m.length));
    },
    rewrite: s => {
      if (byLength.length === 0) return s;
      // Whole path components only: /data must not touch /database or /x/data.
      const pattern = new RegExp(`(?<![\\w./-])(${byLength.map(escapeRegExp).join('|')})(?=$|[/\\s"',:;)\\]])`, 'g');
      return s.replace(pattern, m => mounts[m]);
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function writeVolume(pod: ResolvedPod, containerName: string, spec: any, dir: string, options: MaterializeOptions): string {
  fs.mkdirSync(dir, { recursive: true });
  const files = new Map<string, { content: string; mode: number }>();
  if (spec.configMap) {
    addKeyed(files, 'ConfigMap', spec.configMap.name, configMapData(pod, spec.configMap.name), spec.configMap, spec.configMap.defaultMode);
  } else if (spec.secret) {
    addKeyed(files, 'Secret', spec.secret.secretName, secretData(pod, spec.secret.secretName), spec.secret, spec.secret.defaultMode);
  } else if (spec.projected) {
    for (const source of spec.projected.sources ?? []) addProjected(files, pod, containerName, source, spec.projected.defaultMode, options);
  } else if (spec.downwardAPI) {
    addDownward(files, pod, containerName, spec.downwardAPI.items ?? [], spec.downwardAPI.defaultMode);
  } else if (!(spec.emptyDir || spec.persistentVolumeClaim || spec.ephemeral)) {
    throw new KubeletError(`volume "${spec.name}": unsupported volume type ${Object.keys(spec).filter(k => k !== 'name').join(', ')}`);
  }
  for (const [rel, f] of files) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.content, { mode: f.mode });
    fs.chmodSync(file, f.mode);
  }
  return dir;
}

function addKeyed(files: Map<string, { content: string; mode: number }>, kind: string, name: string, data: Record<string, string> | undefined, source: any, defaultMode?: number): void {
  if (!data) {
    if (source.optional) return;
    throw new KubeletError(`${kind.toLowerCase()} "${name}" not found (volume)`);
  }
  const mode = defaultMode ?? DEFAULT_MODE;
  if (!source.items) {
    for (const [k, v] of Object.entries(data)) files.set(k, { content: v, mode });
    return;
  }
  for (const item of source.items) {
    if (!(item.key in data)) {
      if (source.optional) continue;
      throw new KubeletError(`configured key ${item.key} not found in ${kind} ${name} (volume)`);
    }
    files.set(item.path, { content: data[item.key], mode: item.mode ?? mode });
  }
}

function addProjected(files: Map<string, { content: string; mode: number }>, pod: ResolvedPod, containerName: string, source: any, defaultMode: number | undefined, options: MaterializeOptions): void {
  if (source.configMap) addKeyed(files, 'ConfigMap', source.configMap.name, configMapData(pod, source.configMap.name), source.configMap, defaultMode);
  else if (source.secret) addKeyed(files, 'Secret', source.secret.name, secretData(pod, source.secret.name), source.secret, defaultMode);
  else if (source.downwardAPI) addDownward(files, pod, containerName, source.downwardAPI.items ?? [], defaultMode);
  else if (source.serviceAccountToken) {
    files.set(source.serviceAccountToken.path, { content: options.serviceAccountToken ?? 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl', mode: defaultMode ?? DEFAULT_MODE });
  } else if (source.clusterTrustBundle) {
    files.set(source.clusterTrustBundle.path, { content: '', mode: defaultMode ?? DEFAULT_MODE });
  } else throw new KubeletError(`unsupported projected source ${JSON.stringify(source)}`);
}

function addDownward(files: Map<string, { content: string; mode: number }>, pod: ResolvedPod, containerName: string, items: any[], defaultMode?: number): void {
  for (const item of items) {
    const content = item.fieldRef
      ? fieldRefValue(pod, item.fieldRef.fieldPath, true)
      : resourceFieldValue(pod, containerName, item.resourceFieldRef);
    files.set(item.path, { content, mode: item.mode ?? defaultMode ?? DEFAULT_MODE });
  }
}
