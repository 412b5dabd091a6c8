import { isIP } from 'net';
import { CronExpressionParser } from 'cron-parser';
import { validRange as semverValidRange } from 'semver';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

// Kubernetes naming rules: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * Checks an RFC 1123 DNS label (Namespace and Service names, container and port names):
 * lower-case alphanumerics and '-', at most `maxLength` characters.
 * @throws McpConfigError naming `field` when the value does not match.
 */
export function validateDnsLabel(scope: IConstruct, field: string, value: string, maxLength = 63): string {
  if (value.length > maxLength || !DNS1123_LABEL.test(value)) {
    invalid(scope, field, value, `use at most ${maxLength} lower-case letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)`);
  }
  return value;
}

/**
 * Checks an RFC 1123 DNS subdomain (most object names, ingress hosts).
 * @throws McpConfigError naming `field` when the value does not match.
 */
export function validateDnsSubdomain(scope: IConstruct, field: string, value: string): string {
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    invalid(scope, field, value, "use lower-case letters, digits, '-' and '.', at most 253 characters (RFC 1123 subdomain)");
  }
  return value;
}

/**
 * Checks a Kubernetes label value: at most 63 characters of alphanumerics, '-', '_' and '.',
 * beginning and ending with an alphanumeric (or empty).
 * @throws McpConfigError naming `field` when the value does not match.
 */
export function validateLabelValue(scope: IConstruct, field: string, value: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    invalid(scope, field, value, "use at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
  }
  return value;
}

/**
 * Checks label keys (`[prefix/]name`, prefix a DNS subdomain, name at most 63 characters)
 * and values.
 * @throws McpConfigError naming `field.<key>` for the first invalid key or value.
 */
export function validateLabels(scope: IConstruct, field: string, labels: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    if ((prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || !name || name.length > 63 || !LABEL_VALUE.test(name)) {
      invalid(scope, `${field} key`, key, "use [prefix/]name where prefix is a DNS subdomain and name has at most 63 letters, digits, '-', '_' or '.'");
    }
    validateLabelValue(scope, `${field}["${key}"]`, value);
  }
  return labels;
}

/**
 * Checks that `value` is an integer within `[min, max]`.
 * @throws McpConfigError naming `field` when it is not.
 */
export function validateInteger(scope: IConstruct, field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    invalid(scope, field, value, `use a whole number ${range}`);
  }
  return value;
}

/**
 * Checks a CronJob schedule: five fields (minute hour day-of-month month day-of-week) or a
 * macro such as `@daily`, the forms the Kubernetes CronJob controller accepts.
 * @returns the five fields, with macros expanded
 * @throws McpConfigError naming `field` for any other expression.
 */
export function validateCron(scope: IConstruct, field: string, value: string): string[] {
  const expanded = CRON_MACROS[value.trim()] ?? value.trim();
  const fields = expanded.split(/\s+/);
  const fix = "use a five-field cron expression such as '0 2 * * *' (minute hour day-of-month month day-of-week) or a macro such as '@daily'; set the time zone with timeZone, not in the expression";
  if (fields.length !== 5) invalid(scope, field, value, fix);
  try {
    CronExpressionParser.parse(expanded, { strict: false });
  } catch (e) {
    invalid(scope, field, value, `${(e as Error).message}; ${fix}`);
  }
  return fields;
}

/**
 * Checks an IANA time zone name (e.g. `Europe/Berlin`, `Etc/UTC`), as a CronJob's timeZone takes.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
 * @throws McpConfigError naming `field` for a name the tz database does not know.
 */
export function validateTimeZone(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !TIME_ZONES().has(value)) {
    invalid(scope, field, value, "use an IANA time zone name such as 'Etc/UTC' or 'Europe/Berlin'");
  }
  return value;
}

let timeZones: Set<string> | undefined;
function TIME_ZONES(): Set<string> {
  timeZones ??= new Set([...(Intl as unknown as { supportedValuesOf(key: 'timeZone'): string[] }).supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  return timeZones;
}

/**
 * Checks an IPv4 or IPv6 block in CIDR notation (`10.0.0.0/8`, `fd00::/8`).
 * @throws McpConfigError naming `field` for a malformed address or a prefix out of range.
 */
export function validateCidr(scope: IConstruct, field: string, value: string): string {
  const [address, prefix, ...rest] = typeof value === 'string' ? value.split('/') : [];
  const family = address ? isIP(address) : 0;
  const bits = family === 4 ? 32 : 128;
  if (!family || rest.length || prefix === undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
    invalid(scope, field, value, "use an address block in CIDR notation, such as '10.0.0.0/8' (prefix 0-32) or 'fd00::/8' (prefix 0-128)");
  }
  return value;
}

/**
 * Checks a semver range (`>=3.0.0`, `^1.2`, `1.x`).
 * @throws McpConfigError naming `field` when semver cannot parse it.
 */
export function validateSemverRange(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || semverValidRange(value) === null) {
    invalid(scope, field, value, "use a semver range such as '>=3.0.0', '^1.2.0' or '1.x'");
  }
  return value;
}

/**
 * Checks an absolute http(s) URL.
 * @throws McpConfigError naming `field` for anything else.
 */
export function validateHttpUrl(scope: IConstruct, field: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) invalid(scope, field, value, "use an absolute http(s) URL such as 'https://runbooks.example.com/mcp'");
  return value;
}
