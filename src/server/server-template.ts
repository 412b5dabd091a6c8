import { isIP } from 'net';
import { McpConfigError } from '../common/errors';
import { ImageReference } from '../common/image';
import { ResourceRequirements } from '../common/resources';
import { STDIO_BRIDGE } from './server-runtime';

/** Transports an MCP server template can speak. */
export type McpTransport = 'http' | 'sse' | 'stdio';

/** Value types of a template config key (the JSON Schema types of a template's config schema). */
export type McpConfigType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

/**
 * How a config value reaches the server as a command-line argument (for servers that read no
 * env var for it). Arrays become one argument per item.
 */
export interface McpConfigArgument {
  /**
   * Flag to pass: a boolean key adds the bare flag when true (`--read-only`); other values are
   * passed as `<flag>=<value>`.
   * @default - positional arguments (the value itself)
   */
  readonly flag?: string;
}

/**
 * One key of a template's config schema: how a user-facing config key reaches the server
 * process, as an env var (`env`) or as command-line arguments (`argument`). Set exactly one.
 */
export interface McpConfigKey {
  /** Env var the server reads the value from (C identifier), e.g. `GITHUB_PERSONAL_ACCESS_TOKEN`. @default - none; set `argument` instead */
  readonly env?: string;
  /** Pass the value on the server's command line instead of in an env var (stdio servers only). @default - none; set `env` instead */
  readonly argument?: McpConfigArgument;
  /** One-line description, shown in errors and the README. */
  readonly description: string;
  /** Value type; values are checked against it at synth. @default 'string' */
  readonly type?: McpConfigType;
  /** The key must be given (or have a default). @default false */
  readonly required?: boolean;
  /**
   * The value is a credential: it must be a reference to a key of an existing Secret
   * (`{ secretName, key }`), is passed as a `secretKeyRef` env var and never written to a
   * ConfigMap. Needs `env`. @default false
   */
  readonly secret?: boolean;
  /** Value used when the key is not given. Not allowed on secret keys. @default - none */
  readonly default?: string | number | boolean | readonly string[];
  /** Allowed values of a string key. @default - any string */
  readonly enum?: readonly string[];
  /** Joins array values into one env var. @default ',' */
  readonly separator?: string;
  /**
   * The template's log level key: the server's `logLevel` prop sets it, mapped onto these
   * values (`debug`, `info`, `warning`, `error` in that order). @default - not a log level key
   */
  readonly logLevelValues?: readonly [string, string, string, string];
}

/** A writable directory the server needs (its root filesystem is read-only). */
export interface McpTemplateVolume {
  /** Volume name (RFC 1123 label), also the key of `McpServerProps.volumeClaims`. */
  readonly name: string;
  /** Absolute mount path. */
  readonly mountPath: string;
  /** Size limit of the default emptyDir, as a quantity (`'1Gi'`). @default '256Mi' */
  readonly sizeLimit?: string;
}

/**
 * A destination outside the cluster the server calls. Its NetworkPolicy isolates egress: the pods
 * may reach cluster DNS and these destinations only, on these ports.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export interface McpServerEgress {
  /** What it is, shown in the connectivity document, e.g. `'GitHub API'`. */
  readonly description: string;
  /** TCP ports (1-65535). */
  readonly ports: readonly number[];
  /**
   * Addresses in CIDR notation. Services on the internet rarely have stable addresses, so the
   * default is every address; narrow it where the destination's ranges are known (e.g. a GitHub
   * Enterprise Server's subnet).
   * @default '0.0.0.0/0'
   */
  readonly cidr?: string;
}

/**
 * How the stdio bridge starts a stdio-only server: a self-contained executable in the
 * template's image, which an init container copies out of that image (with the image's own
 * `cp`) for the bridge to spawn.
 */
export interface McpStdioCommand {
  /** Absolute path of the server's executable in the template's image. It must not need the image's libraries (e.g. a static Go binary). */
  readonly command: string;
  /** Arguments before those built from `argument` config keys. @default [] */
  readonly args?: readonly string[];
}

/**
 * A deployable MCP server template: its image, transports, port, health endpoint and config
 * schema, i.e. everything its server process reads. The built-ins mirror MCP Platform's
 * templates; users register their own.
 */
