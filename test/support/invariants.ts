/**
 * Semantic assertions that hold for every chart this library renders, written once and run
 * over every environment and every component test. Each check returns violations as
 * readable strings, so a failing test says exactly which object broke which rule.
 */

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: any; [k: string]: any };

/** Objects a chart may reference without rendering them (kind -> names). */
export type Externals = Partial<Record<'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount', string[]>>;

const RECOMMENDED = ['name', 'instance', 'component', 'part-of', 'version', 'managed-by'].map(l => `app.kubernetes.io/${l}`);
const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';
const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer']);
const POD_SPEC_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** A pod template found in a workload, with where it came from. */
export interface PodTemplate {
  readonly owner: K8sObject;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: any;
}

const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const subset = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
const containersOf = (spec: any): any[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

/** Every pod template of the workloads in `objects`. */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects.flatMap(o => {
    const path = POD_SPEC_PATHS[o.kind];
    if (!path) return [];
    const tpl = path.reduce((x: any, k) => x?.[k], o);
    return [{ owner: o, labels: tpl?.metadata?.labels ?? {}, annotations: tpl?.metadata?.annotations ?? {}, spec: tpl.spec }];
  });
}

/** Runs every invariant; returns all violations (empty when the chart is sound). */
export function checkInvariants(objects: K8sObject[], externals: Externals = {}): string[] {
  return [
    ...checkMetadata(objects),
    ...checkSelectors(objects),
    ...checkServices(objects),
    ...checkProbes(objects),
    ...checkReferences(objects, externals),
    ...checkPodSecurity(objects),
    ...checkContainers(objects),
    ...checkConfigRollout(objects),
    ...checkPolicyTargets(objects),
  ];
}

/** Recommended labels on every object; a namespace on every namespaced object; no duplicates. */
export function checkMetadata(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) errors.push(`${id(o)}: rendered twice`);
    seen.add(key);
    if (CLUSTER_SCOPED.has(o.kind)) {
      if (o.metadata.namespace) errors.push(`${id(o)}: cluster-scoped object carries metadata.namespace`);
    } else if (!o.metadata.namespace) {
      errors.push(`${id(o)}: no metadata.namespace`);
    }
    if (o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition') continue;
    const missing = RECOMMENDED.filter(l => !o.metadata.labels?.[l]);
    if (missing.length) errors.push(`${id(o)}: missing labels ${missing.join(', ')}`);
  }
  return errors;
}

/** Workload selectors match their pod labels, use only stable labels, never cdk8s's address label. */
export function checkSelectors(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const t of podTemplates(objects)) {
    if (ADDRESS_LABEL in t.labels) errors.push(`${id(t.owner)}: pod template carries ${ADDRESS_LABEL}`);
    if (t.owner.kind === 'CronJob' || t.owner.kind === 'Job') continue;
    const sel = t.owner.spec.selector?.matchLabels ?? {};
    if (Object.keys(sel).length === 0) errors.push(`${id(t.owner)}: empty selector`);
    if (!subset(sel, t.labels)) errors.push(`${id(t.owner)}: selector ${JSON.stringify(sel)} does not match its pod labels`);
    for (const k of Object.keys(sel)) {
      if (k === ADDRESS_LABEL || k === 'app.kubernetes.io/version') errors.push(`${id(t.owner)}: selector uses unstable label ${k}`);
    }
  }
  return errors;
}

/** Each Service selects at least one pod template, and each targetPort names a port those pods expose. */
export function checkServices(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const templates = podTemplates(objects);
  for (const svc of objects.filter(o => o.kind === 'Service')) {
    const sel = svc.spec.selector ?? {};
    if (ADDRESS_LABEL in sel) errors.push(`${id(svc)}: selects on ${ADDRESS_LABEL}`);
    if (Object.keys(sel).length === 0) continue; // selector-less Services point at external endpoints
    const selected = templates.filter(t => subset(sel, t.labels));
    if (selected.length === 0) {
      errors.push(`${id(svc)}: selector ${JSON.stringify(sel)} matches no pod template`);
      continue;
    }
    for (const port of svc.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      for (const t of selected) {
        const ports = (t.spec.containers ?? []).flatMap((c: any) => c.ports ?? []);
        const ok = typeof target === 'string' ? ports.some((p: any) => p.name === target) : ports.some((p: any) => p.containerPort === target);
        if (!ok) errors.push(`${id(svc)}: targetPort ${target} is not a container port of ${id(t.owner)}`);
      }
    }
  }
  return errors;
}

