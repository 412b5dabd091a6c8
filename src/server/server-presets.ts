import { McpServersSettings } from './server-fleet';

/**
 * Secrets the preset servers reference. They are never rendered: create them (by hand, with
 * external-secrets, ...) in the servers namespace before applying, e.g.
 * `kubectl create secret generic mcp-github-token -n mcp-servers-dev --from-literal=token=<PAT>`.
 */
export const SERVER_SECRETS = {
  githubToken: { secretName: 'mcp-github-token', key: 'token' },
} as const;

/** The shared volume of the filesystem server in staging and prod (a ReadWriteMany claim you provide). */
export const FILESYSTEM_CLAIM = 'mcp-filesystem-data';

/**
 * MCP servers per environment tier; only templates whose upstream image and endpoints are known.
 * - dev: `demo` (HTTP, exposed at demo.<host>, debug logging), `filesystem` on an emptyDir and
 *   `github`, both stdio only behind the bridge.
 * - staging and prod: the deployer RBAC with a namespace quota, and the servers agents use:
 *   `filesystem` on a shared claim and `github`, each highly available (two pods or an HPA, a
 *   PDB), read-only, reached only through the edge gateway; secrets are references to existing
 *   Secrets.
 */
export const SERVER_PRESETS: Record<'dev' | 'staging' | 'prod', McpServersSettings> = {
  dev: {
    servers: [
      { name: 'demo', template: 'demo', ingress: true, logLevel: 'debug', config: { hello_from: 'mcp-dev' } },
      { name: 'filesystem', template: 'filesystem', config: { allowed_dirs: ['/data'] } },
      { name: 'github', template: 'github', config: { github_token: SERVER_SECRETS.githubToken } },
    ],
  },
  staging: {
    deployer: { quota: { cpu: '8', memory: '16Gi', pods: 40 } },
    servers: [
      { name: 'filesystem', template: 'filesystem', replicas: 2, volumeClaims: { data: FILESYSTEM_CLAIM }, config: { allowed_dirs: ['/data'] } },
      { name: 'github', template: 'github', replicas: 2, config: { github_token: SERVER_SECRETS.githubToken, read_only: true } },
    ],
  },
  prod: {
    deployer: { quota: { cpu: '32', memory: '64Gi', pods: 120 } },
    servers: [
      {
        name: 'filesystem', template: 'filesystem', volumeClaims: { data: FILESYSTEM_CLAIM },
        autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilizationPercent: 70 },
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        config: { allowed_dirs: ['/data'] },
      },
      {
        name: 'github', template: 'github', autoscaling: { minReplicas: 2, maxReplicas: 4 },
        config: { github_token: SERVER_SECRETS.githubToken, read_only: true },
      },
    ],
  },
};
