import { McpConfigError } from '../common/errors';
import { McpServerTemplate, validateTemplate } from './server-template';

// The built-ins are MCP Platform's templates (github:Data-Everything/MCP-Platform at 20af02e,
// `mcp_platform/template/templates/<id>/`: template.json, Dockerfile, server code), read there:
// - Images: template.json names `dataeverything/mcp-<id>:latest`. The release workflow
//   (.github/workflows/docker-hub.yml, docker/metadata-action) pushes, per push to main that
//   changes a template, `latest`, `main` and `sha-<7 hex of the pushed commit>`; no version tags.
//   The tags below are the `sha-` tags of the last main commits that changed each template before
//   20af02e (demo 1e0f1c1, filesystem 9713d6e, github d4c379b). Docker Hub cannot be reached from
//   where this was written, so they are derived from the workflow, not looked up: pin a digest
//   (`docker buildx imagetools inspect`) or override `image` where that matters.
// - There is no `file-server` template upstream (replaced on 2025-07-27 by the stdio-only
//   `filesystem`) and no `snowflake` template at all.

/** demo: FastMCP (Python) over HTTP; `server.py` registers `/health` and FastMCP serves `/mcp`. */
const DEMO: McpServerTemplate = {
  id: 'demo',
  title: 'Demo Hello MCP Server',
  description: 'Greeting and echo tools; the smallest template, for smoke tests.',
  source: 'https://github.com/Data-Everything/MCP-Platform/tree/20af02e/mcp_platform/template/templates/demo',
  repository: 'dataeverything/mcp-demo',
  tag: 'sha-1e0f1c1',
  // server.py: FastMCP(host=MCP_HOST or 0.0.0.0, port=MCP_PORT), run(transport=MCP_TRANSPORT);
  // it never reads PORT. Its stdio mode needs the Python runtime, which the bridge cannot copy.
  transports: ['http'],
  port: 7071,
  portEnv: ['MCP_PORT'],
  transportEnv: 'MCP_TRANSPORT',
  healthPath: '/health',
  mcpPath: '/mcp',
  // Dockerfile: `useradd mcp` on python:3.11-slim, the first user (UID 1000).
  uid: 1000,
  config: {
    hello_from: { env: 'MCP_HELLO_FROM', description: 'Name the greeting tool says hello from', default: 'MCP Platform' },
    log_level: {
      env: 'MCP_LOG_LEVEL', description: 'Server log level', enum: ['debug', 'info', 'warning', 'error'], default: 'info',
      logLevelValues: ['debug', 'info', 'warning', 'error'],
    },
  },
};

/**
 * filesystem: mark3labs/mcp-filesystem-server (Go, stdio only). Its `main.go` takes the allowed
 * directories as arguments and reads no env var, so `allowed_dirs` is passed on the command line
 * (upstream's `ALLOWED_DIRS` env mapping and `LOG_LEVEL` are not read by the binary).
 */
const FILESYSTEM: McpServerTemplate = {
  id: 'filesystem',
  title: 'Filesystem',
  description: 'Read and write files under the allowed directories (mount them with volumes); stdio only, behind the bridge.',
  source: 'https://github.com/Data-Everything/MCP-Platform/tree/20af02e/mcp_platform/template/templates/filesystem',
  repository: 'dataeverything/mcp-filesystem',
  tag: 'sha-9713d6e',
  transports: ['stdio'],
  port: 8080,
  // The image is FROM ghcr.io/mark3labs/mcp-filesystem-server (alpine, so it has `cp`); the
  // binary is built by `go build` in golang:alpine (no cgo) at /app/server.
  stdio: { command: '/app/server' },
  config: {
    allowed_dirs: {
      argument: {}, type: 'array', required: true,
      description: 'Directories the server may read and write (mount them with volumes)',
    },
  },
  volumes: [{ name: 'data', mountPath: '/data', sizeLimit: '1Gi' }],
};

/**
 * github: github-mcp-server 0.9.1 (the image copies `/server/github-mcp-server` from
 * ghcr.io/github/github-mcp-server:0.9.1 onto alpine), stdio only. At 0.9.1 (github:github/
 * github-mcp-server tag v0.9.1, cmd/github-mcp-server/main.go) viper reads GITHUB_-prefixed env
 * for personal_access_token, toolsets, dynamic_toolsets and host; `read-only` would be
 * `GITHUB_READ-ONLY`, not a valid env name, so read-only mode is the `--read-only` flag.
 * Upstream's template maps toolsets to GITHUB_TOOLSET (singular), which the binary never reads.
 */
