#!/usr/bin/env node
// `node scripts/bundle-app.js <outfile>`, run by scripts/app-build.js after `tsc -b`: bundles the
// compiled app (lib/) with its dependencies into one file. A separate process because esbuild
// runs plugins only in its asynchronous API, and the build that runs before a synth is synchronous.
// The one plugin rewrites the quadratic undefined-value filters of the generated Kubernetes
// bindings (scripts/generated-converters.js); every other module is bundled as it is.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { rewriteGeneratedConverters } = require('./generated-converters');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');
// cdk8s-plus-28's bindings of the Kubernetes API and ours of the CRDs (imports/, compiled to lib/imports).
const GENERATED = /[\\/](?:cdk8s-plus-28[\\/]lib[\\/]imports|lib[\\/]imports)[\\/][^\\/]+\.js$/;

const generatedConverters = {
  name: 'generated-converters',
  setup(build) {
    build.onLoad({ filter: GENERATED }, args => {
      const r = rewriteGeneratedConverters(fs.readFileSync(args.path, 'utf8'));
      // A new cdk8s-plus-28 or cdk8s import that generates other code is bundled as it is:
      // correct, only slower. Say so, since the bench would show it.
      const warnings = r.converters > r.filters
        ? [{ text: `${r.converters - r.filters} of ${r.converters} generated converters left as generated (their undefined-value filter reads differently)` }]
        : [];
      return { contents: r.code, loader: 'js', warnings };
    });
  },
};

async function main() {
  const outfile = process.argv[2];
  if (!outfile) throw new Error('usage: bundle-app.js <outfile>');
  await esbuild.build({
    stdin: {
      // The public API (scripts/synth-generated.js uses it) and the app, src/main.ts, run on demand.
      contents: "export * from './src/index.js';\nexport function runApp() { require('./src/main.js'); }\n",
      resolveDir: lib,
      sourcefile: 'cdk8s-mcp-app-entry.js',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [generatedConverters],
    outfile,
  });
}

main().catch(e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