/** HTTP and TCP probes hit a port the container declares. */
export function checkProbes(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const t of podTemplates(objects)) {
    for (const c of t.spec.containers ?? []) {
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const probe = c[kind];
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port === undefined) continue;
        const ok = (c.ports ?? []).some((p: any) => p.containerPort === port || p.name === port);
        if (!ok) errors.push(`${id(t.owner)}: container ${c.name} ${kind} targets port ${port}, which the container does not declare`);
      }
    }
  }
  return errors;
}

/**
 * Every ConfigMap, Secret, PVC and ServiceAccount a pod references exists in the chart, is produced
 * by an object of the chart (a Secret an ExternalSecret writes or the secret generator creates), or
 * is declared external.
 */
export function checkReferences(objects: K8sObject[], externals: Externals): string[] {
  const errors: string[] = [];
  const produced = producedSecrets(objects);
  const have = (kind: keyof Externals, name: string) =>
    objects.some(o => o.kind === kind && o.metadata.name === name) || (externals[kind] ?? []).includes(name) || (kind === 'PersistentVolumeClaim' && claimFromTemplate(objects, name))
    || (kind === 'Secret' && produced.has(name));
  const need = (owner: K8sObject, kind: keyof Externals, name: string | undefined, optional = false) => {
    if (name && !optional && !have(kind, name)) errors.push(`${id(owner)}: references ${kind} ${name}, which is neither rendered nor declared external`);
  };
  for (const t of podTemplates(objects)) {
    need(t.owner, 'ServiceAccount', t.spec.serviceAccountName);
    for (const v of t.spec.volumes ?? []) {
      need(t.owner, 'ConfigMap', v.configMap?.name, v.configMap?.optional);
      need(t.owner, 'Secret', v.secret?.secretName, v.secret?.optional);
      need(t.owner, 'PersistentVolumeClaim', v.persistentVolumeClaim?.claimName);
    }
    for (const c of containersOf(t.spec)) {
      for (const e of c.envFrom ?? []) {
        need(t.owner, 'ConfigMap', e.configMapRef?.name, e.configMapRef?.optional);
        need(t.owner, 'Secret', e.secretRef?.name, e.secretRef?.optional);
      }
      for (const e of c.env ?? []) {
        need(t.owner, 'ConfigMap', e.valueFrom?.configMapKeyRef?.name, e.valueFrom?.configMapKeyRef?.optional);
        need(t.owner, 'Secret', e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.optional);
        const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === e.valueFrom?.configMapKeyRef?.name);
        if (cm && !(e.valueFrom.configMapKeyRef.key in (cm.data ?? {}))) errors.push(`${id(t.owner)}: env ${e.name} reads missing key ${e.valueFrom.configMapKeyRef.key} of ConfigMap ${cm.metadata.name}`);
      }
    }
  }
  for (const rb of objects.filter(o => o.kind === 'RoleBinding')) {
    if (rb.roleRef.kind === 'Role' && !objects.some(o => o.kind === 'Role' && o.metadata.name === rb.roleRef.name)) errors.push(`${id(rb)}: binds missing Role ${rb.roleRef.name}`);
    for (const s of rb.subjects ?? []) if (s.kind === 'ServiceAccount') need(rb, 'ServiceAccount', s.name);
  }
  return errors;
}

/**
 * Secrets an object of the output writes: an ExternalSecret its target, the secret generator the
 * Secrets its Role may read, a CloudNativePG Cluster bootstrapped without its own Secret
 * `<cluster>-app`.
 */
