/** @type {import('jest').Config} */
export default {
  // Starts the services of berth.config.ts — the compose file — once per run, like the vitest suite.
  preset: '@berth/jest',
  testMatch: ['<rootDir>/test/jest/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30_000,
};
