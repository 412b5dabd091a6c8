/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  modulePathIgnorePatterns: ['<rootDir>/lib/', '<rootDir>/examples/.*/node_modules/'],
  testMatch: ['**/*.test.ts'],
  // One temporary directory per run, removed at the end (test/support/global-setup.cjs).
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
  // Transpile only, with swc (tsconfig sets `isolatedModules`, so per-file transpiling is exact):
  // `npm test` type-checks with `tsc --noEmit` first. Class fields keep tsc's semantics for our
  // ES2020 target (assigned in the constructor, not defined), like the compiled lib/ users run.
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2020', transform: { useDefineForClassFields: false } },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Examples import the library by its package name, as users do.
  moduleNameMapper: { '^cdk8s-mcp$': '<rootDir>/src/index.ts' },
  // Both cores: the slow suites wait on child processes (PGlite, PostgreSQL, ts-node).
  maxWorkers: '100%',
  testTimeout: 60000,
};