const GITHUB: McpServerTemplate = {
  id: 'github',
  title: 'GitHub MCP Server',
  description: "GitHub's MCP server (repositories, issues, pull requests, actions); stdio only, behind the bridge.",
  source: 'https://github.com/Data-Everything/MCP-Platform/tree/20af02e/mcp_platform/template/templates/github',
  repository: 'dataeverything/mcp-github',
  tag: 'sha-d4c379b',
  transports: ['stdio'],
  port: 8080,
  stdio: { command: '/server/github-mcp-server', args: ['stdio'] },
  config: {
    github_token: { env: 'GITHUB_PERSONAL_ACCESS_TOKEN', secret: true, required: true, description: 'Personal access token the server acts as' },
    toolsets: { env: 'GITHUB_TOOLSETS', type: 'array', separator: ',', default: ['repos', 'issues', 'pull_requests'], description: 'Tool groups to enable' },
    dynamic_toolsets: { env: 'GITHUB_DYNAMIC_TOOLSETS', type: 'boolean', default: false, description: 'Let the model enable tool groups on demand' },
    read_only: { argument: { flag: '--read-only' }, type: 'boolean', default: true, description: 'Expose read-only tools only' },
    host: { env: 'GITHUB_HOST', description: 'GitHub Enterprise Server host (unset for github.com)' },
  },
  // The server's only peer is the GitHub REST/GraphQL API over HTTPS (api.github.com, or
  // GITHUB_HOST for Enterprise Server; raw file contents from raw.githubusercontent.com, also 443).
  egress: [{ description: 'GitHub API (HTTPS)', ports: [443] }],
};

/**
 * snowflake: there is no upstream template or image. The config schema is this library's: a
 * server of this template must bring an image (`image`) that reads these env vars and serves
 * MCP over HTTP on port 7071 with a `/health` endpoint.
 */
const SNOWFLAKE: McpServerTemplate = {
  id: 'snowflake',
  title: 'Snowflake MCP Server (bring your own image)',
  description: 'Read-only access to Snowflake; no upstream image exists, so each server names an image that implements this contract.',
  transports: ['http'],
  port: 7071,
  portEnv: ['MCP_PORT'],
  healthPath: '/health',
  config: {
    account: { env: 'SNOWFLAKE_ACCOUNT', required: true, description: "Account identifier, e.g. 'mycompany'" },
    user: { env: 'SNOWFLAKE_USER', description: 'User name' },
    password: { env: 'SNOWFLAKE_PASSWORD', secret: true, description: 'Password of the user' },
    private_key: { env: 'SNOWFLAKE_PRIVATE_KEY', secret: true, description: 'PEM private key for key-pair authentication' },
    warehouse: { env: 'SNOWFLAKE_WAREHOUSE', description: 'Default warehouse' },
    database: { env: 'SNOWFLAKE_DATABASE', description: 'Default database' },
    role: { env: 'SNOWFLAKE_ROLE', description: 'Role to assume' },
    read_only: { env: 'SNOWFLAKE_READ_ONLY', type: 'boolean', default: true, description: 'Refuse DML and DDL' },
  },
};

/**
 * Built-in templates: MCP Platform's `demo`, `filesystem` and `github`, each with the image,
 * port, health endpoint and env vars its server really uses, plus `snowflake`, a contract for
 * an image you provide.
 */
export const BUILTIN_TEMPLATES: readonly McpServerTemplate[] = [DEMO, FILESYSTEM, GITHUB, SNOWFLAKE];

/**
 * A template catalog, passed to servers by reference.
 * @constructHandle true
 */
export interface IMcpServerCatalog {
  /**
   * The template registered as `id`.
   * @throws McpConfigError naming the known ids when `id` is unknown.
   */
  get(id: string, path?: string): McpServerTemplate;
  /** Registered ids, sorted. */
  ids(): string[];
}

/**
 * The template catalog servers are deployed from: the built-ins plus any templates a user
 * registers. Every template is validated when it enters the catalog.
 *
 * ```ts
 * const catalog = McpServerCatalog.withBuiltins().register({ id: 'weather', ... });
 * new McpServer(chart, 'weather', { template: 'weather', catalog, config: { ... } });
 * ```
 */
export class McpServerCatalog implements IMcpServerCatalog {
  /** A catalog holding the built-in templates. */
  public static withBuiltins(): McpServerCatalog {
    return new McpServerCatalog(BUILTIN_TEMPLATES);
  }

  private readonly templates = new Map<string, McpServerTemplate>();

  /**
   * @param templates initial templates
   * @throws McpConfigError when a template is invalid or an id is registered twice.
   */
  public constructor(templates: readonly McpServerTemplate[] = []) {
    for (const t of templates) this.register(t);
  }

  /**
   * Adds a template; returns the catalog for chaining.
   * @throws McpConfigError when the template is invalid or its id is taken.
   */
  public register(template: McpServerTemplate): this {
    validateTemplate('McpServerCatalog', template);
    if (this.templates.has(template.id)) {
      throw new McpConfigError('McpServerCatalog', 'templates[].id', template.id, 'the id is already registered: pick another id, or build a catalog without the built-in of that name');
    }
    this.templates.set(template.id, template);
    return this;
  }

  /** Whether `id` is registered. */
  public has(id: string): boolean {
    return this.templates.has(id);
  }

  /**
   * The template registered as `id`.
   * @param path construct path of the caller, for the error
   * @throws McpConfigError naming the known ids when `id` is unknown.
   */
  public get(id: string, path = 'McpServerCatalog'): McpServerTemplate {
    const template = this.templates.get(id);
    if (!template) {
      throw new McpConfigError(path, 'template', id, `use a template of the catalog (${this.ids().join(', ')}) or register it first with catalog.register({ id: '${id}', ... })`);
    }
    return template;
  }

  /** Registered ids, sorted. */
  public ids(): string[] {
    return [...this.templates.keys()].sort();
  }

  /** Registered templates, sorted by id. */
  public list(): McpServerTemplate[] {
    return this.ids().map(id => this.templates.get(id)!);
  }
}
