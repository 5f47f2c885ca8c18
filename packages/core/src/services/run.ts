/**
 * One run of a project's services in the runner's main process, the lifecycle both adapters (and a
 * plain script) share:
 *
 *   load the config -> own the berth session -> start the services -> check their details are JSON
 *   -> say what was started in one line (run-summary.ts) -> set the config's env -> ... tests ... -> restore env -> close the broker and stop the services
 *   -> end the session (removes anything left with the run's label)
 *   -> say where the run's time went in one line; write the timeline to BERTH_TRACE when set (trace/)
 *
 * With a keep mode (keep.ts) the broker sets aside the slices of failing tests; at the end the run
 * marks their containers (session/kept.ts), leaves those services running and says so in its last
 * line on stderr.
 *
 * Teardown runs every step and reports every failure (runSteps). Several runs in one process (vitest
 * projects with their own plugin) share the process's session; the last one to stop ends it. On
 * SIGINT/SIGTERM the session's signal handling tells every run it is stopping (see session/signals.ts):
 * the broker then answers every request with one RunStoppingError.
 */
import { type BerthConfig, config as readConfigOnce } from '../config.js';
import { reuseOf } from '../container/reuse-report.js';
import { getEngine } from '../engine/index.js';
import { RunStoppingError } from '../errors.js';
import { markKept } from '../session/kept.js';
import { createSession, endRunSession } from '../session/session.js';
import { onRunStopping } from '../session/signals.js';
import { type OpenSpan, recorder } from '../trace/recorder.js';
import { costLine } from '../trace/summary.js';
import { writeTrace } from '../trace/write.js';
import type { BerthRunConfig } from './config.js';
import { type KeptSlice, keptRunLine, resolveKeep } from './keep.js';
import { runLine, summaryWanted } from './run-summary.js';
import { type Handoff, startServices } from './start-services.js';
import { runSteps } from './steps.js';

export interface RunOptions {
  /** Loads the config (see loadRunConfig); called once. */
  load(): Promise<BerthRunConfig>;
  /** Test workers the runner runs at once; sizes the isolation pools. */
  workers?: number;
  signal?: AbortSignal;
}

export interface StartedRun {
  readonly handoff: Handoff;
  /** Restores the env, stops the services (reverse order), ends the session with its last user. Idempotent. */
  stop(): Promise<void>;
}

const nothing: StartedRun = { handoff: { services: {}, env: {} }, stop: async () => undefined };

export async function startRun(options: RunOptions): Promise<StartedRun> {
  const config = await options.load();
  // Without services there is nothing to label or reap: no session, no engine connection.
  if (Object.keys(config.services).length === 0) return nothing;
  // A bad BERTH_KEEP fails here, before anything starts.
  const keep = resolveKeep(config.keep, readConfigOnce());

  await openSession();
  const began = performance.now();
  const runSpan = recorder().begin('run', 'run', undefined, 'run');
  let running: Awaited<ReturnType<typeof startServices>>;
  try {
    running = await startServices(config, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      keep,
    });
  } catch (error) {
    // startServices stopped what did start; ending the session sweeps anything half-made.
    await closeSession().catch(() => undefined);
    throw error;
  }
  const line = runLine(
    Object.entries(config.services).map(([name, definition]) => ({
      name,
      image: definition.image,
      reuse: running.running[name] ? reuseOf(running.running[name]) : undefined,
    })),
    performance.now() - began,
    readConfigOnce(),
    process.stderr.isTTY === true,
  );
  if (line) process.stderr.write(`${line}\n`);
  const forgetStopping = onRunStopping((signal) => {
    running.stopping(
      new RunStoppingError(`the test run is stopping (${signal}): berth is removing its containers`, {
        hint: 'nothing to fix in the test: the run was interrupted',
        details: { signal },
      }),
    );
  });
  const restoreEnv = applyEnv(running.handoff.env);
  let teardown: OpenSpan | undefined;

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const kept = running.kept();
    // Only marked containers are spared: if marking fails, everything goes as without keep.
    const spare = kept.length > 0 ? await markContainers(kept) : new Set<string>();
    try {
      await runSteps('stopping the berth run', [
        {
          what: 'restore the environment',
          run: () => {
            teardown = recorder().begin('stop services', 'run', undefined, 'run');
            restoreEnv();
          },
        },
        { what: 'forget the signal listener', run: forgetStopping },
        { what: 'stop the services', run: () => running.stop({ spare }) },
        { what: 'end the session', run: closeSession },
        {
          what: "write the run's trace",
          run: () => {
            teardown?.end();
            runSpan.end();
            return reportTrace(readConfigOnce());
          },
        },
      ]);
    } finally {
      if (spare.size > 0) process.stderr.write(`${keptRunLine(kept)}\n`);
    }
  };
  const markContainers = async (kept: readonly KeptSlice[]): Promise<Set<string>> => {
    try {
      const containers = await markKept(await getEngine(), kept);
      return new Set(
        Object.entries(running.handoff.services)
          .filter(([, details]) => containers.has((details as { containerName: string }).containerName))
          .map(([name]) => name),
      );
    } catch (error) {
      process.stderr.write(`berth: could not keep the slices of failed tests, removing them: ${(error as Error).message}\n`);
      return new Set();
    }
  };
  return {
    handoff: running.handoff,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

/** The end-of-run line (when the summary is printed) and the trace file (with BERTH_TRACE). */
async function reportTrace(cfg: BerthConfig): Promise<void> {
  const trace = recorder();
  if (summaryWanted(cfg, process.stderr.isTTY === true)) {
    const line = costLine(trace.spans());
    if (line) process.stderr.write(`${line}\n`);
  }
  if (!cfg.tracePath) return;
  const written = await writeTrace(cfg.tracePath, trace);
  if (!cfg.quiet) process.stderr.write(`berth: trace written to ${written} (berth report ${written} makes an HTML page of it)\n`);
}

const USERS = Symbol.for('dev.berth.run.session-users');

function users(): { count: number } {
  const holder = globalThis as { [USERS]?: { count: number } };
  holder[USERS] ??= { count: 0 };
  return holder[USERS];
}

async function openSession(): Promise<void> {
  const state = users();
  state.count += 1;
  try {
    await createSession();
  } catch (error) {
    state.count -= 1;
    throw error;
  }
}

async function closeSession(): Promise<void> {
  const state = users();
  state.count -= 1;
  if (state.count === 0) await endRunSession();
}

/**
 * Sets the computed variables in this (the main) process, so the runner's workers and the user's
 * own global setup see them; returns what puts back the values that were there before.
 */
export function applyEnv(env: Record<string, string>): () => void {
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
