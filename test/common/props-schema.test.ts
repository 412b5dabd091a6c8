import { execFileSync } from 'child_process';
import * as path from 'path';
import Ajv from 'ajv';
import { Testing } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { checkProps, closestKey, findProblem } from '../../src/common/props-schema';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import * as SCHEMA from '../../schema/cdk8s-mcp.schema.json';

const root = SCHEMA as unknown as Parameters<typeof findProblem>[0];
const scope = () => Testing.chart();
const check = (definition: string, props: unknown) => () => checkProps(scope(), definition, props);

describe('props are checked against the schema generated from the props types', () => {
  test('the committed schema equals a fresh generation from the TypeScript types', () => {
    execFileSync('node', [path.join(__dirname, '../../scripts/generate-schema.js'), '--check'], { stdio: 'pipe' });
  });

  test.each([['dev', devEnvironment()], ['staging', stagingEnvironment()], ['prod', prodEnvironment()]])('the %s preset passes, and ajv agrees', (_name, env) => {
    expect(findProblem(root, { $ref: '#/definitions/McpEnvironment' }, env, '')).toBeUndefined();
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.validate({ ...SCHEMA, $id: undefined }, JSON.parse(JSON.stringify(env)));
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('an unknown key names the closest valid key', () => {
    expect(check('McpEnvironment', { name: 'x', registy: {} })).toThrow("invalid registy {}: unknown field; did you mean 'registry'?");
    expect(check('McpEnvironment', { name: 'x', integrations: { prometheus: true } })).toThrow("invalid integrations.prometheus true: unknown field; did you mean 'prometheusOperator'?");
  });

  test('a key with nothing close lists the valid fields', () => {
    expect(check('RegistryHeartbeat', { bogus: 1 })).toThrow(/invalid bogus 1: unknown field; valid fields are /);
  });

  test('wrong types name the expected type; a string where a Secret reference belongs is not echoed', () => {
    expect(check('EnvironmentPolicy', { minHaReplicas: 'two' })).toThrow('invalid minHaReplicas "two": use a number');
    const e = (() => {
      try {
        checkProps(scope(), 'ToolRegistrySecrets', { remoteKeys: { apiKey: 'vault://u:hunter2@store/x' } });
      } catch (err) {
        return err as McpConfigError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(McpConfigError);
    expect(e.message).not.toContain('hunter2');
    expect(e.message).toMatch(/invalid remoteKeys.apiKey "<a string, not shown>": use an object with remoteKey/);
  });

  test('enums and discriminated unions report the allowed values', () => {
    expect(check('RegistryProps', { database: { type: 'mysql' } })).toThrow('invalid database.type "mysql": use one of "sqlite", "postgres"');
  });

  test('closest key: edit distance, case and prefixes', () => {
    expect(closestKey('replica', ['replicas', 'resources'])).toBe('replicas');
    expect(closestKey('LOGLEVEL', ['logLevel'])).toBe('logLevel');
    expect(closestKey('zzz', ['replicas'])).toBeUndefined();
  });
});
