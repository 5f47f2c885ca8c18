/**
 * The services of one jest process, in jest's main process.
 *
 * globalSetup opens the berth session (this process owns it: workers inherit its id, and a reaper
 * removes everything if jest dies), starts the declared services in parallel and publishes the
 * hand-off and the config's `env` into `process.env` for the workers jest spawns next.
 * globalTeardown undoes all of it.
 *
 * In watch mode jest calls globalSetup and globalTeardown around every re-run. Restarting postgres on
 * each keystroke would defeat watch mode, so the services stay up for the life of the process: a
 * re-run's globalSetup finds them here, and teardown leaves them alone. They go when jest does:
 * `q` / Ctrl-C make jest call process.exit, which closes the reaper's pipe, and the reaper removes
 * the session; SIGTERM / SIGINT run the session's signal cleanup.
 *
 * The state hangs off `globalThis` under a `Symbol.for` key, so it survives jest re-loading the
 * setup module between runs.
 */
import { CleanupError, createSession, endSession, type Handoff, startServices } from '@berth/core';
import { loadRunConfig } from '../config/load.js';
import type { BerthJestOptions } from '../config/options.js';
import { clearHandoff, writeHandoff } from '../handoff.js';
import { type GlobalConfigLike, isWatching, type ProjectConfigLike } from './jest-types.js';

interface ActiveRun {
  readonly handoff: Handoff;
  /** Stops the services, ends the session, restores the environment; collects every failure. */
  stop(): Promise<void>;
}

interface MainState {
  run: Promise<ActiveRun> | undefined;
}

const KEY = Symbol.for('dev.berth.jest.main');

function mainState(): MainState {
  const holder = globalThis as { [KEY]?: MainState };
  holder[KEY] ??= { run: undefined };
  return holder[KEY];
}

/** globalSetup: start the services, or find the ones an earlier watch run started. */
export async function setUpRun(projectConfig: ProjectConfigLike, options: BerthJestOptions): Promise<Handoff> {
  const state = mainState();
  state.run ??= startRun(projectConfig.rootDir, options);
  const pending = state.run;
  let run: ActiveRun;
  try {
    run = await pending;
  } catch (error) {
    // A failed start leaves nothing to reuse; the next watch run tries again.
    if (state.run === pending) state.run = undefined;
    throw error;
  }
  publish(run.handoff);
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
  await run?.stop();
}

async function startRun(rootDir: string, options: BerthJestOptions): Promise<ActiveRun> {
  const { config } = await loadRunConfig(rootDir, options);

  // Without services there is nothing to label or reap: no session, no engine connection.
  const needsSession = Object.keys(config.services).length > 0;
  if (needsSession) await createSession();
  let running: Awaited<ReturnType<typeof startServices>>;
  try {
    running = await startServices(config);
  } catch (error) {
    // startServices stopped whatever did start; ending the session sweeps anything half-made.
    if (needsSession) await endSession().catch(() => undefined);
    throw error;
  }
  const restoreEnv = snapshotEnv(Object.keys(running.handoff.env));

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    restoreEnv();
    clearHandoff();
    const results = await Promise.allSettled([running.stop()]);
    // The session ends even when a service failed to stop: it removes whatever that one left.
    if (needsSession) results.push(...(await Promise.allSettled([endSession()])));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new CleanupError(`stopping the services failed in ${failures.length} ways`, failures);
  };
  return {
    handoff: running.handoff,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

function publish(handoff: Handoff): void {
  writeHandoff(handoff);
  for (const [key, value] of Object.entries(handoff.env)) process.env[key] = value;
}

/** Remembers the variables the config's `env` is about to set; returns what puts them back. */
function snapshotEnv(keys: string[]): () => void {
  const before = new Map(keys.map((key) => [key, process.env[key]] as const));
  return () => {
    for (const [key, value] of before) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
