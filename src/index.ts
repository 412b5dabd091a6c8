// Public API of cdk8s-mcp: constructs, their props, presets, value types and documented helpers.
// Each folder's index.ts chooses what it exports; test/package-exports.test.ts snapshots the list,
// so a change to the public surface is a reviewed change.
export * from './common';
export * from './connectivity';
export * from './backup';
export * from './registry';
export * from './edge-gateway';
export * from './tool-registry';
export * from './server';
export * from './agent';
export * from './platform';
export * from './gitops';
