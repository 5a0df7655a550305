import type { Config } from 'jest';

// lowdb and got are ESM-only, so the suite runs as native ESM (node --experimental-vm-modules).
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Types are checked by `npm run typecheck` (tsc); the tests need them stripped only, which swc
  // does in a fraction of the time TypeScript's own transpiler took on a clean clone.
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' }, sourceMaps: 'inline' }],
  },
  // A safety net for a hung test, not a speed check: generous, so a loaded machine does not trip it.
  testTimeout: 120_000,
} satisfies Config;

/**
 * One project per kind of test, so a developer can run the quick ones alone
 * (`npm run test:quick`, or `test:unit`, `test:integration`, `test:contract`, `test:browser`,
 * `test:proof`). `npm test` runs them all in one run, longest files first, so that the two workers
 * stay busy to the end: no test measures speed, so none minds sharing the machine.
 */
/** The projects with tests that start the built service (`node dist/service/main.js`) build it first, once. */
const BUILT_SERVICE_USERS = new Set(['integration', 'contract', 'proof']);

const project = (name: string): Config => ({
  ...shared,
  displayName: name,
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  ...(BUILT_SERVICE_USERS.has(name) ? { globalSetup: '<rootDir>/scripts/build-if-stale.js' } : {}),
});

const config: Config = {
  projects: ['unit', 'integration', 'contract', 'browser', 'proof'].map(project),
  maxWorkers: 2,
  // Longest first on a first run too, when jest has no timings yet (see the file).
  testSequencer: '<rootDir>/test/support/first-run-order.js',
  // Also here: jest reads the timeout from the top-level config when projects are used.
  testTimeout: shared.testTimeout,
};

export default config;
