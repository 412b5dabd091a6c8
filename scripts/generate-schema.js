#!/usr/bin/env node
// `npm run schema`: derives schema/cdk8s-mcp.schema.json from the exported TypeScript props types.
// The root validates an environment values file (McpEnvironment); `definitions` holds every
// component's props, which the constructs check their input against at synth (src/common/props-schema.ts).
// `--check` fails when the committed file differs from a fresh generation (run by the tests).
const fs = require('fs');
const path = require('path');
const TJS = require('typescript-json-schema');

const root = path.join(__dirname, '..');
const out = path.join(root, 'schema', 'cdk8s-mcp.schema.json');
// For editors: the same schema with no required fields, since a values file over a preset holds
// only what differs. Synth checks the merged environment against the strict schema.
const valuesOut = path.join(root, 'schema', 'values.schema.json');

// Types a user writes as data. Types reached from these are included too.
const ROOT_TYPES = [
  'McpEnvironmentValues', 'McpEnvironment', 'RegistryProps', 'EdgeGatewayProps', 'EdgeRedisProps', 'ToolRegistryProps', 'PgvectorDatabaseProps',
  'McpAgentProps', 'McpServerProps', 'DatabaseBackupProps',
];

function generate() {
  const program = TJS.programFromConfig(path.join(root, 'tsconfig.build.json'));
  const generator = TJS.buildGenerator(program, {
    required: true, noExtraProps: true, strictNullChecks: true, ignoreErrors: true, ref: true, aliasRef: false, topRef: true,
    // `@constructHandle true` on an interface marks a construct passed by reference: not data.
    validationKeywords: ['constructHandle'],
  });
  const names = ROOT_TYPES.filter(n => generator.getSymbols(n).length > 0);
  let schema = generator.getSchemaForSymbols(names);
  // Value types reached only through a Record (see recordValues) get definitions of their own.
  const recordValueTypes = Object.keys(schema.definitions).map(n => /^Record<string,(.+)>$/.exec(n)?.[1])
    .filter(v => v && !schema.definitions[v] && generator.getSymbols(v).length > 0);
  if (recordValueTypes.length) schema = generator.getSchemaForSymbols([...names, ...recordValueTypes]);
  const definitions = Object.fromEntries(Object.entries(schema.definitions).sort(([a], [b]) => a.localeCompare(b))
    .map(([name, def]) => [name, def.constructHandle ? { constructHandle: true, description: def.description } : recordValues(name, def, schema.definitions)]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/cdk8s-mcp/cdk8s-mcp/schema/cdk8s-mcp.schema.json',
    title: 'cdk8s-mcp environment',
    description: 'An MCP platform environment (values file) for cdk8s-mcp: loadEnvironment() validates YAML or JSON against it.',
    $ref: '#/definitions/McpEnvironmentValues',
    definitions,
  };
}

/** The schema without `required`, for editing values files that override a preset. */
function lenient(node) {
  if (Array.isArray(node)) return node.map(lenient);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'required').map(([k, v]) => [k, lenient(v)]));
}

/**
 * typescript-json-schema renders `Record<string, X>` as a closed object under noExtraProps; a
 * Record is a map of user-chosen keys, so its values are typed instead.
 */
function recordValues(name, def, all) {
  const m = /^Record<string,(.+)>$/.exec(name);
  if (!m) return def;
  const value = m[1];
  const primitive = { string: { type: 'string' }, number: { type: 'number' }, boolean: { type: 'boolean' }, unknown: {} }[value];
  const items = primitive ?? (all[value] ? { $ref: `#/definitions/${encodeURIComponent(value)}` } : {});
  return { ...def, additionalProperties: items };
}

const strict = generate();
const files = [[out, strict], [valuesOut, { ...lenient(strict), $id: strict.$id.replace('cdk8s-mcp.schema.json', 'values.schema.json') }]];
for (const [file, schema] of files) {
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (committed !== text) {
      console.error(`${path.relative(root, file)} is out of date with the props types: run npm run schema and commit it`);
      process.exitCode = 1;
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}
