// #region jest-config
// jest.config.js
/** @type {import('jest').Config} */
export default {
  preset: '@berth/jest', // reads berth.config.ts
  testMatch: ['<rootDir>/test/jest/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 30_000,
};
// #endregion
