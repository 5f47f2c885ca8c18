/**
 * One run of a project's services in vitest's main process: open the berth session (this process
 * owns it, so workers join it and a reaper removes everything if vitest is killed), start the
 * services, publish their env, and on stop undo all of it, reporting every failure at once.
 */
import { type BerthRunConfig, CleanupError, createSession, endSession, type Handoff, startServices } from '@berth/core';
import { registry } from './registry.js';

export interface StartedRun {
  readonly handoff: Handoff;
  /** Stops the services (reverse order), restores the env, ends the session with its last user. */
  stop(): Promise<void>;
}

const nothing: StartedRun = { handoff: { services: {}, env: {} }, stop: async () => undefined };

export async function startRun(load: () => Promise<BerthRunConfig>): Promise<StartedRun> {
  const config = await load();
  if (Object.keys(config.services).length === 0) return nothing;

  await openSession();
  let running: Awaited<ReturnType<typeof startServices>>;
  try {
    running = await startServices(config);
  } catch (error) {
    // startServices already stopped what did start; ending the session sweeps anything half-made.
    await closeSession().catch(() => undefined);
    throw error;
  }
  const restoreEnv = applyEnv(running.handoff.env);

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    restoreEnv();
    const results = await Promise.allSettled([running.stop()]);
    results.push(...(await Promise.allSettled([closeSession()])));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new CleanupError(`stopping the services left ${failures.length} failures`, failures);
  };
  return {
    handoff: running.handoff,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

/**
 * Several runs in one process (projects with their own plugin) share the process's session; the
 * last one to stop ends it, so no project's teardown removes containers another still uses.
 */
async function openSession(): Promise<void> {
  const state = registry();
  state.sessionUsers += 1;
  try {
    await createSession();
  } catch (error) {
    state.sessionUsers -= 1;
    throw error;
  }
}

async function closeSession(): Promise<void> {
  const state = registry();
  state.sessionUsers -= 1;
  if (state.sessionUsers === 0) await endSession();
}

/**
 * Sets the computed variables in this (the main) process, so the user's own global setup and the
 * workers vitest spawns next see them; returns a function that puts back what was there before.
 */
function applyEnv(env: Record<string, string>): () => void {
  const before = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(env)) {
    before.set(key, process.env[key]);
    process.env[key] = value;
  }
  return () => {
    for (const [key, value] of before) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
