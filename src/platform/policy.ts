import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
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
  if (!policy.allowGeneratedSecrets && facts.generatedSecrets?.present) {
    errors.push(`${path}: ${facts.component} renders a generated Secret with a plaintext value, which only dev allows: set ${facts.generatedSecrets.field} to an existing Secret reference or an ExternalSecret`);
  }
  return errors;
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
  const check = (obj: ApiObject, containers: { name?: string; image: string }[]) => {
    for (const c of containers) {
      if (!ImageReference.parse(c.image).pinned) {
        errors.push(`${obj.node.path}: ${obj.kind} ${obj.name} container '${c.name}' uses image ${c.image}, which is not pinned; the '${env}' policy requires an exact version tag or a digest: set the component's image prop (e.g. repo:1.2.3 or repo@sha256:...)`);
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
  return errors;
}