export interface McpServerTemplate {
  /** Template id (RFC 1123 label, at most 40 characters): the catalog key. */
  readonly id: string;
  /** Human title. */
  readonly title: string;
  /** One-line description. */
  readonly description: string;
  /**
   * Where the template comes from (a URL), for the README's catalog table.
   * @default - the user's own template
   */
  readonly source?: string;
  /**
   * Image repository, without tag (e.g. `dataeverything/mcp-demo`, `registry.local:5000/team/mcp`).
   * @default - none: every server of the template must set `image`
   */
  readonly repository?: string;
  /** Pinned image tag (never `latest`). @default - none: `digest`, or the server's `image` */
  readonly tag?: string;
  /** Image digest (`sha256:<64 hex>`). @default - none */
  readonly digest?: string;
  /** Transports the image supports; McpServer prefers `http`, then `sse`, then `stdio` behind the bridge. */
  readonly transports: readonly McpTransport[];
  /** Port the HTTP transports listen on, and the bridge's port for stdio (1024-65535). */
  readonly port: number;
  /** Env vars the image reads the port from (e.g. `MCP_PORT`). @default - none: the image listens on `port` by itself */
  readonly portEnv?: readonly string[];
  /** Env var that tells the image which transport to serve (e.g. `MCP_TRANSPORT`). @default - none */
  readonly transportEnv?: string;
  /**
   * HTTP path that answers 200 while the server is healthy, probed for startup, liveness and
   * readiness. Never the MCP endpoint (a plain GET there is not an MCP request).
   * @default - TCP probes on `port`
   */
  readonly healthPath?: string;
  /** Path of the MCP endpoint (Streamable HTTP) or SSE stream, routed by the Ingress. @default '/mcp' ('/sse' for sse) */
  readonly mcpPath?: string;
  /**
   * Path SSE clients POST their messages to (the `endpoint` event of the SSE stream names it), routed
   * by the Ingress next to `mcpPath` when the server speaks SSE.
   * @default '/messages'
   */
  readonly sseMessagesPath?: string;
  /** How the bridge starts the server; required when `stdio` is the only transport. @default - no stdio through the bridge */
  readonly stdio?: McpStdioCommand;
  /** The config schema, keyed by user-facing config key. @default {} */
  readonly config?: Readonly<Record<string, McpConfigKey>>;
  /** Writable directories, emptyDir unless the server maps them to a claim. @default [] */
  readonly volumes?: readonly McpTemplateVolume[];
  /** UID the image is built for (pods run as this non-root user). @default 65532 */
  readonly uid?: number;
  /** Default requests and limits. @default 100m/128Mi requests, 500m/512Mi limits */
  readonly resources?: ResourceRequirements;
  /**
   * What the server calls outside the cluster: its NetworkPolicy allows DNS and these only.
   * @default [] (DNS only: the server calls nothing)
   */
  readonly egress?: readonly McpServerEgress[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The env vars the runtime itself sets for a template (port and transport), which config keys may not reuse. */
export function runtimeEnvNames(template: McpServerTemplate): string[] {
  return [...(template.portEnv ?? []), ...(template.transportEnv ? [template.transportEnv] : [])];
}

/** Whether stdio is the template's only transport (so it needs the bridge). */
export function onlyStdio(template: McpServerTemplate): boolean {
  return template.transports.length > 0 && template.transports.every(t => t === 'stdio');
}

/** Whether servers of the template must bring their own image (the template names none). */
export function needsUserImage(template: McpServerTemplate): boolean {
  return template.repository === undefined;
}

/**
 * Checks a template's own consistency, independent of any server: id, image, port,
 * transports, health path, config schema (one destination per key, env names unique, distinct
 * from the runtime's and the bridge's, no defaults or arguments for secrets, typed defaults
 * and enums) and the stdio command.
 * @param path where the template came from, for the error (e.g. `McpServerCatalog`)
 * @throws McpConfigError naming `templates.<id>.<field>`, the value and the fix.
 */
export function validateTemplate(path: string, template: McpServerTemplate): void {
  const fail = (field: string, value: unknown, fix: string): never => { throw new McpConfigError(path, `templates.${template.id}.${field}`, value, fix); };
  if (typeof template.id !== 'string' || template.id.length > 40 || !ID.test(template.id)) {
    throw new McpConfigError(path, 'templates[].id', template.id, "use at most 40 lower-case letters, digits and '-' (RFC 1123 label), e.g. 'filesystem'");
  }
  if (!Number.isInteger(template.port) || template.port < 1024 || template.port > 65535) {
    fail('port', template.port, 'use the TCP port the server listens on, a whole number from 1024 to 65535 (pods run as non-root with all capabilities dropped and cannot bind privileged ports)');
  }
  if (template.port === STDIO_BRIDGE.readiness.port) fail('port', template.port, `use another port: ${STDIO_BRIDGE.readiness.port} is the stdio bridge's readiness port`);
  validateTemplateImage(template, fail);
  if (!template.transports?.length || template.transports.some(t => !['http', 'sse', 'stdio'].includes(t))) {
    fail('transports', template.transports, "list the transports the image supports: 'http', 'sse' and/or 'stdio'");
  }
  for (const [field, value] of [['healthPath', template.healthPath], ['mcpPath', template.mcpPath], ['sseMessagesPath', template.sseMessagesPath]] as const) {
    if (value !== undefined && !/^\/[A-Za-z0-9._~\-/]*$/.test(value)) fail(field, value, "use an absolute URL path such as '/health'");
  }
  if (template.healthPath !== undefined && template.healthPath === (template.mcpPath ?? '/mcp')) {
    fail('healthPath', template.healthPath, 'probe a health endpoint, not the MCP endpoint: a plain GET there is not an MCP request and fails');
  }
  if (onlyStdio(template) && !template.stdio) {
    fail('stdio', template.stdio, 'a stdio-only template runs behind the stdio bridge: set stdio.command to the absolute path of the server executable in the image');
  }
  if (template.stdio && !template.stdio.command?.startsWith('/')) {
    fail('stdio.command', template.stdio.command, "use the absolute path of the executable in the image (the bridge copies it by path), e.g. '/server/github-mcp-server'");
  }
  if (template.uid !== undefined && (!Number.isInteger(template.uid) || template.uid < 1)) {
    fail('uid', template.uid, 'use the non-root UID the image is built for (a whole number >= 1)');
  }
  validateConfigSchema(template, fail);
  validateEgress(template.egress ?? [], (field, value, fix) => fail(`egress${field}`, value, fix));
  for (const v of template.volumes ?? []) {
    if (!ID.test(v.name) || v.name.length > 63) fail('volumes[].name', v.name, "use an RFC 1123 label, e.g. 'data'");
    if (!v.mountPath?.startsWith('/')) fail(`volumes.${v.name}.mountPath`, v.mountPath, 'use an absolute path');
  }
}

type Fail = (field: string, value: unknown, fix: string) => never;

/**
 * Checks egress destinations (a template's, or a server's `egress`): a description, TCP ports
 * from 1 to 65535, and a CIDR.
 * @param fail called with the field below the list (`[0].ports`), the value and the fix
 */
export function validateEgress(egress: readonly McpServerEgress[], fail: Fail): void {
  if (!Array.isArray(egress)) fail('', egress, "list the destinations, e.g. [{ description: 'GitHub API', ports: [443] }]");
  egress.forEach((e, i) => {
    if (typeof e?.description !== 'string' || e.description.trim() === '') fail(`[${i}].description`, e?.description, "say what the destination is, e.g. 'GitHub API'");
    if (!Array.isArray(e.ports) || e.ports.length === 0 || e.ports.some((p: number) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      fail(`[${i}].ports`, e.ports, 'list the TCP ports the server connects to, whole numbers from 1 to 65535 (e.g. [443])');
    }
    if (e.cidr !== undefined && !validCidr(e.cidr)) fail(`[${i}].cidr`, e.cidr, "use CIDR notation, e.g. '140.82.112.0/20' (or leave it unset for every address)");
  });
}

// Templates are validated without a construct (validateCidr needs one), so the same check by hand.
function validCidr(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const [address, prefix, ...rest] = cidr.split('/');
  const family = isIP(address);
  return family !== 0 && rest.length === 0 && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= (family === 4 ? 32 : 128);
}

function validateTemplateImage(template: McpServerTemplate, fail: Fail): void {
  if (template.repository === undefined) {
    if (template.tag !== undefined || template.digest !== undefined) fail('repository', undefined, 'set the repository the tag or digest belongs to');
    return;
  }
  if (!template.tag && !template.digest) fail('tag', template.tag, 'pin the image: set tag to a version (e.g. 1.0.0) or digest to sha256:<64 hex>; latest is never allowed');
  if (template.tag === 'latest') fail('tag', template.tag, 'pin the image to a version tag or a digest; latest is never allowed');
  try {
    templateImage(template);
  } catch (e) {
    fail('repository', template.repository, (e as Error).message);
  }
}

function validateConfigSchema(template: McpServerTemplate, fail: Fail): void {
  const runtime = runtimeEnvNames(template);
  for (const name of runtime) if (!ENV_NAME.test(name)) fail('portEnv/transportEnv', name, 'use a C identifier ([A-Za-z_][A-Za-z0-9_]*)');
  const bridged = template.transports.includes('stdio');
  const seen = new Map<string, string>();
  for (const [key, spec] of Object.entries(template.config ?? {})) {
    if ((spec.env === undefined) === (spec.argument === undefined)) fail(`config.${key}`, { env: spec.env, argument: spec.argument }, 'set exactly one of env (an env var the server reads) and argument (a command-line argument)');
    if (spec.argument !== undefined && !template.stdio) fail(`config.${key}.argument`, spec.argument, 'command-line arguments reach only stdio servers the bridge starts: map the key to an env var');
    if (spec.secret && spec.env === undefined) fail(`config.${key}.argument`, spec.argument, 'a secret never goes on a command line (visible in the pod spec and in ps): map it to an env var');
    if (spec.secret && spec.default !== undefined) fail(`config.${key}.default`, '(redacted)', 'secret keys cannot have defaults: a default would be written in plain text');
    if (spec.enum && (spec.type ?? 'string') !== 'string') fail(`config.${key}.enum`, spec.enum, 'enums are only allowed on string keys');
    if (spec.logLevelValues && (spec.type ?? 'string') !== 'string') fail(`config.${key}.logLevelValues`, spec.logLevelValues, 'a log level key is a string key');
    if (spec.default !== undefined) {
      const problem = typeProblem(spec, spec.default);
      if (problem) fail(`config.${key}.default`, spec.default, problem);
    }
    if (spec.env === undefined) continue;
    if (!ENV_NAME.test(spec.env)) fail(`config.${key}.env`, spec.env, 'use a C identifier ([A-Za-z_][A-Za-z0-9_]*) for the env var name');
    if (runtime.includes(spec.env)) fail(`config.${key}.env`, spec.env, `${spec.env} is set by the runtime (port/transport); map the key to another env var so the container never gets it twice`);
    if (bridged && STDIO_BRIDGE.readsEnv.includes(spec.env)) fail(`config.${key}.env`, spec.env, `the stdio bridge reads ${spec.env} itself and the server inherits the bridge's env: map the key to another env var`);
    const other = seen.get(spec.env);
    if (other) fail(`config.${key}.env`, spec.env, `config key '${other}' already maps to ${spec.env}; give each key its own env var so the container never gets it twice`);
    seen.set(spec.env, key);
  }
}

/**
 * The template's image (`<repository>:<tag>[@digest]`), optionally pulled through a mirror
 * registry (`<registryPrefix>/<repository without its registry host>`).
 * @throws Error when the template names no image or the reference is malformed.
 */
export function templateImage(template: McpServerTemplate, registryPrefix?: string): ImageReference {
  if (template.repository === undefined) throw new Error(`template '${template.id}' names no image`);
  const parsed = ImageReference.parse(template.repository);
  const repository = registryPrefix ? `${registryPrefix.replace(/\/+$/, '')}/${parsed.repository}` : template.repository;
  return ImageReference.parse(`${repository}${template.tag ? `:${template.tag}` : ''}${template.digest ? `@${template.digest}` : ''}`);
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
