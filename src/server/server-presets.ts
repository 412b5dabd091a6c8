import { McpServersSettings } from './server-fleet';

/**
 * Secrets the preset servers reference. They are never rendered: create them (by hand, with
 * external-secrets, ...) in the servers namespace before applying, e.g.
 * `kubectl create secret generic mcp-github-token -n mcp-servers-dev --from-literal=token=<PAT>`.
 */
export const SERVER_SECRETS = {
  githubToken: { secretName: 'mcp-github-token', key: 'token' },
} as const;

/** The shared volume of the file server in staging and prod (a ReadWriteMany claim you provide). */
export const FILE_SERVER_CLAIM = 'mcp-file-server-data';

/**
 * MCP servers per environment tier.
 * - dev deploys the sample templates: `demo` (exposed at demo.<host>), `file-server` on an
 *   emptyDir, and `github` (stdio only, behind the bridge). Debug logging is allowed.
 * - staging and prod render the deployer RBAC (with a namespace quota) and the servers agents
 *   use: `file-server` on a shared claim and `github`, each highly available (two pods or an
 *   HPA, a PDB), read-only, reached only through the edge gateway; secrets are references to
 *   existing Secrets.
 */
export const SERVER_PRESETS: Record<'dev' | 'staging' | 'prod', McpServersSettings> = {
  dev: {
    servers: [
      { name: 'demo', template: 'demo', ingress: true, config: { hello_from: 'mcp-dev', log_level: 'debug' } },
      { name: 'file-server', template: 'file-server', config: { allowed_directories: ['/data'], log_level: 'debug' } },
      { name: 'github', template: 'github', config: { github_token: SERVER_SECRETS.githubToken } },
    ],
  },
  staging: {
    deployer: { quota: { cpuLimitMillis: 8000, memoryLimitMebibytes: 16384, pods: 40 } },
    servers: [
      {
        name: 'file-server', template: 'file-server', replicas: 2, volumeClaims: { data: FILE_SERVER_CLAIM },
        config: { allowed_directories: ['/data'], read_only_mode: true },
      },
      { name: 'github', template: 'github', replicas: 2, config: { github_token: SERVER_SECRETS.githubToken, read_only: true } },
    ],
  },
  prod: {
    deployer: { quota: { cpuLimitMillis: 32000, memoryLimitMebibytes: 65536, pods: 120 } },
    servers: [
      {
        name: 'file-server', template: 'file-server', volumeClaims: { data: FILE_SERVER_CLAIM },
        autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 70 },
        resources: { cpuRequestMillis: 250, memoryRequestMebibytes: 256, cpuLimitMillis: 1000, memoryLimitMebibytes: 1024 },
        config: { allowed_directories: ['/data'], read_only_mode: true },
      },
      {
        name: 'github', template: 'github', autoscaling: { minReplicas: 2, maxReplicas: 4 },
        config: { github_token: SERVER_SECRETS.githubToken, read_only: true },
      },
    ],
  },
};
