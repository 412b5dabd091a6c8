import { McpConfigError } from '../common/errors';
import { ImageReference } from '../common/image';
import { ResourceSpec } from '../common/resources';
import { SERVER_RUNTIME } from './server-runtime';

/** Transports an MCP server template can speak. */
export type McpTransport = 'http' | 'sse' | 'stdio';

/** Value types of a template config key (the JSON schema types of MCP Platform's template.json). */
export type McpConfigType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

/**
 * One key of a template's config schema: how a user-facing config key becomes an env var
 * of the server process (MCP Platform's `config_schema.properties.*.env_mapping`).
 */
export interface McpConfigKey {
  /** Env var the image reads the value from (C identifier), e.g. `GITHUB_PERSONAL_ACCESS_TOKEN`. */
  readonly env: string;
  /** One-line description, shown in errors and the README. */
  readonly description: string;
  /** Value type; values are checked against it at synth. @default 'string' */
  readonly type?: McpConfigType;
  /** The key must be given (or have a default). @default false */
  readonly required?: boolean;
  /**
   * The value is a credential: it must be a reference to a key of an existing Secret
   * (`{ secretName, key }`) and is never written to a ConfigMap. @default false
   */
  readonly secret?: boolean;
  /** Value used when the key is not given; rendered into the ConfigMap. Not allowed on secret keys. */
  readonly default?: string | number | boolean | readonly string[];
  /** Allowed values of a string key. */
  readonly enum?: readonly string[];
  /** Joins array values into one env var (`env_separator`). @default ',' */
  readonly separator?: string;
}

/** A writable directory the server needs (its root filesystem is read-only). */
export interface McpTemplateVolume {
  /** Volume name (RFC 1123 label), also the key of `McpServerProps.volumeClaims`. */
  readonly name: string;
  /** Absolute mount path. */
  readonly mountPath: string;
  /** Size limit of the default emptyDir, in MiB. @default 256 */
  readonly sizeMebibytes?: number;
}

/** How to start a stdio-only server inside the bridge: the process the bridge spawns. */
export interface McpStdioCommand {
  /** Executable, absolute or on the image's PATH. */
  readonly command: string;
  /** Arguments. @default [] */
  readonly args?: readonly string[];
}

/**
 * A deployable MCP server template: its image, transports, port and config schema. The
 * catalog's built-ins mirror MCP Platform's `template.json` files; users register their own.
 */
