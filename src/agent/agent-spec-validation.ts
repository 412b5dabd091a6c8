import { IConstruct } from 'constructs';
import * as semver from 'semver';
import { invalid } from '../common/errors';
import { validateCidr } from '../common/validation';
import { codeProblems } from './agent-code';
import { codeSpecMismatches } from './agent-code-decorators';
import { AGENT_RUNTIME } from './agent-runtime';
import { McpAgentSpec } from './agent-spec';
import { MCP_AGENT_SPEC_SCHEMA } from './agent-spec-schema';
import { ConformingValues, validateAgainst } from './spec-schema';

/** What the agents of a mesh found valid already, so that the next agent does not check it again. */
export interface KnownValid {
  /** Values valid at their node of the spec schema (the mesh's cluster network). */
  readonly values?: ConformingValues;
  /** Dependency ranges found valid; ranges found valid here are added. */
  readonly ranges?: Set<string>;
}

/**
 * Validates a whole MCPAgent spec: the schema (the same one the CRD carries), then what a
 * schema cannot say: semver parsing, one image, code/spec agreement, shared RWO volumes,
 * conflicting mounts, CIDRs, credentials in URLs. Used by McpAgent and by the MCPAgent custom
 * resource construct. Quantities, autoscaling, budgets, scheduling and pod template options are
 * checked where they are resolved (src/common).
 * @param known what other agents of a mesh found valid already
 * @throws McpConfigError naming the first offending field
 */
export function validateAgentSpec(scope: IConstruct, spec: McpAgentSpec, known: KnownValid = {}): McpAgentSpec {
  const validRanges = known.ranges;
  const violations = validateAgainst(MCP_AGENT_SPEC_SCHEMA, spec, '', known.values);
  if (violations.length) {
    const [first, ...more] = violations;
    invalid(scope, first.field, first.value, more.length ? `${first.fix} (and ${more.length} more: ${more.map(m => m.field).join(', ')})` : first.fix);
  }
  (spec.capabilities ?? []).forEach((c, i) => {
    if (!semver.valid(c.version)) invalid(scope, `capabilities[${i}].version`, c.version, 'use a semantic version such as "1.0.0"');
  });
  (spec.dependencies ?? []).forEach((d, i) => {
    if (d.version === undefined || validRanges?.has(d.version)) return;
    if (semver.validRange(d.version) === null) invalid(scope, `dependencies[${i}].version`, d.version, 'use a semver range such as ">=3.0.0", "^2.1.0", "1.x" or "*"');
    validRanges?.add(d.version);
  });
  if (spec.code.image && spec.image) invalid(scope, 'image', spec.image, 'code.image already names the image: set one of image (runtime for script/configMap/files code) and code.image');
  for (const p of codeProblems(spec.code)) invalid(scope, p.field, p.value, p.fix);
  for (const m of codeSpecMismatches(spec)) invalid(scope, m.field, m.value, m.fix);
  const autoscaled = spec.autoscaling && spec.autoscaling.enabled !== false;
  if (autoscaled && spec.replicas !== undefined) invalid(scope, 'replicas', spec.replicas, 'the HPA owns the replica count: remove replicas or autoscaling');
  checkPersistence(scope, spec);
  (spec.egress ?? []).forEach((rule, i) => {
    validateCidr(scope, `egress[${i}].cidr`, rule.cidr);
    const seen = new Set<string>();
    rule.ports.forEach((p, j) => {
      const key = `${p.protocol ?? 'TCP'}/${p.port}`;
      if (seen.has(key)) invalid(scope, `egress[${i}].ports[${j}]`, p, `port ${key} is listed twice for ${rule.cidr}: list each port once`);
      seen.add(key);
    });
  });
  (spec.networkPolicy?.clients ?? []).forEach((client, i) => {
    if (client.cidr !== undefined && client.workload === undefined) validateCidr(scope, `networkPolicy.clients[${i}].cidr`, client.cidr);
  });
  if (spec.tracing?.redisUrl !== undefined && /^rediss?:\/\/[^/@]*@/.test(spec.tracing.redisUrl)) {
    // Never echo the URL: it carries credentials.
    invalid(scope, 'tracing.redisUrl', '(redacted: the URL carries credentials)', 'put the URL in a Secret and set tracing.redisUrlSecret instead');
  }
  return spec;
}

function checkPersistence(scope: IConstruct, spec: McpAgentSpec): void {
  if (!spec.persistence) return;
  const autoscaled = spec.autoscaling && spec.autoscaling.enabled !== false;
  const maxPods = autoscaled ? spec.autoscaling!.maxReplicas : spec.replicas ?? 1;
  if ((spec.persistence.accessMode ?? 'ReadWriteOnce') === 'ReadWriteOnce' && maxPods > 1) {
    invalid(scope, 'persistence.accessMode', 'ReadWriteOnce', `${maxPods} pods would share one ReadWriteOnce volume, which attaches to one node only: use ReadWriteMany or a single replica`);
  }
  const mountPath = spec.persistence.mountPath ?? '/data';
  if (['/tmp', AGENT_RUNTIME.codePath].some(p => mountPath === p || mountPath.startsWith(`${p}/`) || p.startsWith(`${mountPath}/`))) {
    invalid(scope, 'persistence.mountPath', mountPath, `it overlaps a path the construct mounts (/tmp, ${AGENT_RUNTIME.codePath}): use another path such as /data`);
  }
}
