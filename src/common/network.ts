
/**
 * Where traffic may come from or go to. Plain data, so environments can carry it.
 * With neither namespace nor podLabels nor cidr it means "every pod in the own namespace".
 */
export interface NetworkPeer {
  /** Namespace of the peer pods @default - the policy's own namespace */
  readonly namespace?: string;
  /** Labels of the peer pods @default - all pods of the namespace */
  readonly podLabels?: Record<string, string>;
  /** An IP block in CIDR notation (then namespace and podLabels are ignored). */
  readonly cidr?: string;
}

/** A TCP or UDP port. */
export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** One allow rule: any of `peers` on any of `ports`. */
export interface NetworkRule {
  readonly peers: NetworkPeer[];
  /** @default - all ports */
  readonly ports?: NetworkPort[];
}

/** Cluster-wide locations of the things every component talks to or hears from. */
export interface ClusterNetwork {
  /** Prometheus pods that scrape metrics. */
  readonly prometheus: NetworkPeer;
  /** Ingress controller pods that forward external traffic. */
  readonly ingressController: NetworkPeer;
  /** Cluster DNS pods. */
  readonly dns: NetworkPeer;
  /**
   * The Kubernetes API server, for the few pods that call it (the dev secret generator). Its
   * endpoints are not pods, so only an IP block matches them: narrow it to the control plane's
   * addresses where they are known.
   * @default { cidr: '0.0.0.0/0' }
   */
  readonly apiServer?: NetworkPeer;
}

/** kube-prometheus-stack, ingress-nginx and CoreDNS in their usual namespaces. */
export const DEFAULT_CLUSTER_NETWORK: ClusterNetwork = {
  prometheus: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
};

/**
 * The Kubernetes API server's ports as egress rules must name them: 443 is the `kubernetes`
 * Service's port, 6443 the API server's own, which most CNIs match after the Service is resolved.
 */
export const KUBERNETES_API_PORTS: NetworkPort[] = [{ port: 443 }, { port: 6443 }];

/** DNS on UDP and TCP 53. */
export const DNS_PORTS: NetworkPort[] = [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }];
