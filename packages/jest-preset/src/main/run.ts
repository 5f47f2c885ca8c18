/**
 * The services of one jest process, in jest's main process: core's run lifecycle (startRun), plus
 * the two things only jest needs.
 *
 * - The hand-off travels to workers in an environment variable (see handoff.ts), set here before
 *   jest spawns them.
 * - Watch mode: jest calls globalSetup and globalTeardown around every re-run. Restarting postgres on
 *   each keystroke would defeat watch mode, so the services stay up for the life of the process: a
 *   re-run's globalSetup finds them here, and teardown leaves them alone. They go when jest does
 *   (`q` / Ctrl-C: the session's signal handling or the reaper removes them).
 *
 * The state hangs off `globalThis` under a `Symbol.for` key, so it survives jest re-loading the
 * setup module between runs.
 */
import { type Handoff, type StartedRun, startRun } from '@berth/core/adapter';
import { loadRunConfig } from '../config/load.js';
import type { BerthJestOptions } from '../config/options.js';
import { clearHandoff, writeHandoff } from '../handoff.js';
import { type GlobalConfigLike, isWatching, type ProjectConfigLike } from './jest-types.js';

interface MainState {
  run: Promise<StartedRun> | undefined;
}

const KEY = Symbol.for('dev.berth.jest.main');

function mainState(): MainState {
  const holder = globalThis as { [KEY]?: MainState };
  holder[KEY] ??= { run: undefined };
  return holder[KEY];
}

/** globalSetup: start the services, or find the ones an earlier watch run started. */
export async function setUpRun(
  globalConfig: GlobalConfigLike,
  projectConfig: ProjectConfigLike,
  options: BerthJestOptions,
): Promise<Handoff> {
  const state = mainState();
  const workers = typeof globalConfig.maxWorkers === 'number' && globalConfig.maxWorkers > 0 ? globalConfig.maxWorkers : undefined;
  state.run ??= startRun({
    load: async () => (await loadRunConfig(projectConfig.rootDir, options)).config,
    ...(workers ? { workers } : {}),
  });
  const pending = state.run;
  let run: StartedRun;
  try {
    run = await pending;
  } catch (error) {
    // A failed start leaves nothing to reuse; the next watch run tries again.
    if (state.run === pending) state.run = undefined;
    throw error;
  }
  // startRun set the config's env in this process; jest copies process.env into every worker.
  writeHandoff(run.handoff);
  return run.handoff;
}

/** globalTeardown: stop everything, except between the runs of watch mode. */
export async function tearDownRun(globalConfig: GlobalConfigLike): Promise<void> {
  if (isWatching(globalConfig)) return;
  const state = mainState();
  const pending = state.run;
  state.run = undefined;
  if (!pending) return;
  const run = await pending.catch(() => undefined);
  clearHandoff();
  await run?.stop();
}
