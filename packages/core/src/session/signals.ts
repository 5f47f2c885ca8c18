/**
 * SIGINT/SIGTERM in the session owner. Test runners install their own handlers, so ours cooperates
 * instead of taking over:
 *
 * - On the signal we start removing the session's resources.
 * - If ours is the only listener for that signal (a plain script), nobody else will end the process:
 *   once cleanup finishes (or `timeoutMs` passes) we remove our listener and send the signal again,
 *   so the process dies the conventional way (killed by SIGINT/SIGTERM, exit status 130/143).
 * - If other listeners exist (vitest, jest, the user's own), they decide when to exit. If they exit
 *   before our cleanup is done, the reaper finishes it.
 * - A second signal while cleanup runs, with ours the only listener, re-raises at once (the user
 *   pressed Ctrl-C twice); the reaper finishes the job.
 *
 * `uncaughtException` and normal exit are not handled here: `process.on('exit')` cannot wait for
 * asynchronous work, and the reaper sees the pipe close in those cases too.
 */
import { debug } from '../log.js';

const log = debug('session');
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface SignalCleanupOptions {
  timeoutMs: number;
  /** For tests: how the signal is re-raised. */
  reraise?: (signal: NodeJS.Signals) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function installSignalCleanup(cleanup: () => Promise<void>, options: SignalCleanupOptions): () => void {
  const reraise = options.reraise ?? ((signal: NodeJS.Signals) => process.kill(process.pid, signal));
  let running = false;
  const uninstall = () => {
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  };
  const giveBack = (signal: NodeJS.Signals) => {
    uninstall();
    reraise(signal);
  };
  const othersListening = (signal: NodeJS.Signals) => process.listeners(signal).some((l) => l !== handler);
  function handler(signal: NodeJS.Signals): void {
    if (running) {
      if (!othersListening(signal)) giveBack(signal);
      return;
    }
    running = true;
    log('%s: removing the session resources', signal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs);
    });
    const work = cleanup().catch((error: unknown) => log('cleanup on %s failed: %s', signal, (error as Error).message));
    void Promise.race([work, deadline]).then(() => {
      clearTimeout(timer);
      // Decided now, not when the signal came: a listener added meanwhile owns the exit. The cleanup
      // may have uninstalled us already (endSession does); that does not change the decision.
      if (othersListening(signal)) uninstall();
      else giveBack(signal);
    });
  }
  for (const signal of SIGNALS) process.on(signal, handler);
  return uninstall;
}
