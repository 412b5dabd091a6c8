import { IConstruct } from 'constructs';

/**
 * What a component tells the environment policy about itself. The platform chart checks
 * these facts at synth against the environment's policy (e.g. prod refuses a single-replica
 * registry); `field` names the prop to change in the error message.
 */
export interface PolicyFacts {
  /** Human name of the component, e.g. 'Registry'. */
  readonly component: string;
  /** Replicas of a stateful component that must be highly available. */
  readonly haReplicas?: { readonly replicas: number; readonly field: string };
  /** Whether backups are scheduled. */
  readonly backups?: { readonly enabled: boolean; readonly field: string };
  /** Whether a PodDisruptionBudget protects the component. */
  readonly disruptionBudget?: { readonly present: boolean; readonly field: string };
  /** Whether debug logging is on. */
  readonly debugLogging?: { readonly enabled: boolean; readonly field: string };
  /** Whether the component runs but rejects every client (e.g. a gateway with nothing to validate keys against), and why. */
  readonly rejectsAllClients?: { readonly present: boolean; readonly field: string; readonly reason: string };
}

/** A construct that reports {@link PolicyFacts}. */
export interface IPolicySubject extends IConstruct {
  policyFacts(): PolicyFacts;
}

/** Whether `c` reports policy facts. */
export function isPolicySubject(c: IConstruct): c is IPolicySubject {
  return typeof (c as Partial<IPolicySubject>).policyFacts === 'function';
}
