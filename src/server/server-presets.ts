import { IngressOptions } from '../common/ingress';
import { McpServerInstance, McpServersSettings } from './server-fleet';

/**
 * Secrets the preset servers read, in the servers namespace. staging: a prerequisite
 * (`kubectl create secret generic mcp-github-token -n mcp-servers-staging --from-literal=token=<PAT>`);
 * prod: written by an ExternalSecret from the store's `mcp/mcp-servers-prod/mcp-github-token`,
 * property `token`. dev renders no server that needs one.
 */
export const SERVER_SECRETS = {
  githubToken: { secretName: 'mcp-github-token', key: 'token' },
} as const;

/** The shared volume of the filesystem server in staging (a ReadWriteMany claim you provide). */
export const FILESYSTEM_CLAIM = 'mcp-filesystem-data';

// Every preset server has a real caller: its Ingress at <server>.<environment ingress host>
// (MCP Platform's design reaches each deployment through an ingress host, MCP_INGRESS_HOST),
// which MCP clients outside the cluster (IDEs, desktop assistants) use. None of the preset
// platform workloads speaks MCP to these servers (Edge MCP serves the core platform's tools,
// the preset agents call each other through the mesh), so no in-cluster client is declared for
// them: `networkPolicy.clients` admits the ones a user runs.

// The servers authenticate no client (neither does MCP Platform's design), github holds a token
// and filesystem writes: staging and prod Ingresses answer private networks only, through
// ingress-nginx's source allowlist (it needs the client address: externalTrafficPolicy Local or
// the PROXY protocol on the controller's Service). Other controllers need their own equivalent.
const PRIVATE_NETWORKS_ONLY: IngressOptions = {
  annotations: { 'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16' },
};

/**
 * The `github` server, for environments that provide its token. dev leaves it out (its token is
 * issued by GitHub and cannot be generated, and dev has no prerequisite); add it to dev with
 * `servers: [...SERVER_PRESETS.dev.servers, githubServer()]` after creating the Secret.
 */
export function githubServer(overrides: Partial<McpServerInstance> = {}): McpServerInstance {
  return {
    name: 'github', template: 'github', ingress: true,
    ...overrides,
    config: { github_token: SERVER_SECRETS.githubToken, read_only: true, ...overrides.config },
  };
}

/**
 * MCP servers per environment tier; only templates whose upstream image and endpoints are known.
 * Each server is exposed at `<server>.<environment ingress host>` (the MCP path only; TLS where
 * the environment has it).
 * - dev: `demo` (HTTP, debug logging) and `filesystem` on an emptyDir (stdio behind the bridge);
 *   no Secret, no claim: nothing to create first. `github` is opt-in ({@link githubServer}).
 * - staging: the deployer RBAC with a namespace quota; `filesystem` on the shared claim
 *   {@link FILESYSTEM_CLAIM} and read-only `github` with its token from an existing Secret,
 *   each with two pods and a PDB.
 * - prod: as staging, autoscaled; `filesystem` renders its own ReadWriteMany claim (the cluster's
 *   default StorageClass must offer ReadWriteMany, or set `storageClassName`) and the GitHub
 *   token comes from the secret store through an ExternalSecret.
 */
export const SERVER_PRESETS: Record<'dev' | 'staging' | 'prod', McpServersSettings> = {
  dev: {
    servers: [
      { name: 'demo', template: 'demo', ingress: true, logLevel: 'debug', config: { hello_from: 'mcp-dev' } },
      { name: 'filesystem', template: 'filesystem', ingress: true, config: { allowed_dirs: ['/data'] } },
    ],
  },
  staging: {
    deployer: { quota: { cpu: '8', memory: '16Gi', pods: 40 } },
    servers: [
      { name: 'filesystem', template: 'filesystem', ingress: PRIVATE_NETWORKS_ONLY, replicas: 2, volumeClaims: { data: FILESYSTEM_CLAIM }, config: { allowed_dirs: ['/data'] } },
      githubServer({ replicas: 2, ingress: PRIVATE_NETWORKS_ONLY }),
    ],
  },
  prod: {
    deployer: { quota: { cpu: '32', memory: '64Gi', pods: 120 } },
    servers: [
      {
        name: 'filesystem', template: 'filesystem', ingress: PRIVATE_NETWORKS_ONLY,
        volumeClaims: { data: { size: '20Gi', accessMode: 'ReadWriteMany' } },
        autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilizationPercent: 70 },
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        config: { allowed_dirs: ['/data'] },
      },
      githubServer({ autoscaling: { minReplicas: 2, maxReplicas: 4 }, ingress: PRIVATE_NETWORKS_ONLY }),
    ],
  },
};
