/**
 * Which Secrets the rendered pods read, and which the output itself produces, read from the
 * manifests alone: a Secret object, an ExternalSecret's target, the secret generator Job's
 * script, or CloudNativePG's `<cluster>-app`.
 */
import { K8sObject, podTemplates } from '../support/invariants';

/** Every key, for `envFrom` and whole-Secret volumes. */
export const ALL_KEYS = '*';

// Keys of the `<cluster>-app` Secret CloudNativePG writes for the application user
// (cloudnative-pg pkg/specs/secrets.go, CreateSecret).
const CNPG_APP_KEYS = ['username', 'user', 'password', 'dbname', 'host', 'port', 'pgpass', 'uri', 'jdbc-uri', 'fqdn-uri', 'fqdn-jdbc-uri'];

/** `<namespace>/<name>` -> the keys read, with who reads them. */
export type SecretReads = Map<string, { keys: Set<string>; readers: Set<string> }>;

/** The Secrets rendered pods (and CloudNativePG Clusters, for their bootstrap) read, optional ones left out. */
export function secretsRead(objects: readonly K8sObject[]): SecretReads {
  const reads: SecretReads = new Map();
  const add = (namespace: string | undefined, name: string | undefined, key: string, reader: string) => {
    if (!name) return;
    const id = `${namespace}/${name}`;
    const entry = reads.get(id) ?? { keys: new Set(), readers: new Set() };
    entry.keys.add(key);
    entry.readers.add(reader);
    reads.set(id, entry);
  };
  for (const t of podTemplates([...objects])) {
    const ns = t.owner.metadata.namespace;
    const who = `${t.owner.kind} ${t.owner.metadata.name}`;
    for (const v of t.spec.volumes ?? []) {
      const sources = [v.secret && { ...v.secret, name: v.secret.secretName }, ...(v.projected?.sources ?? []).map((s: any) => s.secret)].filter(Boolean);
      for (const s of sources) {
        if (s.optional) continue;
        for (const key of s.items?.length ? s.items.map((i: any) => i.key) : [ALL_KEYS]) add(ns, s.name, key, who);
      }
    }
    for (const c of [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])]) {
      for (const e of c.envFrom ?? []) if (e.secretRef && !e.secretRef.optional) add(ns, e.secretRef.name, ALL_KEYS, who);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !ref.optional) add(ns, ref.name, ref.key, who);
      }
    }
  }
  for (const o of objects.filter(x => x.apiVersion === 'postgresql.cnpg.io/v1' && x.kind === 'Cluster')) {
    const secret = o.spec.bootstrap?.initdb?.secret?.name;
    if (secret) for (const key of ['username', 'password']) add(o.metadata.namespace, secret, key, `Cluster ${o.metadata.name}`);
  }
  return reads;
}

/** What produces a Secret and which keys it holds (`*`: whatever the source holds). */
export type SecretSource = 'Secret' | 'ExternalSecret' | 'secret generator' | 'CloudNativePG';

/** The Secrets the output produces, `<namespace>/<name>` -> source and keys. */
export function secretsProduced(objects: readonly K8sObject[]): Map<string, { source: SecretSource; keys: Set<string> }> {
  const out = new Map<string, { source: SecretSource; keys: Set<string> }>();
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (o.apiVersion === 'v1' && o.kind === 'Secret') out.set(`${ns}/${o.metadata.name}`, { source: 'Secret', keys: new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})]) });
    if (o.kind === 'ExternalSecret') {
      const keys = new Set<string>((o.spec.data ?? []).map((d: any) => d.secretKey));
      if (o.spec.dataFrom?.length) keys.add(ALL_KEYS);
      out.set(`${ns}/${o.spec.target?.name ?? o.metadata.name}`, { source: 'ExternalSecret', keys });
    }
    if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster' && !o.spec.bootstrap?.initdb?.secret) {
      out.set(`${ns}/${o.metadata.name}-app`, { source: 'CloudNativePG', keys: new Set(CNPG_APP_KEYS) });
    }
    if (o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/name'] === 'mcp-secret-generator') {
      const script: string = o.spec.template.spec.containers[0].command.join('\n');
      for (const m of script.matchAll(/^generate (\S+) '[^']*' (.+)$/gm)) out.set(`${ns}/${m[1]}`, { source: 'secret generator', keys: new Set(m[2].split(' ')) });
    }
  }
  return out;
}

/**
 * Secrets (and keys) pods read that the output does not produce by one of `allowed`: on a cluster
 * without them, those pods stay in CreateContainerConfigError.
 */
export function unproducedSecrets(objects: readonly K8sObject[], allowed: readonly SecretSource[]): string[] {
  const produced = secretsProduced(objects);
  const problems: string[] = [];
  for (const [id, read] of secretsRead(objects)) {
    const source = produced.get(id);
    const by = [...read.readers].sort().join(', ');
    if (!source || !allowed.includes(source.source)) {
      problems.push(`Secret ${id} (read by ${by}) is ${source ? `produced by a ${source.source}, not by ${allowed.join(' or ')}` : 'not produced by the output'}`);
      continue;
    }
    const missing = [...read.keys].filter(k => k !== ALL_KEYS && !source.keys.has(k) && !source.keys.has(ALL_KEYS));
    if (read.keys.has(ALL_KEYS) && source.keys.size === 0) missing.push(ALL_KEYS);
    if (missing.length) problems.push(`Secret ${id} (read by ${by}): the ${source.source} does not produce key ${missing.sort().join(', ')}`);
  }
  return problems;
}
