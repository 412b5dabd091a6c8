import { Construct } from 'constructs';
import { ClusterNetwork, NetworkPeer, NetworkPort } from '../common/network';
import { ClientPeer } from '../connectivity/client-peer';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { PGVECTOR_RUNTIME } from './tool-registry-runtime';

/** Where the CloudNativePG operator runs by default (its Helm chart and manifests). @internal */
export const DEFAULT_CNPG_OPERATOR: NetworkPeer = { namespace: 'cnpg-system', podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } };

/** A pod set of the database the model knows: its name, construct and pod labels. @internal */
export interface DatabasePods {
  readonly scope: Construct;
  /** Construct id of its NetworkPolicy in `scope`. @default 'network-policy' */
  readonly policyId?: string;
  readonly name: string;
  readonly podSelector: Record<string, string>;
  /** Labels of its NetworkPolicy. @default - the database's */
  readonly labels?: Record<string, string>;
}

/** What {@link registerDatabaseConnectivity} wires, resolved by PgvectorDatabase. @internal */
export interface DatabaseConnectivitySpec {
  /** Render the NetworkPolicies (else the pods are registered, not isolated). */
  readonly networkPolicy: boolean;
  readonly labels: Record<string, string>;
  readonly cluster: ClusterNetwork;
  /** The PostgreSQL pods: the StatefulSet's pod or the CloudNativePG instances. */
  readonly instances: DatabasePods;
  /** CloudNativePG only: where the operator runs. */
  readonly cloudNativePg?: { readonly operator: NetworkPeer; readonly pooler?: DatabasePods };
  /** Exporters Prometheus scrapes (CloudNativePG with `monitoring.scrape`). */
  readonly scraped: boolean;
  readonly migration?: DatabasePods;
  readonly backup?: DatabasePods;
  readonly clients: readonly ClientPeer[];
}

/** The endpoints other workloads connect to. @internal */
export interface DatabaseEndpoints {
  /** The PostgreSQL pods (the primary among them), for DDL and dumps. */
  readonly primary: ServiceEndpoint;
  /** What applications connect to: the Pooler when there is one, else the instances. */
  readonly client: ServiceEndpoint;
}

const POSTGRES: NetworkPort[] = [{ port: PGVECTOR_RUNTIME.port }];

/**
 * Registers the database's pods and jobs in the chart's connectivity model and declares their
 * flows: the migration and backup jobs -> the primary, declared clients -> the client endpoint,
 * and with CloudNativePG instance <-> instance replication, the operator -> the instances'
 * status and PostgreSQL ports, the Pooler -> the instances, Prometheus -> the exporters (only
 * when scraped). Statefulset PostgreSQL gets no egress at all. CloudNativePG instances and
 * Poolers keep egress open: their instance manager calls the Kubernetes API server and the
 * Barman Cloud plugin writes to the object store, whose addresses this library cannot know.
 * @internal
 */
export function registerDatabaseConnectivity(spec: DatabaseConnectivitySpec): DatabaseEndpoints {
  const model = Connectivity.of(spec.instances.scope);
  const add = (pods: DatabasePods, isolateEgress: boolean, dns: boolean): Workload => model.addWorkload(pods.scope, {
    name: pods.name,
    component: 'PgvectorDatabase',
    podSelector: pods.podSelector,
    networkPolicy: spec.networkPolicy ? { name: pods.name, labels: pods.labels ?? spec.labels, ingress: true, egress: isolateEgress, id: pods.policyId } : false,
    dns: dns ? spec.cluster.dns : undefined,
  });
  const cnpg = spec.cloudNativePg;
  const instances = add(spec.instances, !cnpg, false);
  const primary: ServiceEndpoint = { target: instances, ports: POSTGRES };
  let client = primary;
  if (cnpg) {
    model.allow({ from: instances, to: instances, ports: POSTGRES, reason: 'streaming replication between instances' });
    const operator = Connectivity.external('CloudNativePG operator', cnpg.operator);
    model.allow({ from: operator, to: instances, ports: [{ port: PGVECTOR_RUNTIME.cnpgStatusPort }, ...POSTGRES], reason: 'the operator reads instance status and manages PostgreSQL' });
    const prometheus = Connectivity.external('Prometheus', spec.cluster.prometheus);
    if (spec.scraped) model.allow({ from: prometheus, to: instances, ports: [{ port: PGVECTOR_RUNTIME.cnpgMetricsPort }], reason: 'scrapes the instance exporter' });
    if (cnpg.pooler) {
      const pooler = add(cnpg.pooler, false, false);
      model.allow({ from: pooler, to: instances, ports: POSTGRES, reason: "PgBouncer forwards the clients' sessions" });
      if (spec.scraped) model.allow({ from: prometheus, to: pooler, ports: [{ port: PGVECTOR_RUNTIME.poolerMetricsPort }], reason: 'scrapes the PgBouncer exporter' });
      client = { target: pooler, ports: POSTGRES };
    }
  }
  if (spec.migration) model.connect(add(spec.migration, true, true), primary, 'applies the schema');
  if (spec.backup) model.connect(add(spec.backup, true, true), primary, 'dumps the database');
  model.admitClients(spec.instances.scope, 'clients', spec.clients, client, 'declared database client');
  return { primary, client };
}
