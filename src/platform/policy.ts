import { ApiObject, Chart } from 'cdk8s';
import { ImageReference } from '../common/image';
import { isPolicySubject, PolicyFacts } from '../common/policy-facts';
import { EnvironmentPolicy } from './environment';

/**
 * Checks everything rendered under `chart` against `policy`; returns one message per
 * violation, each naming the construct, the field to change and the rule.
 */
export function checkPolicy(chart: Chart, policyName: string, policy: EnvironmentPolicy): string[] {
  const errors: string[] = [];
  for (const c of chart.node.findAll()) {
    if (isPolicySubject(c)) errors.push(...checkFacts(c.node.path, c.policyFacts(), policyName, policy));
  }
  if (policy.requirePinnedImages) errors.push(...checkImages(chart, policyName));
  return errors;
}

function checkFacts(path: string, facts: PolicyFacts, env: string, policy: EnvironmentPolicy): string[] {
  const errors: string[] = [];
  const min = policy.minHaReplicas ?? 1;
  if (facts.haReplicas && facts.haReplicas.replicas < min) {
    errors.push(`${path}: ${facts.component} ${facts.haReplicas.field} is ${facts.haReplicas.replicas}, but the '${env}' policy requires at least ${min} replicas of stateful HA components: set ${facts.haReplicas.field} to ${min} or more`);
  }
  if (policy.requireBackups && facts.backups && !facts.backups.enabled) {
    errors.push(`${path}: ${facts.component} has backups disabled, but the '${env}' policy requires backups: set ${facts.backups.field} to true`);
  }
  if (policy.requirePodDisruptionBudgets && facts.disruptionBudget && !facts.disruptionBudget.present) {
    errors.push(`${path}: ${facts.component} has no PodDisruptionBudget, but the '${env}' policy requires one: set ${facts.disruptionBudget.field}`);
  }
  if (policy.allowDebugLogging === false && facts.debugLogging?.enabled) {
    errors.push(`${path}: ${facts.component} logs at DEBUG, which the '${env}' policy forbids: set ${facts.debugLogging.field} to 'INFO'`);
  }
  if (policy.requireWorkingEndpoints && facts.rejectsAllClients?.present) {
    errors.push(`${path}: ${facts.component} would reject every client, which the '${env}' policy forbids: ${facts.rejectsAllClients.reason}; set ${facts.rejectsAllClients.field}`);
  }
  if (!policy.allowGeneratedSecrets && facts.generatedSecrets?.present) {
    errors.push(`${path}: ${facts.component} renders a generated Secret with a plaintext value, which only dev allows: set ${facts.generatedSecrets.field} to an existing Secret reference or an ExternalSecret`);
  }
  return errors;
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

function checkImages(chart: Chart, env: string): string[] {
  const errors: string[] = [];
  for (const obj of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    const path = POD_SPEC_PATHS[obj.kind];
    if (!path) continue;
    const manifest = obj.toJson();
    const spec = path.reduce((o: any, k) => o?.[k], manifest);
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      if (!ImageReference.parse(c.image).pinned) {
        errors.push(`${obj.node.path}: ${obj.kind} ${obj.name} container '${c.name}' uses image ${c.image}, which is not pinned; the '${env}' policy requires an exact version tag or a digest: set the component's image prop (e.g. repo:1.2.3 or repo@sha256:...)`);
      }
    }
  }
  return errors;
}
