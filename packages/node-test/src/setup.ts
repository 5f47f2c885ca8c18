/**
 * The global setup module for `node --test --test-global-setup=@berth/node-test/setup` (Node 24+):
 * starts the services of berth.config.* once, in the test runner's main process, before any test
 * file's process exists, and puts the config's env and the run's variables (BERTH_SERVICES, the
 * broker's address) into the environment those processes inherit. On Node 20 and 22, use
 * `berth run -- node --test` instead: the same run, from outside.
 */
import { type ConfiguredRun, startConfiguredRun } from '@berth/core/adapter';

let run: ConfiguredRun | undefined;

export async function globalSetup(): Promise<void> {
  run = await startConfiguredRun({});
  Object.assign(process.env, run.variables);
}

export async function globalTeardown(): Promise<void> {
  const current = run;
  run = undefined;
  if (!current) return;
  for (const key of Object.keys(current.variables)) delete process.env[key];
  await current.stop();
}
