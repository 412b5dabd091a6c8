import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { McpConfigError } from '../common/errors';
import { ImageReference } from '../common/image';
import { isPolicySubject, PolicyFacts } from '../common/policy-facts';
import { SecretGenerator } from '../common/secret-generator';
import { EnvironmentPolicy } from './environment';

/**
 * One policy violation: the construct, the field to change, its value and the fix.
 * @internal
 */
export interface PolicyViolation {
  readonly path: string;
  readonly field: string;
  readonly value: unknown;
  readonly fix: string;
}

/**
 * Checks everything rendered under `chart` against `policy`.
 * @returns one violation per broken rule, in construct order
 * @internal
 */
export function policyViolations(chart: Chart, policyName: string, policy: EnvironmentPolicy): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const c of chart.node.findAll()) {
    if (isPolicySubject(c)) violations.push(...checkFacts(c.node.path, c.policyFacts(), policyName, policy));
  }
  if (policy.requirePinnedImages) violations.push(...checkImages(chart, policyName));
  if (!policy.allowGeneratedSecrets) violations.push(...checkGeneratedSecrets(chart, policyName));
  return violations;
}

/** Throws the first violation as an {@link McpConfigError}. @internal */
export function assertPolicy(chart: Chart, policyName: string, policy: EnvironmentPolicy): void {
  const [first] = policyViolations(chart, policyName, policy);
  if (first) throw new McpConfigError(first.path, first.field, first.value, first.fix);
}

/** The violations as messages, for `node.addValidation`. @internal */
export function checkPolicy(chart: Chart, policyName: string, policy: EnvironmentPolicy): string[] {
  return policyViolations(chart, policyName, policy).map(v => new McpConfigError(v.path, v.field, v.value, v.fix).message);
}

function checkFacts(path: string, facts: PolicyFacts, env: string, policy: EnvironmentPolicy): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const min = policy.minHaReplicas ?? 1;
  if (facts.haReplicas && facts.haReplicas.replicas < min) {
    out.push({ path, field: facts.haReplicas.field, value: facts.haReplicas.replicas, fix: `the '${env}' policy requires at least ${min} replicas of highly available components: set ${facts.haReplicas.field} to ${min} or more` });
  }
  if (policy.requireBackups && facts.backups && !facts.backups.enabled) {
    out.push({ path, field: facts.backups.field, value: false, fix: `the '${env}' policy requires backups of ${facts.component}: set ${facts.backups.field} to true` });
  }
  if (policy.requirePodDisruptionBudgets && facts.disruptionBudget && !facts.disruptionBudget.present) {
    out.push({ path, field: facts.disruptionBudget.field, value: facts.haReplicas?.replicas, fix: `the '${env}' policy requires a PodDisruptionBudget for ${facts.component}: set ${facts.disruptionBudget.field}` });
  }
  if (policy.allowDebugLogging === false && facts.debugLogging?.enabled) {
    out.push({ path, field: facts.debugLogging.field, value: 'debug', fix: `the '${env}' policy forbids debug logging: set ${facts.debugLogging.field} to 'info'` });
  }
  if (policy.requireWorkingEndpoints && facts.rejectsAllClients?.present) {
    out.push({ path, field: facts.rejectsAllClients.field, value: undefined, fix: `the '${env}' policy forbids components that reject every client: ${facts.rejectsAllClients.reason}; set ${facts.rejectsAllClients.field}` });
  }
  return out;
}

// Random values that exist only in the cluster are lost with the namespace and cannot be
// rotated from a store: fine for dev, refused where the policy does not allow them.
function checkGeneratedSecrets(chart: Chart, env: string): PolicyViolation[] {
  return chart.node.children.filter((c): c is SecretGenerator => c instanceof SecretGenerator).flatMap(g => g.requests).map(r => ({
    path: r.requestedBy,
    field: 'secretProvisioning.source',
    value: 'generated',
    fix: `the '${env}' policy keeps credentials in a managed store, but Secret ${r.secretName} would be generated in the cluster: use source 'external-secrets' or 'existing', or set policy.allowGeneratedSecrets`,
  }));
}

/**
 * What the policy tolerates but the user should know: one message per component that would
 * reject every client where the policy does not forbid it.
 */
export function policyWarnings(chart: Chart, policyName: string, policy: EnvironmentPolicy): string[] {
  if (policy.requireWorkingEndpoints) return [];
  return chart.node.findAll().filter(isPolicySubject).map(c => ({ path: c.node.path, facts: c.policyFacts() }))
    .filter(({ facts }) => facts.rejectsAllClients?.present)
    .map(({ path, facts }) => `${path}: ${facts.component} will reject every client in '${policyName}': ${facts.rejectsAllClients!.reason}; set ${facts.rejectsAllClients!.field}`);
}

const POD_SPEC_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

/** The path of the component that rendered `obj`: its nearest policy-reporting ancestor. */
function componentPath(obj: IConstruct): string {
  const owner = [...obj.node.scopes].reverse().find(isPolicySubject);
  return (owner ?? obj).node.path;
}

function checkImages(chart: Chart, env: string): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const check = (obj: ApiObject, containers: { name?: string; image: string }[]) => {
    for (const c of containers) {
      if (!ImageReference.parse(c.image).pinned) {
        out.push({
          path: componentPath(obj),
          field: 'image',
          value: c.image,
          fix: `${obj.kind} ${obj.name} container '${c.name}' is not pinned, and the '${env}' policy requires an exact version tag or a digest: set the component's image prop (e.g. repo:1.2.3 or repo@sha256:<64 hex>)`,
        });
      }
    }
  };
  // cdk8s-plus workloads hold their containers: reading them costs nothing, while rendering each
  // workload (toJson) here would resolve it a second time per synth. Raw objects are rendered.
  const covered = new Set<ApiObject>();
  for (const c of chart.node.findAll()) {
    if (c instanceof kplus.AbstractPod) {
      const obj = ApiObject.of(c);
      covered.add(obj);
      check(obj, [...c.initContainers, ...c.containers]);
    } else if (c instanceof ApiObject && POD_SPEC_PATHS[c.kind] && !covered.has(c)) {
      const spec = POD_SPEC_PATHS[c.kind].reduce((o: any, k) => o?.[k], c.toJson());
      check(c, [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]);
    }
  }
  return out;
}
