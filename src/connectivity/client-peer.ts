import { NetworkPeer } from '../common/network';

/**
 * A caller a component admits (`networkPolicy.clients`): either a workload this environment
 * renders, by its name in the connectivity document (`{ workload: 'weather-agent' }`, or
 * `'<namespace>/<name>'` when two namespaces use the name), whose egress then follows; or pods
 * or an IP block outside the platform (`namespace`, `podLabels`, `cidr`), admitted on the
 * component's side only because their own policies are not this chart's.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export interface ClientPeer extends NetworkPeer {
  /** A workload of this environment by name; `namespace`, `podLabels` and `cidr` are then ignored. @default - a peer outside the platform */
  readonly workload?: string;
}
