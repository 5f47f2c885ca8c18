// The one source of every time budget a test waits on (expect.poll, waitFor, deadlines, sleeps that
// wait for something). A budget is generous by default, because CI machines are small and shared,
// and multiplied by BERTH_TIMEOUT_SCALE, the same factor the library honours, so a slow machine is
// told once, in one place, how slow it is. Never lean on a library's own default (expect.poll's is
// one second).

const raw = Number(process.env.BERTH_TIMEOUT_SCALE ?? '1');
/** BERTH_TIMEOUT_SCALE as a number; 1 when unset or unusable. */
export const timeoutScale = Number.isFinite(raw) && raw > 0 ? raw : 1;

/** The default budget for something that normally takes well under a second. */
export const DEFAULT_BUDGET_MS = 15_000;

/** `ms` (default DEFAULT_BUDGET_MS) scaled by BERTH_TIMEOUT_SCALE. */
export function budget(ms: number = DEFAULT_BUDGET_MS): number {
  return Math.round(ms * timeoutScale);
}

/** Options for `expect.poll(fn, poll())`: a scaled timeout and a short interval. */
export function poll(ms?: number, interval = 50): { timeout: number; interval: number } {
  return { timeout: budget(ms), interval };
}
