import { McpConfigError } from '../common/errors';
import { McpServerTemplate, validateTemplate } from './server-template';

const LOG_LEVEL = {
  env: 'MCP_LOG_LEVEL',
  description: 'Server log level',
  enum: ['debug', 'info', 'warning', 'error'],
  default: 'info',
} as const;

/**
 * Built-in templates, from MCP Platform's template catalog (`mcp_platform/template/templates/
 * <id>/template.json`): same ids, transports, ports and `env_mapping`s. MCP Platform images
 * read the port from `MCP_PORT` and the transport from `MCP_TRANSPORT` as well as `PORT`.
 *
 * Tags are the template versions: build and push them to your registry prefix with
 * `docker build -t <prefix>/mcp-<id>:<tag> .` (the seed's build-images.sh), or override
 * `tag`/`digest` per template or per server.
 */
export const BUILTIN_TEMPLATES: readonly McpServerTemplate[] = [
  {
    id: 'demo',
    title: 'Demo Hello MCP Server',
    description: 'Greeting and echo tools; the smallest template, for smoke tests.',
    tag: '1.0.0',
    transports: ['http', 'stdio'],
    port: 7071,
    portEnvAliases: ['MCP_PORT'],
    transportEnv: 'MCP_TRANSPORT',
    config: {
      hello_from: { env: 'MCP_HELLO_FROM', description: 'Name the greeting tool says hello from', default: 'MCP Platform' },
      log_level: LOG_LEVEL,
    },
  },
  {
    id: 'file-server',
    title: 'File Server MCP',
    description: 'Secure file system access limited to the allowed directories.',
    tag: '1.0.0',
    transports: ['http', 'stdio'],
    port: 8080,
    portEnvAliases: ['MCP_PORT'],
    transportEnv: 'MCP_TRANSPORT',
    config: {
      allowed_directories: {
        env: 'MCP_ALLOWED_DIRS', type: 'array', separator: ':', required: true,
        description: 'Directories the server may read and write (mount them with volumes)',
      },
      read_only_mode: { env: 'MCP_READ_ONLY', type: 'boolean', default: false, description: 'Refuse every write' },
      max_file_size: { env: 'MCP_MAX_FILE_SIZE', type: 'integer', default: 100, description: 'Largest file served, in MB' },
      log_level: LOG_LEVEL,
    },
    volumes: [{ name: 'data', mountPath: '/data', sizeMebibytes: 1024 }],
  },
  {
    id: 'github',
    title: 'GitHub MCP Server',
    description: "GitHub's MCP server (repositories, issues, pull requests, actions); stdio only, so it runs behind the bridge.",
    tag: '0.13.0',
    transports: ['stdio'],
    port: 8080,
    stdio: { command: '/server/github-mcp-server', args: ['stdio'] },
    config: {
      github_token: { env: 'GITHUB_PERSONAL_ACCESS_TOKEN', secret: true, required: true, description: 'Personal access token the server acts as' },
      toolsets: { env: 'GITHUB_TOOLSETS', type: 'array', separator: ',', default: ['repos', 'issues', 'pull_requests'], description: 'Tool groups to enable' },
      read_only: { env: 'GITHUB_READ_ONLY', type: 'boolean', default: true, description: 'Expose read-only tools only' },
      host: { env: 'GITHUB_HOST', description: 'GitHub Enterprise Server host (unset for github.com)' },
    },
  },
  {
    id: 'snowflake',
    title: 'Snowflake MCP Server',
    description: 'Read-only access to Snowflake databases, schemas, tables and queries.',
    tag: '1.0.0',
    transports: ['http', 'stdio'],
    port: 7071,
    portEnvAliases: ['MCP_PORT'],
    transportEnv: 'MCP_TRANSPORT',
    config: {
      account: { env: 'SNOWFLAKE_ACCOUNT', required: true, description: "Account identifier, e.g. 'mycompany'" },
      user: { env: 'SNOWFLAKE_USER', description: 'User name' },
      password: { env: 'SNOWFLAKE_PASSWORD', secret: true, description: 'Password of the user' },
      private_key: { env: 'SNOWFLAKE_PRIVATE_KEY', secret: true, description: 'PEM private key for key-pair authentication' },
      authenticator: {
        env: 'SNOWFLAKE_AUTHENTICATOR', default: 'snowflake', description: 'Authentication method',
        enum: ['snowflake', 'oauth', 'externalbrowser', 'okta_endpoint', 'snowflake_jwt'],
      },
      warehouse: { env: 'SNOWFLAKE_WAREHOUSE', description: 'Default warehouse' },
      database: { env: 'SNOWFLAKE_DATABASE', description: 'Default database' },
      schema: { env: 'SNOWFLAKE_SCHEMA', description: 'Default schema' },
      role: { env: 'SNOWFLAKE_ROLE', description: 'Role to assume' },
      read_only: { env: 'SNOWFLAKE_READ_ONLY', type: 'boolean', default: true, description: 'Refuse DML and DDL' },
      query_timeout: { env: 'SNOWFLAKE_QUERY_TIMEOUT', type: 'integer', default: 300, description: 'Query timeout, in seconds' },
      log_level: LOG_LEVEL,
    },
  },
];

/**
 * The template catalog servers are deployed from: the built-ins plus any templates a user
 * registers. Every template is validated when it enters the catalog.
 *
 * ```ts
 * const catalog = McpServerCatalog.withBuiltins().register({ id: 'weather', ... });
 * new McpServer(chart, 'weather', { template: 'weather', catalog, config: { ... } });
 * ```
 */
export class McpServerCatalog {
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
