import { Chart } from 'cdk8s';
import { McpAgentMesh, McpAgentMeshProps } from '../../src/agent/agent-mesh';
import { McpAgentDefinition } from '../../src/agent/mcp-agent';
import { Registry } from '../../src/registry/registry';
import { K8sObject } from '../support/invariants';
import { synthChart } from '../support/synth';

/** A registry plus an agent mesh in a test chart, the way the platform composes them. */
export function synthMesh(agents: McpAgentDefinition[], props: Partial<Omit<McpAgentMeshProps, 'agents' | 'registry'>> = {}) {
  let mesh!: McpAgentMesh;
  let registry!: Registry;
  const out = synthChart((chart: Chart) => {
    registry = new Registry(chart, 'registry', { backup: { enabled: false } });
    mesh = new McpAgentMesh(chart, 'agents', { registry, agents, ...props });
  });
  return { ...out, mesh, registry };
}

/** A minimal valid agent definition. */
export function agent(name: string, extra: Partial<McpAgentDefinition> = {}): McpAgentDefinition {
  return { name, code: { script: `print("${name}")` }, ...extra };
}

/**
 * Checks that a CRD's openAPIV3Schema is structural (apiextensions.k8s.io/v1 rules): every
 * node has a type; objects declare properties or additionalProperties (never both);
 * arrays declare items; value-validation branches (oneOf/anyOf/allOf/not) carry no type,
 * description, default or additionalProperties; list-map keys are required scalar fields;
 * metadata carries no constraints beyond its type. Returns violations as `path: problem`.
 */
export function structuralViolations(schema: any, path = '', errors: string[] = []): string[] {
  const at = path || '/';
  if (!schema || typeof schema !== 'object') return [...errors, `${at}: not a schema`];
  if (!schema.type && !schema['x-kubernetes-int-or-string'] && !schema['x-kubernetes-preserve-unknown-fields']) errors.push(`${at}: no type`);
  if (schema.type === 'object') {
    if (schema.properties && schema.additionalProperties) errors.push(`${at}: both properties and additionalProperties`);
    if (!schema.properties && !schema.additionalProperties && !schema['x-kubernetes-preserve-unknown-fields'] && path !== '/metadata') errors.push(`${at}: object without properties or additionalProperties`);
    for (const r of schema.required ?? []) if (!schema.properties?.[r]) errors.push(`${at}: required field ${r} is not a property`);
  }
  if (schema.type === 'array') {
    if (!schema.items) errors.push(`${at}: array without items`);
    if (schema['x-kubernetes-list-type'] === 'map') {
      for (const key of schema['x-kubernetes-list-map-keys'] ?? []) {
        if (!(schema.items?.required ?? []).includes(key)) errors.push(`${at}: list-map key ${key} is not required in items`);
        if (!['string', 'integer'].includes(schema.items?.properties?.[key]?.type)) errors.push(`${at}: list-map key ${key} is not a scalar`);
      }
    }
  }
  if (path === '/metadata' && Object.keys(schema).some(k => k !== 'type')) errors.push(`${at}: metadata may only declare its type`);
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    for (const [i, branch] of (schema[combinator] ?? []).entries()) {
      for (const forbidden of ['type', 'description', 'default', 'additionalProperties', 'nullable']) {
        if (forbidden in branch) errors.push(`${at}: ${combinator}[${i}] sets ${forbidden}`);
      }
      for (const r of branch.required ?? []) if (!schema.properties?.[r]) errors.push(`${at}: ${combinator}[${i}] requires undeclared field ${r}`);
    }
  }
  for (const [k, v] of Object.entries<any>(schema.properties ?? {})) structuralViolations(v, `${path}/${k}`, errors);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') structuralViolations(schema.additionalProperties, `${path}/*`, errors);
  if (schema.items) structuralViolations(schema.items, `${path}[]`, errors);
  return errors;
}

/** Objects of `kind` by name. */
export function byName(objects: K8sObject[], kind: string): Map<string, K8sObject> {
  return new Map(objects.filter(o => o.kind === kind).map(o => [o.metadata.name, o]));
}
