import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { McpEnvironment } from '../../src/platform/environment';
import { synthesizePlatform } from '../../src/platform/synthesize';

/** What a rejection must say: the construct path, the field, the value as shown, and the fix. */
export interface ExpectedRejection {
  /** Construct path, exactly (e.g. `prod/registry`). */
  readonly path: string;
  /** Field, exactly (e.g. `resources.limits.cpu`). */
  readonly field: string;
  /** The value as the message shows it (compared with toEqual); omit for unset values. */
  readonly value?: unknown;
  /** A fragment of the fix, as a regular expression. */
  readonly fix: RegExp;
  /** Substrings the message must never contain (secret values). */
  readonly never?: string[];
}

/**
 * Asserts that synthesizing `environment` through the app's own entry point fails with one
 * McpConfigError saying `expected`, and that nothing is written: a fresh output directory stays
 * absent and a previous output stays byte-identical.
 */
export function expectEnvironmentRejected(environment: McpEnvironment, expected: ExpectedRejection): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-bad-'));
  const outdir = path.join(dir, 'dist');
  fs.mkdirSync(outdir);
  fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'previous output\n');
  try {
    let error: unknown;
    try {
      synthesizePlatform([environment], outdir, { onWarning: () => undefined });
    } catch (e) {
      error = e;
    }
    expectRejection(error, expected);
    expect(fs.readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'previous.k8s.yaml'), 'utf8')).toBe('previous output\n');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that `build` (a component in a test chart named `test`) throws an McpConfigError saying `expected`. */
export function expectConstructRejected(build: (chart: Chart) => void, expected: ExpectedRejection): void {
  let error: unknown;
  try {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'test', disableResourceNameHashes: true });
    build(chart);
    Testing.synth(chart);
  } catch (e) {
    error = e;
  }
  expectRejection(error, expected);
}

function expectRejection(error: unknown, expected: ExpectedRejection): void {
  if (!(error instanceof McpConfigError)) {
    throw new Error(`expected an McpConfigError for ${expected.path} ${expected.field}, got ${error === undefined ? 'no error' : String((error as Error).stack ?? error)}`);
  }
  expect({ path: error.path, field: error.field }).toEqual({ path: expected.path, field: expected.field });
  if ('value' in expected) expect(error.value).toEqual(expected.value);
  expect(error.fix).toMatch(expected.fix);
  for (const secret of expected.never ?? []) expect(error.message).not.toContain(secret);
}
