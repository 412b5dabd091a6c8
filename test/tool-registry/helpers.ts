export { find, ofKind } from '../support/synth';
export type { K8sObject } from '../support/invariants';
