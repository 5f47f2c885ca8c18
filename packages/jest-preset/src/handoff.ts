/**
 * How the running services reach test code. globalSetup runs in jest's main process before any
 * worker exists; jest spawns its workers (child processes or threads) afterwards with a copy of
 * `process.env`, and with `--runInBand` every test environment copies the same `process.env` when it
 * is created. So one environment variable holding the hand-off as JSON reaches every test, in every
 * mode, with no file on disk and no global that a module registry reset could lose.
 *
 * The only variables this package reads are named here.
 */
import type { Handoff } from '@berth/core/broker';

/** The hand-off (`{ services, env, broker? }`) as JSON. */
export const HANDOFF_VARIABLE = 'BERTH_JEST_HANDOFF';

/** jest's id of the worker process (1, 2, ...); "1" in band. */
export const WORKER_ID_VARIABLE = 'JEST_WORKER_ID';

export type Env = Record<string, string | undefined>;

export function writeHandoff(handoff: Handoff, env: Env = process.env): void {
  env[HANDOFF_VARIABLE] = JSON.stringify(handoff);
}

export function clearHandoff(env: Env = process.env): void {
  delete env[HANDOFF_VARIABLE];
}

export type HandoffRead = { ok: true; handoff: Handoff } | { ok: false; reason: 'missing' | 'malformed' };

/** Parses the hand-off; never throws (the caller words the error for its situation). */
export function readHandoff(env: Env = process.env): HandoffRead {
  const raw = env[HANDOFF_VARIABLE];
  if (raw === undefined || raw === '') return { ok: false, reason: 'missing' };
  try {
    const value = JSON.parse(raw) as Partial<Handoff> | null;
    if (typeof value !== 'object' || value === null || typeof value.services !== 'object' || value.services === null) {
      return { ok: false, reason: 'malformed' };
    }
    return { ok: true, handoff: { env: {}, ...value } as Handoff };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
