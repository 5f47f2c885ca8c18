/**
 * The preload for `bun test` (bunfig.toml: `[test] preload = ["@berth/bun/preload"]`). Bun runs
 * every test file in one process, after its preloads: the hooks registered here are global. They
 * start the services of berth.config.* before the first test and stop them after the last
 * (`berth run -- bun test` works too: the run is there already and these step aside), and give
 * back each test's fresh slices when it ends.
 */

import { afterAll, afterEach, beforeAll, beforeEach } from 'bun:test';
import { type ConfiguredRun, startConfiguredRun } from '@berth/core/adapter';
import { keptNote, SERVICES_VARIABLE } from '@berth/core/broker';
import { boundary, HOOK_TIMEOUT_MS } from './boundary.js';

let run: ConfiguredRun | undefined;

beforeAll(async () => {
  if (process.env[SERVICES_VARIABLE]) return;
  run = await startConfiguredRun({});
  Object.assign(process.env, run.variables);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  const current = run;
  run = undefined;
  if (!current) return;
  for (const key of Object.keys(current.variables)) delete process.env[key];
  await current.stop();
}, HOOK_TIMEOUT_MS);

beforeEach(() => boundary.testStarted());
// Bun's hooks do not say how the test ended or what it is called: `keep: 'failed'` cannot tell a
// failing test here, `keep: 'all'` keeps every slice and names them on stderr.
afterEach(async () => {
  const kept = await boundary.testEnded();
  if (kept.length > 0) process.stderr.write(`${keptNote(kept)}\n`);
}, HOOK_TIMEOUT_MS);
