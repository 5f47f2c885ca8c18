/**
 * Giving a lease back without cutting anyone off. A test suite often closes its clients without
 * awaiting them (`afterAll(() => { pool.end() })`), so when berth recycles the database, vhost or
 * account, those sessions may still be on their way out. Ending them then (DROP ... WITH (FORCE),
 * KILL, deleting a vhost) makes the client report an error the suite never listens for, and an
 * unhandled 'error' event kills the test process. So a release first waits, for a bounded grace
 * period, for the sessions to leave on their own, and only forces what is still there after it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** The grace period when the user did not choose one (scaled by BERTH_TIMEOUT_SCALE where resolved). */
export const DEFAULT_RELEASE_GRACE_MS = 2_000;

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;

/**
 * Asks `sessions` how many sessions are left until it says none or `graceMs` has passed, polling
 * every 10 ms at first and every 100 ms later. Returns the count it last saw (0: all have left).
 */
export async function sessionsLeftAfterGrace(sessions: () => Promise<number>, graceMs: number, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + graceMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const left = await sessions();
    const remaining = deadline - Date.now();
    if (left === 0 || remaining <= 0) return left;
    await sleep(Math.min(delay, remaining), undefined, signal ? { signal } : undefined);
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}