function producedSecrets(objects: K8sObject[]): Set<string> {
  return new Set([
    ...objects.filter(o => o.kind === 'ExternalSecret').map(o => o.spec.target?.name ?? o.metadata.name),
    ...objects.filter(o => o.kind === 'Role' && o.metadata.name === 'mcp-secret-generator').flatMap(o => o.rules.flatMap((r: any) => r.resourceNames ?? [])),
    ...objects.filter(o => o.kind === 'Cluster' && !o.spec.bootstrap?.initdb?.secret).map(o => `${o.metadata.name}-app`),
  ]);
}

/** PVCs a StatefulSet's volumeClaimTemplates create: `<template>-<statefulset>-<ordinal>`. */
function claimFromTemplate(objects: K8sObject[], claim: string): boolean {
  return objects.filter(o => o.kind === 'StatefulSet').some(sts =>
    (sts.spec.volumeClaimTemplates ?? []).some((vct: any) =>
      Array.from({ length: sts.spec.replicas ?? 1 }, (_, i) => `${vct.metadata.name}-${sts.metadata.name}-${i}`).includes(claim)));
}

/** Pod Security Standards `restricted` (v1.28) for every pod template. */
export function checkPodSecurity(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const t of podTemplates(objects)) {
    const spec = t.spec;
    const psc = spec.securityContext ?? {};
    const where = id(t.owner);
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) errors.push(`${where}: uses host namespaces`);
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find(k => k !== 'name');
      if (!type || !RESTRICTED_VOLUMES.has(type)) errors.push(`${where}: volume ${v.name} of type ${type} is not allowed`);
    }
    if (psc.runAsUser === 0) errors.push(`${where}: pod runs as root`);
    for (const c of containersOf(spec)) {
      const sc = c.securityContext ?? {};
      const cw = `${where} container ${c.name}`;
      if (sc.privileged) errors.push(`${cw}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) errors.push(`${cw}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) errors.push(`${cw}: does not drop ALL capabilities`);
      if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')) errors.push(`${cw}: adds capabilities`);
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) errors.push(`${cw}: runAsNonRoot is not true`);
      if ((sc.runAsUser ?? psc.runAsUser) === 0) errors.push(`${cw}: runs as UID 0`);
      const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') errors.push(`${cw}: seccompProfile is not RuntimeDefault`);
      if (sc.readOnlyRootFilesystem !== true) errors.push(`${cw}: root filesystem is writable`);
      if ((c.ports ?? []).some((p: any) => p.hostPort)) errors.push(`${cw}: uses a hostPort`);
    }
  }
  return errors;
}

/** Explicit requests and limits, IfNotPresent pulls and pinned images for every container. */
export function checkContainers(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const t of podTemplates(objects)) {
    for (const c of containersOf(t.spec)) {
      const cw = `${id(t.owner)} container ${c.name}`;
      for (const k of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) if (!c.resources?.[k]?.[r]) errors.push(`${cw}: no ${k}.${r}`);
      }
      if (c.imagePullPolicy !== 'IfNotPresent') errors.push(`${cw}: imagePullPolicy ${c.imagePullPolicy}`);
      const tag = String(c.image).split('/').pop()!.split('@')[0].split(':')[1];
      if (!String(c.image).includes('@') && (!tag || tag === 'latest')) errors.push(`${cw}: image ${c.image} is not pinned`);
    }
  }
  return errors;
}

/** A pod that consumes a ConfigMap of the chart carries the config checksum so a change rolls it. */
export function checkConfigRollout(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const configMaps = new Set(objects.filter(o => o.kind === 'ConfigMap').map(o => o.metadata.name));
  for (const t of podTemplates(objects)) {
    const used = [
      ...(t.spec.volumes ?? []).map((v: any) => v.configMap?.name),
      ...containersOf(t.spec).flatMap(c => [...(c.envFrom ?? []).map((e: any) => e.configMapRef?.name), ...(c.env ?? []).map((e: any) => e.valueFrom?.configMapKeyRef?.name)]),
    ].filter(n => n && configMaps.has(n));
    if (used.length && !t.annotations['checksum/config']) errors.push(`${id(t.owner)}: consumes ConfigMap ${used[0]} but has no checksum/config annotation`);
  }
  return errors;
}

