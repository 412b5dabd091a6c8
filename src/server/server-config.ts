import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { LogLevel } from '../common/component-props';
import { ExternalSecretKey } from '../common/external-secret';
import { SecretKeyReference } from '../common/secrets';
import { McpConfigKey, McpServerTemplate, typeProblem } from './server-template';

/**
 * A secret config value: a key of a Secret in the servers namespace. How the Secret comes to exist
 * follows the server's `secretProvisioning`: a prerequisite (`existing`, and `generated`, since a
 * credential issued elsewhere cannot be generated), or an ExternalSecret (`external-secrets`)
 * reading `remoteKey`.
 */
export interface McpSecretReference extends SecretKeyReference {
  /**
   * Where the ExternalSecret reads the value in the store (with `secretProvisioning.source:
   * 'external-secrets'`; ignored otherwise).
   * @default - `<remoteKeyPrefix><secretName>`, property `<key>` (prefix `mcp/<namespace>/`)
   */
  readonly remoteKey?: ExternalSecretKey;
}

/** A config value: a plain value, or a reference to a Secret key. */
export type McpConfigValue = string | number | boolean | readonly string[] | McpSecretReference;

/** A server's config, keyed by the template's config keys. */
export type McpServerConfig = Readonly<Record<string, McpConfigValue>>;

/** A validated config, split by where each value goes. */
export interface ResolvedConfig {
  /** Env var -> plain value, for the server's ConfigMap (attached with envFrom). */
  readonly plain: Record<string, string>;
  /** Env var -> Secret key, rendered as `secretKeyRef` env entries. */
  readonly secrets: Record<string, McpSecretReference>;
  /** Command-line arguments from `argument` keys, in key order. */
  readonly args: string[];
}

/** Whether `value` is a Secret key reference. */
export function isSecretReference(value: unknown): value is McpSecretReference {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && typeof (value as SecretKeyReference).secretName === 'string' && typeof (value as SecretKeyReference).key === 'string';
}

/**
 * Validates `config` against the template's schema and maps it to env vars. Unknown keys,
 * missing required keys, values of the wrong type or outside an enum, and plain values for
 * secret keys are errors; defaults fill the keys left out.
 * @throws McpConfigError naming `config.<key>`, the value (secrets redacted) and the fix.
 */
export function resolveConfig(scope: IConstruct, template: McpServerTemplate, config: McpServerConfig = {}, logLevel?: LogLevel): ResolvedConfig {
  const schema = template.config ?? {};
  const known = Object.keys(schema);
  for (const key of Object.keys(config)) {
    if (!(key in schema)) {
      const hint = known.length ? `use one of ${known.join(', ')}` : 'this template takes no config';
      invalid(scope, `config.${key}`, redact(config[key]), `template '${template.id}' has no config key '${key}': ${hint}`);
    }
  }
  const plain: Record<string, string> = {};
  const secrets: Record<string, McpSecretReference> = {};
  const args: string[] = [];
  for (const [key, spec] of Object.entries(schema).sort(([a], [b]) => a.localeCompare(b))) {
    const value = config[key] ?? levelValue(spec, logLevel) ?? spec.default;
    if (value === undefined) {
      if (spec.required) {
        const example = spec.secret ? "{ secretName: '<existing Secret>', key: '<key>' }" : exampleFor(spec);
        invalid(scope, `config.${key}`, undefined, `template '${template.id}' requires ${key} (${spec.description}${spec.env ? `, env ${spec.env}` : ''}): set config.${key} = ${example}`);
      }
      continue;
    }
    if (isSecretReference(value)) {
      validateSecretReference(scope, key, value);
      if (spec.env === undefined) invalid(scope, `config.${key}`, value, `${key} is passed on the command line, where a Secret cannot reach: give its value directly`);
      secrets[spec.env] = { secretName: value.secretName, key: value.key, ...(value.remoteKey ? { remoteKey: value.remoteKey } : {}) };
      continue;
    }
    if (spec.secret) {
      invalid(scope, `config.${key}`, '(redacted)', `${key} is a secret of template '${template.id}': reference an existing Secret with config.${key} = { secretName, key } instead of a plain value, so it never lands in a ConfigMap or in git`);
    }
    const problem = typeProblem(spec, value);
    if (problem) invalid(scope, `config.${key}`, value, `${problem} (${spec.description})`);
    const plainValue = value as Exclude<McpConfigValue, McpSecretReference>;
    if (spec.env !== undefined) plain[spec.env] = render(spec, plainValue);
    else args.push(...argumentsOf(spec, plainValue));
  }
  return { plain, secrets, args };
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

/** The template's own spelling of `logLevel`, for its log level key. */
function levelValue(spec: McpConfigKey, logLevel: LogLevel | undefined): string | undefined {
  return logLevel && spec.logLevelValues ? spec.logLevelValues[LOG_LEVELS.indexOf(logLevel)] : undefined;
}

function argumentsOf(spec: McpConfigKey, value: string | number | boolean | readonly string[]): string[] {
  const flag = spec.argument?.flag;
  if (typeof value === 'boolean') return flag ? (value ? [flag] : []) : [String(value)];
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  return flag ? values.map(v => `${flag}=${v}`) : values;
}

function render(spec: McpConfigKey, value: string | number | boolean | readonly string[]): string {
  if (Array.isArray(value)) return value.join(spec.separator ?? ',');
  return String(value);
}

function exampleFor(spec: McpConfigKey): string {
  switch (spec.type ?? 'string') {
    case 'array': return "['...']";
    case 'boolean': return 'true';
    case 'integer':
    case 'number': return '1';
    default: return spec.enum ? `'${spec.enum[0]}'` : "'...'";
  }
}

function redact(value: unknown): unknown {
  return isSecretReference(value) ? value : typeof value === 'string' && value.length > 0 ? '(redacted)' : value;
}

const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function validateSecretReference(scope: IConstruct, key: string, ref: McpSecretReference): void {
  if (ref.secretName.length > 253 || !SECRET_NAME.test(ref.secretName)) {
    invalid(scope, `config.${key}.secretName`, ref.secretName, 'use a Secret name (RFC 1123 subdomain)');
  }
  if (ref.key.length > 253 || !SECRET_KEY.test(ref.key)) {
    invalid(scope, `config.${key}.key`, ref.key, "use a key of the Secret (letters, digits, '-', '_' and '.')");
  }
  const remote = ref.remoteKey;
  if (remote !== undefined && (typeof remote?.remoteKey !== 'string' || remote.remoteKey.trim() === '')) {
    invalid(scope, `config.${key}.remoteKey.remoteKey`, remote?.remoteKey, "name the secret in the external store, e.g. { remoteKey: 'mcp/github', property: 'token' }");
  }
}
