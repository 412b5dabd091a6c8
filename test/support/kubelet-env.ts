/**
 * A container's effective environment, command and args built from rendered manifests the
 * way the kubelet builds them (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables and
 * third_party/forked/golang/expansion), so a test can start the real program exactly as a
 * pod would:
 *
 * 1. `envFrom` in order (ConfigMap `data` / decoded Secret data, with `prefix`; a missing
 *    non-optional source is an error; keys that are not valid variable names are skipped);
 * 2. `env` in order: `value` with `$(VAR)` expanded against what is defined so far and the
 *    service variables; `valueFrom` configMapKeyRef / secretKeyRef (optional handling),
 *    fieldRef, resourceFieldRef (never expanded); later definitions win;
 * 3. service link variables (`<SVC>_SERVICE_HOST`, `<SVC>_PORT_<n>_TCP`... for every Service
 *    with a cluster IP in the namespace when `enableServiceLinks` is not false, plus the
 *    `kubernetes` Service) added where not already defined;
 * 4. `command` and `args` expanded against the final environment.
 *
 * Anything the kubelet would refuse (CreateContainerConfigError) throws a {@link KubeletError}.
 */
import { K8sObject } from './invariants';
import { configMapData, configMapHasStringKey, ContainerRef, fieldRefValue, findContainer, KubeletError, PodFacts, ResolvedPod, resolvePod, resourceFieldValue, secretData } from './kubelet-pod';

import { materializeVolumes, MaterializedVolumes, MaterializeOptions } from './kubelet-volumes';

export { KubeletError } from './kubelet-pod';
export type { ContainerRef, PodFacts, ResolvedPod } from './kubelet-pod';
export { materializeVolumes } from './kubelet-volumes';
export type { MaterializedVolumes, MaterializeOptions } from './kubelet-volumes';

/** A container's environment and expanded command line. */
export interface KubeletEnvironment {
  readonly pod: ResolvedPod;
  /** The container spec as rendered. */
  readonly container: any;
  /** Final variables, in the order they were first defined. */
  readonly env: Record<string, string>;
  /** envFrom keys skipped because they are not valid variable names (the kubelet emits an event). */
  readonly skippedKeys: string[];
  /** `command` with `$(VAR)` expanded; undefined when the image ENTRYPOINT applies. */
  readonly command?: string[];
  /** `args` with `$(VAR)` expanded; undefined when the image CMD applies. */
  readonly args?: string[];
  /**
   * The process argv: command + args, or the image's ENTRYPOINT/CMD where the container
   * does not override them (Kubernetes: `command` replaces ENTRYPOINT and drops CMD).
   * @throws KubeletError when nothing says what to run
   */
  argv(image?: { entrypoint?: string[]; cmd?: string[] }): string[];
}

/** Options of {@link kubeletEnvironment}. */
export interface KubeletEnvironmentOptions {
  readonly facts?: PodFacts;
  /** Add service link and `kubernetes` Service variables. @default true */
  readonly serviceLinks?: boolean;
}

/** The effective environment of `ref.container` in the rendered `objects`. */
export function kubeletEnvironment(objects: K8sObject[], ref: ContainerRef, options: KubeletEnvironmentOptions = {}): KubeletEnvironment {
  const pod = resolvePod(objects, ref, options.facts);
  const container = findContainer(pod, ref.container);
  const env = new Map<string, string>();
  const skippedKeys: string[] = [];
  const services = (options.serviceLinks ?? true) ? serviceLinkEnv(pod) : new Map<string, string>();

  for (const source of container.envFrom ?? []) {
    for (const [key, value] of Object.entries(envFromSource(pod, source))) {
      const name = `${source.prefix ?? ''}${key}`;
      if (!ENV_NAME.test(name)) skippedKeys.push(name);
      else env.set(name, value);
    }
  }
  for (const v of container.env ?? []) {
    if (!v.name) throw new KubeletError('env entry without a name');
    const value = v.valueFrom ? valueFrom(pod, container.name, v.name, v.valueFrom) : expand(v.value ?? '', lookup(env, services));
    if (value !== undefined) env.set(v.name, value);
  }
  for (const [k, v] of services) if (!env.has(k)) env.set(k, v);

  const final = lookup(env, new Map());
  const command = container.command?.map((s: string) => expand(s, final));
  const args = container.args?.map((s: string) => expand(s, final));
  return {
    pod,
    container,
    env: Object.fromEntries(env),
    skippedKeys,
    command,
    args,
    argv: image => {
      const entry = command ?? image?.entrypoint ?? [];
      const rest = args ?? (command ? [] : image?.cmd ?? []);
      const argv = [...entry, ...rest];
      if (argv.length === 0) throw new KubeletError(`container "${container.name}" sets no command and no image entrypoint was given`);
      return argv;
    },
  };
}

/** A container ready to run locally: its environment, command line and volumes on disk. */
export interface KubeletContainer extends KubeletEnvironment {
  readonly volumes: MaterializedVolumes;
  /** Deletes the volumes' temp dir. */
  cleanup(): void;
}

/** {@link kubeletEnvironment} plus {@link materializeVolumes} for one container. */
export function kubeletContainer(objects: K8sObject[], ref: ContainerRef, options: KubeletEnvironmentOptions & MaterializeOptions = {}): KubeletContainer {
  const environment = kubeletEnvironment(objects, ref, options);
  const volumes = materializeVolumes(objects, ref, options);
  return { ...environment, volumes, cleanup: volumes.cleanup };
}

