/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  modulePathIgnorePatterns: ['<rootDir>/lib/'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (tsconfig `isolatedModules`): `npm test` type-checks with `tsc --noEmit` first.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Examples import the library by its package name, as users do.
  moduleNameMapper: { '^cdk8s-mcp$': '<rootDir>/src/index.ts' },
  testTimeout: 60000,
};
