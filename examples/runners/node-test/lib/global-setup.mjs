// node --test --test-global-setup=test/global-setup.mjs (Node 24+): the services start in the test
// runner's main process before any test file runs. (The flag takes a path, so this file re-exports.)
export { globalSetup, globalTeardown } from '@berth/node-test/setup';