/** A Secret object as the API server stores it (`data` base64), for references a chart expects to exist. */
export function fakeSecret(name: string, data: Record<string, string>, namespace?: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, ...(namespace ? { namespace } : {}) }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
}

/** A ConfigMap object. */
export function fakeConfigMap(name: string, data: Record<string, string>, namespace?: string): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data };
}

// utilvalidation.IsEnvVarName: the rule envFrom keys are checked against.
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function envFromSource(pod: ResolvedPod, source: any): Record<string, string> {
  if (source.configMapRef) {
    const { name, optional } = source.configMapRef;
    const cm = pod.objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!cm) {
      if (optional) return {};
      throw new KubeletError(`configmap "${name}" not found (envFrom in namespace ${pod.namespace})`);
    }
    return { ...(cm.data ?? {}) };
  }
  if (source.secretRef) {
    const { name, optional } = source.secretRef;
    const data = secretData(pod, name);
    if (!data) {
      if (optional) return {};
      throw new KubeletError(`secret "${name}" not found (envFrom in namespace ${pod.namespace})`);
    }
    return data;
  }
  throw new KubeletError(`envFrom entry without configMapRef or secretRef: ${JSON.stringify(source)}`);
}

/** A `valueFrom` value, or undefined when an optional reference is missing (the variable is then not set). */
function valueFrom(pod: ResolvedPod, containerName: string, varName: string, from: any): string | undefined {
  if (from.configMapKeyRef) {
    const { name, key } = from.configMapKeyRef;
    // Env reads a ConfigMap's `data` only, never `binaryData`.
    return keyRefValue(pod, 'ConfigMap', from.configMapKeyRef, varName, configMapData(pod, name), configMapHasStringKey(pod, name, key));
  }
  if (from.secretKeyRef) {
    const data = secretData(pod, from.secretKeyRef.name);
    return keyRefValue(pod, 'Secret', from.secretKeyRef, varName, data, data !== undefined && from.secretKeyRef.key in data);
  }
  if (from.fieldRef) return fieldRefValue(pod, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) return resourceFieldValue(pod, containerName, from.resourceFieldRef);
  throw new KubeletError(`env ${varName}: unsupported valueFrom ${JSON.stringify(from)}`);
}

function keyRefValue(pod: ResolvedPod, kind: string, ref: { name: string; key: string; optional?: boolean }, varName: string, data: Record<string, string> | undefined, hasKey: boolean): string | undefined {
  if (!data) {
    if (ref.optional) return undefined;
    throw new KubeletError(`${kind.toLowerCase()} "${ref.name}" not found (env ${varName})`);
  }
  if (!hasKey) {
    if (ref.optional) return undefined;
    throw new KubeletError(`couldn't find key ${ref.key} in ${kind} ${pod.namespace}/${ref.name} (env ${varName})`);
  }
  return data[ref.key];
}

function lookup(...contexts: Map<string, string>[]): (name: string) => string | undefined {
  return name => {
    for (const c of contexts) if (c.has(name)) return c.get(name);
    return undefined;
  };
}

/**
 * Kubernetes `$(VAR)` expansion: `$(NAME)` becomes the value when NAME is defined and stays
 * literally `$(NAME)` otherwise; `$$` is an escaped `$`; a `$` before anything else, and an
 * unterminated `$(`, are kept as written.
 */
export function expand(input: string, mapping: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')');
      if (close > 0) {
        const name = rest.slice(1, close);
        out += mapping(name) ?? `$(${name})`;
        cursor += close;
      } else {
        out += '$(';
      }
    } else {
      out += `$${rest[0]}`;
    }
    cursor += 1;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

// Fake cluster IPs for Services that do not pin one, stable per name within a run.
const KUBERNETES_SERVICE = { name: 'kubernetes', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] };

/** pkg/kubelet/envvars FromServices: variables for the namespace's Services and the master Service. */
function serviceLinkEnv(pod: ResolvedPod): Map<string, string> {
  const out = new Map<string, string>();
  const services: any[] = [];
  if (pod.spec.enableServiceLinks !== false) {
    let n = 10;
    for (const s of pod.objects.filter(o => o.kind === 'Service')) {
      n += 1;
      const ip = s.spec?.clusterIP ?? `10.96.${Math.floor(n / 250)}.${n % 250}`;
      if (ip === 'None' || s.spec?.type === 'ExternalName' || !s.spec?.ports?.length) continue;
      services.push({ name: s.metadata.name, clusterIP: ip, ports: s.spec.ports });
    }
  }
  // The master Service comes from the default namespace and is always injected.
  if (!services.some(s => s.name === 'kubernetes')) services.push(KUBERNETES_SERVICE);
  for (const s of services) {
    const name = envName(s.name);
    out.set(`${name}_SERVICE_HOST`, s.clusterIP);
    out.set(`${name}_SERVICE_PORT`, String(s.ports[0].port));
    for (const p of s.ports) if (p.name) out.set(`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
    const url = (p: any) => `${(p.protocol ?? 'TCP').toLowerCase()}://${s.clusterIP}:${p.port}`;
    out.set(`${name}_PORT`, url(s.ports[0]));
    for (const p of s.ports) {
      const protocol = (p.protocol ?? 'TCP').toUpperCase();
      const prefix = `${name}_PORT_${p.port}_${protocol}`;
      out.set(prefix, url(p));
      out.set(`${prefix}_PROTO`, protocol.toLowerCase());
      out.set(`${prefix}_PORT`, String(p.port));
      out.set(`${prefix}_ADDR`, s.clusterIP);
    }
  }
  return out;
}

const envName = (s: string) => s.toUpperCase().replace(/-/g, '_');