export interface McpServerTemplate {
  /** Template id (RFC 1123 label): the catalog key and the default image name `mcp-<id>`. */
  readonly id: string;
  /** Human title. */
  readonly title: string;
  /** One-line description. */
  readonly description: string;
  /**
   * Image repository. A bare name is placed under the registry prefix
   * (`<prefix>/<repository>`); a reference with a registry host is used as is.
   * @default `mcp-<id>`
   */
  readonly repository?: string;
  /** Pinned image tag (never `latest`). Required unless `digest` is set. */
  readonly tag?: string;
  /** Image digest (`sha256:<64 hex>`); with a tag, the digest wins at pull time. */
  readonly digest?: string;
  /** Transports the image supports; McpServer prefers `http`, then `sse`, then `stdio` behind the bridge. */
  readonly transports: readonly McpTransport[];
  /** Port the HTTP transports listen on (passed in `PORT`), and the bridge's port for stdio. */
  readonly port: number;
  /** Extra env vars that must also carry the port (e.g. MCP Platform images read `MCP_PORT`). @default [] */
  readonly portEnvAliases?: readonly string[];
  /** Env var that tells the image which transport to serve (e.g. `MCP_TRANSPORT`). @default - none */
  readonly transportEnv?: string;
  /** Process the bridge spawns; required when `stdio` is the only transport. */
  readonly stdio?: McpStdioCommand;
  /** The config schema, keyed by user-facing config key. @default {} */
  readonly config?: Readonly<Record<string, McpConfigKey>>;
  /** Writable directories, emptyDir unless the server maps them to a claim. @default [] */
  readonly volumes?: readonly McpTemplateVolume[];
  /** UID the image is built for (pods run as this non-root user). @default 65532 */
  readonly uid?: number;
  /** Default requests and limits. @default 100m/128Mi requests, 500m/512Mi limits */
  readonly resources?: ResourceSpec;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The env vars the runtime itself sets for a template (port and transport), which config keys may not reuse. */
export function runtimeEnvNames(template: McpServerTemplate): string[] {
  return [SERVER_RUNTIME.portEnv, ...(template.portEnvAliases ?? []), ...(template.transportEnv ? [template.transportEnv] : [])];
}

/**
 * Checks a template's own consistency, independent of any server: id, pinned image, port,
 * transports, config schema (env names unique and distinct from the runtime's, no defaults
 * on secrets, enums and defaults typed) and the stdio command.
 * @param path where the template came from, for the error (e.g. `McpServerCatalog`)
 * @throws McpConfigError naming `templates.<id>.<field>`, the value and the fix.
 */
export function validateTemplate(path: string, template: McpServerTemplate): void {
  const at = (field: string) => `templates.${template.id}.${field}`;
  const fail = (field: string, value: unknown, fix: string): never => { throw new McpConfigError(path, at(field), value, fix); };
  if (typeof template.id !== 'string' || template.id.length > 40 || !ID.test(template.id)) {
    throw new McpConfigError(path, 'templates[].id', template.id, "use at most 40 lower-case letters, digits and '-' (RFC 1123 label), e.g. 'file-server'");
  }
  if (!Number.isInteger(template.port) || template.port < 1 || template.port > 65535) {
    fail('port', template.port, 'use the TCP port the server listens on, a whole number between 1 and 65535 (it is passed to the image in PORT)');
  }
  if (template.port < 1024) {
    fail('port', template.port, 'use a port of 1024 or more: pods run as non-root with all capabilities dropped and cannot bind privileged ports');
  }
  if (!template.tag && !template.digest) fail('tag', template.tag, 'pin the image: set tag to a version (e.g. 1.0.0) or digest to sha256:<64 hex>; latest is never allowed');
  if (template.tag === 'latest') fail('tag', template.tag, 'pin the image to a version tag or a digest; latest is never allowed');
  try {
    templateImage(template, SERVER_RUNTIME.registryPrefix);
  } catch (e) {
    fail('repository', template.repository ?? `mcp-${template.id}`, (e as Error).message);
  }
  if (!template.transports?.length || template.transports.some(t => !['http', 'sse', 'stdio'].includes(t))) {
    fail('transports', template.transports, "list the transports the image supports: 'http', 'sse' and/or 'stdio'");
  }
  if (onlyStdio(template) && !template.stdio?.command) {
    fail('stdio.command', template.stdio, 'a stdio-only template runs behind the stdio bridge, which spawns the server: set stdio.command (and args) to the command that starts it');
  }
  if (template.uid !== undefined && (!Number.isInteger(template.uid) || template.uid < 1)) {
    fail('uid', template.uid, 'use the non-root UID the image is built for (a whole number >= 1)');
  }
  const runtime = runtimeEnvNames(template);
  for (const name of runtime) if (!ENV_NAME.test(name)) fail('portEnvAliases/transportEnv', name, 'use a C identifier ([A-Za-z_][A-Za-z0-9_]*)');
  const seen = new Map<string, string>();
  for (const [key, spec] of Object.entries(template.config ?? {})) {
    if (!ENV_NAME.test(spec.env)) fail(`config.${key}.env`, spec.env, 'use a C identifier ([A-Za-z_][A-Za-z0-9_]*) for the env var name');
    if (runtime.includes(spec.env)) fail(`config.${key}.env`, spec.env, `${spec.env} is set by the runtime (port/transport); map the key to another env var so the container never gets it twice`);
    const other = seen.get(spec.env);
    if (other) fail(`config.${key}.env`, spec.env, `config key '${other}' already maps to ${spec.env}; give each key its own env var so the container never gets it twice`);
    seen.set(spec.env, key);
    if (spec.secret && spec.default !== undefined) fail(`config.${key}.default`, '(redacted)', 'secret keys cannot have defaults: a default would be written in plain text');
    if (spec.enum && (spec.type ?? 'string') !== 'string') fail(`config.${key}.enum`, spec.enum, 'enums are only allowed on string keys');
    if (spec.default !== undefined) {
      const problem = typeProblem(spec, spec.default);
      if (problem) fail(`config.${key}.default`, spec.default, problem);
    }
  }
  for (const v of template.volumes ?? []) {
    if (!ID.test(v.name) || v.name.length > 63) fail('volumes[].name', v.name, "use an RFC 1123 label, e.g. 'data'");
    if (!v.mountPath.startsWith('/')) fail(`volumes.${v.name}.mountPath`, v.mountPath, 'use an absolute path');
  }
}

/** Whether stdio is the template's only transport (so it needs the bridge). */
export function onlyStdio(template: McpServerTemplate): boolean {
  return template.transports.length > 0 && template.transports.every(t => t === 'stdio');
}

/**
 * The template's image under `registryPrefix` (`<prefix>/mcp-<id>:<tag>[@digest]`), parsed with
 * the distribution reference grammar: a prefix may carry a registry port and nested paths
 * (`registry.local:5000/team/mcp`), which the original backend's `split(':')` turned into `repo:repo`.
 * @throws Error when the resulting reference is malformed.
 */
export function templateImage(template: McpServerTemplate, registryPrefix: string): ImageReference {
  const repository = template.repository ?? `mcp-${template.id}`;
  const base = hasRegistryHost(repository) ? repository : `${registryPrefix.replace(/\/+$/, '')}/${repository}`;
  const ref = `${base}${template.tag ? `:${template.tag}` : ''}${template.digest ? `@${template.digest}` : ''}`;
  return ImageReference.parse(ref);
}

function hasRegistryHost(repository: string): boolean {
  const first = repository.split('/')[0];
  return repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/** Why `value` does not fit `spec`, or undefined when it does. */
export function typeProblem(spec: McpConfigKey, value: unknown): string | undefined {
  const type = spec.type ?? 'string';
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return 'use a string';
      if (spec.enum && !spec.enum.includes(value)) return `use one of ${spec.enum.map(v => `'${v}'`).join(', ')}`;
      return undefined;
    case 'integer':
      return Number.isInteger(value) ? undefined : 'use a whole number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'use a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'use true or false';
    case 'array':
      return Array.isArray(value) && value.every(v => typeof v === 'string') ? undefined : "use a list of strings, e.g. ['/data']";
  }
  return `unknown type ${type}`;
}
