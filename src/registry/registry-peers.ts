import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { NetworkPeer } from '../common/network';
import { validateCidr, validateDnsLabel, validateDnsSubdomain, validateLabels } from '../common/validation';
import { PostgresDatabase } from './registry-database';

// A `<service>.<namespace>.svc` name, optionally followed by the cluster domain (cluster.local or
// another one), and a bare `<service>` in the client's own namespace: the two forms cluster DNS
// resolves for a Service. `<service>.<namespace>` is left out on purpose: it cannot be told apart
// from an external name such as `db.example`.
const QUALIFIED_SERVICE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/;
const BARE_SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The pods behind a cluster Service host name: every pod of the Service's namespace (the Service's
 * own selector is not known to the chart), or undefined for a host outside the cluster.
 * @internal
 */
export function clusterServicePeer(host: string): NetworkPeer | undefined {
  const qualified = QUALIFIED_SERVICE.exec(host);
  if (qualified) return { namespace: qualified[3] };
  // A bare name resolves in the client's namespace: every pod there.
  return BARE_SERVICE.test(host) ? {} : undefined;
}

/**
 * Where the registry's PostgreSQL runs, for the egress of every pod that connects to it (the
 * registry, its backup and its restore). The URI is in a Secret, so the user says where: `peer`,
 * or `host` when it is a cluster Service. There is no fallback to 0.0.0.0/0: on CNIs that do not
 * match pod addresses with ipBlock (Cilium, GKE Dataplane V2) it cuts the registry off from an
 * in-cluster database, and elsewhere it opens the port to the whole internet.
 * @throws McpConfigError when neither or both are set, for a host outside the cluster, or for an
 * invalid peer
 * @internal
 */
export function resolveDatabasePeer(scope: IConstruct, db: PostgresDatabase): NetworkPeer {
  if (db.peer !== undefined && db.host !== undefined) {
    invalid(scope, 'database.host', db.host, 'set database.peer or database.host, not both: peer says where the server runs, host derives it from a cluster Service name');
  }
  if (db.peer !== undefined) return validatePeer(scope, 'database.peer', db.peer);
  if (db.host === undefined) {
    invalid(scope, 'database.peer', undefined,
      "say where the PostgreSQL server runs, for the NetworkPolicies: database.host = '<service>.<namespace>.svc' for a cluster Service, database.peer = { namespace, podLabels } for in-cluster pods (a CloudNativePG cluster: { namespace: 'db', podLabels: { 'cnpg.io/cluster': 'registry-db' } }), or database.peer = { cidr: '10.20.0.5/32' } for an external server");
  }
  validateDnsSubdomain(scope, 'database.host', db.host);
  const peer = clusterServicePeer(db.host);
  if (!peer) {
    invalid(scope, 'database.host', db.host,
      "this is not a cluster Service name (<service>.<namespace>.svc), so its addresses are not known at synth: set database.peer = { cidr: '<the server address>/32' } (or its network's block) instead of database.host");
  }
  return peer;
}

/**
 * Checks one NetworkPolicy peer: its CIDR, namespace name and pod labels.
 * @throws McpConfigError naming `<field>.cidr` etc.
 * @internal
 */
export function validatePeer(scope: IConstruct, field: string, peer: NetworkPeer): NetworkPeer {
  if (typeof peer !== 'object' || peer === null || Array.isArray(peer)) invalid(scope, field, peer, "use an object such as { namespace: 'db', podLabels: { app: 'postgres' } } or { cidr: '10.20.0.5/32' }");
  if (peer.cidr !== undefined) validateCidr(scope, `${field}.cidr`, peer.cidr);
  if (peer.namespace !== undefined) validateDnsLabel(scope, `${field}.namespace`, peer.namespace);
  if (peer.podLabels !== undefined) validateLabels(scope, `${field}.podLabels`, peer.podLabels);
  return peer;
}
