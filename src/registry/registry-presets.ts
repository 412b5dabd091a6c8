import { NetworkPeer } from '../common/network';
import { RegistryProps } from './registry-props';

/** The registry's connection Secret in staging and prod: the `uri` key of a CloudNativePG app Secret. */
export const REGISTRY_DATABASE_SECRET = { secretName: 'mcp-mesh-registry-db', key: 'uri' } as const;

/**
 * Where staging's and prod's PostgreSQL runs: a managed server on the cluster's private network
 * (an address in 10.0.0.0/8, on the PostgreSQL port only). Narrow it to the server's address, or
 * name in-cluster pods, with `registry.database.peer`.
 */
export const REGISTRY_DATABASE_NETWORK: NetworkPeer = { cidr: '10.0.0.0/8' };

// Tiers follow seeds/mcp-mesh-k8s-manifests.md: dev one pod on SQLite; staging and prod three
// stateless pods on PostgreSQL with a PDB, topology spread and backups. The seed's production
// recommendation is an external PostgreSQL, so the presets place it by IP block (a pod selector
// would name pods this chart does not render).

/**
 * Registry props per environment tier: dev runs one pod on SQLite; staging and prod run three
 * on PostgreSQL with a PodDisruptionBudget, topology spread and daily backups.
 */
export const REGISTRY_PRESETS: Record<'dev' | 'staging' | 'prod', RegistryProps> = {
  dev: {
    replicas: 1,
    database: { type: 'sqlite', storageGibibytes: 1 },
    backup: { schedule: '0 2 * * *', retention: { keepLast: 3 }, storageGibibytes: 2 },
  },
  staging: {
    replicas: 3,
    database: { type: 'postgres', url: REGISTRY_DATABASE_SECRET, peer: REGISTRY_DATABASE_NETWORK },
    backup: { schedule: '0 2 * * *', retention: { keepLast: 7 }, storageGibibytes: 10 },
    podDisruptionBudget: { maxUnavailable: 1 },
  },
  prod: {
    replicas: 3,
    database: { type: 'postgres', url: REGISTRY_DATABASE_SECRET, peer: REGISTRY_DATABASE_NETWORK, waitTimeoutSeconds: 300 },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    backup: { schedule: '0 2 * * *', retention: { keepLast: 14, maxAgeDays: 30 }, storageGibibytes: 50 },
    podDisruptionBudget: { minAvailable: 2 },
  },
};
