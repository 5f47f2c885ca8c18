/** @type {import('jest').Config} */
export default {
  preset: '@berth/jest', // reads berth.config.ts
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // The tests import ./x.js as Node's ESM wants; jest finds the .ts behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30_000,
};
