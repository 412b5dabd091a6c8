import { Construct } from 'constructs';
import { ClusterNetwork, NetworkPeer } from '../common/network';
import { Connectivity, describePeer, ExternalEndpoint, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { RegistryDatabase } from './registry-database';
import { ResolvedAdmin, ResolvedTracing, validatePeers } from './registry-features';
import { resolveDatabasePeer } from './registry-peers';
import { RegistryProps } from './registry-props';
import { REGISTRY_RUNTIME } from './registry-runtime';

const COMPONENT = 'Registry';

/** What {@link RegistryConnectivity} needs of the Registry. @internal */
export interface RegistryConnectivityOptions {
  readonly name: string;
  readonly selector: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly database: RegistryDatabase;
  readonly admin?: ResolvedAdmin;
  readonly tracing?: ResolvedTracing;
}

/**
 * The registry's part of the chart's connectivity model: its pods, backup and restore as
 * workloads, and their flows. Nothing calls the registry unless a flow says so: agents add their
 * flow on their side (through `IMcpMeshRegistry.workload`), declared clients come from
 * `networkPolicy.clients` and `admin.clients`. Prometheus gets no flow: the registry serves no
 * metrics (registry-runtime.ts). Out: DNS, the PostgreSQL server, Redis and the OTLP collector.
 * @internal
 */
export class RegistryConnectivity {
  public readonly workload: Workload;
  public readonly apiEndpoint: ServiceEndpoint;
  public readonly adminEndpoint?: ServiceEndpoint;
  /** The PostgreSQL server, when the registry uses one and its location is known. */
  private readonly database?: ServiceEndpoint;
  private readonly model: Connectivity;
  private readonly policies: boolean;
  private readonly clusterNetwork: ClusterNetwork;

  public constructor(private readonly scope: Construct, props: RegistryProps, options: RegistryConnectivityOptions) {
    this.model = Connectivity.of(scope);
    this.policies = props.networkPolicy?.enabled ?? true;
    this.clusterNetwork = props.networkPolicy?.clusterNetwork ?? this.model.clusterNetwork;
    this.database = this.databaseEndpoint(options.database);
    this.workload = this.model.addWorkload(scope, {
      name: options.name,
      component: COMPONENT,
      podSelector: options.selector,
      networkPolicy: this.policies && { name: options.name, labels: options.labels, ingress: true, egress: true },
      dns: this.clusterNetwork.dns,
    });
    this.apiEndpoint = { target: this.workload, ports: [{ port: REGISTRY_RUNTIME.httpPort }] };
    if (this.database) this.model.connect(this.workload, this.database, 'stores agents and their capabilities');
    for (const target of options.tracing?.targets ?? []) {
      for (const peer of target.peers) {
        this.model.connect(this.workload, { target: external(target.name, peer), ports: [{ port: target.port }] }, target.reason);
      }
    }
    const clients = validatePeers(scope, 'networkPolicy.clients', props.networkPolicy?.clients ?? []);
    this.model.admitClients(scope, 'networkPolicy.clients', clients, this.apiEndpoint, 'calls the registry API');
    if (options.admin) {
      this.adminEndpoint = { target: this.workload, ports: [{ port: options.admin.port }] };
      // The admin listener has no authentication: only its declared clients, on its port only.
      this.model.admitClients(scope, 'admin.clients', options.admin.clients, this.adminEndpoint, 'calls the unauthenticated admin API');
    }
  }

  /**
   * Adds a Job's pods that work on the registry's data (the backup, the restore) as a workload:
   * isolated both ways, with DNS and the PostgreSQL server when there is one; a SQLite job reads a
   * volume and gets no flow at all.
   */
  public addDataJob(scope: Construct, options: { name: string; selector: Record<string, string>; labels: Record<string, string>; reason: string }): Workload {
    const workload = this.model.addWorkload(scope, {
      name: options.name,
      component: COMPONENT,
      podSelector: options.selector,
      networkPolicy: this.policies && { name: options.name, labels: options.labels, ingress: true, egress: true },
      dns: this.database ? this.clusterNetwork.dns : undefined,
    });
    if (this.database) this.model.connect(workload, this.database, options.reason);
    return workload;
  }

  private databaseEndpoint(db: RegistryDatabase): ServiceEndpoint | undefined {
    if (db.type !== 'postgres') return undefined;
    // With NetworkPolicies off nothing needs the location, but a given one is still checked.
    if (!this.policies && db.peer === undefined && db.host === undefined) return undefined;
    return { target: external('PostgreSQL', resolveDatabasePeer(this.scope, db)), ports: [{ port: db.port ?? 5432 }] };
  }
}

function external(what: string, peer: NetworkPeer): ExternalEndpoint {
  return Connectivity.external(`${what} (${describePeer(peer)})`, peer);
}
