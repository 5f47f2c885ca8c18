// #region jest-config
/** @type {import('jest').Config} */
export default {
  // Starts the services of berth.config.ts (shared with the vitest suite) once per run.
  preset: '@berth/jest',
  testMatch: ['<rootDir>/test/jest/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // The sources import './x.js' as Node's ESM wants; jest finds the .ts file behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  maxWorkers: 2,
  testTimeout: 30_000,
};
// #endregion