/** PDBs, HPAs, NetworkPolicies and ServiceMonitors point at objects that exist, and only those. */
export function checkPolicyTargets(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const templates = podTemplates(objects).filter(t => t.owner.kind !== 'CronJob' && t.owner.kind !== 'Job');
  for (const pdb of objects.filter(o => o.kind === 'PodDisruptionBudget')) {
    const sel = pdb.spec.selector?.matchLabels ?? {};
    const matched = templates.filter(t => subset(sel, t.labels));
    if (matched.length !== 1) errors.push(`${id(pdb)}: selector matches ${matched.length} workloads, expected exactly 1`);
    if (pdb.spec.maxUnavailable === 0 || pdb.spec.maxUnavailable === '0%') errors.push(`${id(pdb)}: maxUnavailable 0 blocks node drains`);
    const replicas = matched[0]?.owner.spec.replicas;
    if (replicas !== undefined && typeof pdb.spec.minAvailable === 'number' && pdb.spec.minAvailable >= replicas) errors.push(`${id(pdb)}: minAvailable ${pdb.spec.minAvailable} >= ${replicas} replicas blocks drains`);
  }
  for (const hpa of objects.filter(o => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec.scaleTargetRef;
    const target = objects.find(o => o.kind === ref.kind && o.metadata.name === ref.name);
    if (!target) errors.push(`${id(hpa)}: scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
    else if (target.spec.replicas !== undefined) errors.push(`${id(hpa)}: target ${id(target)} sets spec.replicas, which fights the autoscaler`);
  }
  const podLabelSets = [...podTemplates(objects).map(t => t.labels), ...operatorPodLabels(objects)];
  for (const np of objects.filter(o => o.kind === 'NetworkPolicy')) {
    const sel = np.spec.podSelector?.matchLabels ?? {};
    if (!podLabelSets.some(labels => subset(sel, labels))) errors.push(`${id(np)}: podSelector matches no pod template`);
  }
  for (const sm of objects.filter(o => o.kind === 'ServiceMonitor')) {
    const sel = sm.spec.selector?.matchLabels ?? {};
    const services = objects.filter(o => o.kind === 'Service' && subset(sel, o.metadata.labels ?? {}));
    if (services.length !== 1) errors.push(`${id(sm)}: selects ${services.length} Services, expected exactly 1`);
    for (const ep of sm.spec.endpoints ?? []) {
      if (services[0] && !(services[0].spec.ports ?? []).some((p: any) => p.name === ep.port)) errors.push(`${id(sm)}: endpoint port ${ep.port} is not a port of ${id(services[0])}`);
    }
  }
  return errors;
}

/**
 * Labels of the pods an operator creates from custom resources in the chart, so policies that
 * target them can be checked: CloudNativePG instances (`cnpg.io/cluster`, `cnpg.io/podRole:
 * instance`, plus the Cluster's inheritedMetadata labels) and Pooler pods (`cnpg.io/poolerName`,
 * `cnpg.io/podRole: pooler`, `cnpg.io/cluster`).
 */
export function operatorPodLabels(objects: K8sObject[]): Record<string, string>[] {
  return objects.flatMap(o => {
    if (o.apiVersion !== 'postgresql.cnpg.io/v1') return [];
    if (o.kind === 'Cluster') return [{ ...(o.spec.inheritedMetadata?.labels ?? {}), 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance' }];
    if (o.kind === 'Pooler') return [{ ...(o.spec.template?.metadata?.labels ?? {}), 'cnpg.io/cluster': o.spec.cluster.name, 'cnpg.io/poolerName': o.metadata.name, 'cnpg.io/podRole': 'pooler' }];
    return [];
  });
}
