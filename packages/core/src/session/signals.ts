/**
 * SIGINT/SIGTERM in the session owner (a runner's main process or a plain script). Test runners have
 * their own handlers, so ours cooperates instead of taking over, and makes sure berth finishes first:
 *
 * 1. The run is told it is stopping (`onRunStopping` listeners): its broker hands out nothing more
 *    and answers every request with one RunStoppingError.
 * 2. `process.exit` is held: a runner that exits on the signal (vitest a millisecond later, jest once
 *    its workers died) waits until berth has removed what it created (at most `timeoutMs`).
 * 3. The session's resources are removed and one line is printed:
 *    `berth: stopped on SIGINT; removed 2 containers, 1 network`.
 * 4. The process exits 130 (SIGINT) or 143 (SIGTERM) when someone asked to exit meanwhile or nobody
 *    else listens for the signal (a plain script). Otherwise another listener owns the exit and we
 *    step aside.
 *
 * Between the signal and that exit, nothing else ends the process first. A signal that lands while
 * services are still starting makes the pending start reject; the user's code may let that rejection
 * escape (a script's top-level `await` inside `try { } finally { await endSession() }`) and Node would
 * end the process with exit code 1 before the cleanup is done. While berth is stopping, an uncaught
 * error is therefore held (logged under DEBUG=berth:session, it is the interruption's consequence) and
 * the process still ends with 130/143 once the cleanup is done, whoever else listens.
 *
 * A second signal while cleanup runs, with ours the only listener, exits at once (Ctrl-C twice); the
 * reaper finishes the job. `uncaughtException` and normal exit are not handled here:
 * `process.on('exit')` cannot wait for asynchronous work, and the reaper sees the pipe close then.
 */
import { debug } from '../log.js';
import type { ResourceKind } from './inventory.js';

const log = debug('session');
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const SIGNAL_NUMBERS: Record<(typeof SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15 };

/** What the cleanup removed, by kind, for the closing line. */
export type RemovedCounts = Partial<Record<ResourceKind, number>>;

export interface SignalCleanupOptions {
  timeoutMs: number;
  /** For tests: how the process ends (default process.exit, the real one). */
  exit?: (code: number) => void;
  /** For tests: where the closing line goes (default stderr). */
  print?: (line: string) => void;
}

type StopListener = (signal: NodeJS.Signals) => void;
const stopListeners = new Set<StopListener>();

/** Called (synchronously) on the first SIGINT/SIGTERM, before anything is removed. Returns the undo. */
export function onRunStopping(listener: StopListener): () => void {
  stopListeners.add(listener);
  return () => {
    stopListeners.delete(listener);
  };
}

/** "stopped on SIGINT; removed 2 containers, 1 network" */
export function stoppedLine(signal: string, removed: RemovedCounts | undefined): string {
  const parts = (['container', 'network', 'volume', 'image'] as const)
    .filter((kind) => (removed?.[kind] ?? 0) > 0)
    .map((kind) => `${removed?.[kind]} ${kind}${removed?.[kind] === 1 ? '' : 's'}`);
  return `berth: stopped on ${signal}; ${parts.length > 0 ? `removed ${parts.join(', ')}` : 'nothing to remove'}`;
}

/** Installs the handlers; returns a function that removes them. */
export function installSignalCleanup(
  cleanup: (signal: NodeJS.Signals) => Promise<RemovedCounts | undefined>,
  options: SignalCleanupOptions,
): () => void {
  const realExit = process.exit;
  const exit =
    options.exit ??
    ((code: number) => {
      // Last 'exit' listener, so it has the final word: jest sets its own exit code from one.
      process.on('exit', () => {
        process.exitCode = code;
      });
      realExit.call(process, code);
    });
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  let running = false;
  let exitRequested = false;
  let releaseFatal = () => {};
  const uninstall = () => {
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  };
  const othersListening = (signal: NodeJS.Signals) => process.listeners(signal).some((l) => l !== handler);
  const holdExit = () => {
    process.exit = ((code?: number | string | null) => {
      exitRequested = true;
      if (code !== undefined && code !== null) process.exitCode = code;
      log('process.exit(%s) held until berth has cleaned up', code ?? '');
      return undefined as never;
    }) as typeof process.exit;
  };
  const releaseExit = () => {
    process.exit = realExit;
  };
  function handler(signal: NodeJS.Signals): void {
    const code = 128 + (SIGNAL_NUMBERS[signal as (typeof SIGNALS)[number]] ?? 0);
    if (running) {
      // Ctrl-C twice: leave now, the reaper removes what is left.
      if (!othersListening(signal)) {
        releaseExit();
        releaseFatal();
        exit(code);
      }
      return;
    }
    running = true;
    log('%s: removing the session resources', signal);
    for (const listener of stopListeners) {
      try {
        listener(signal);
      } catch (error) {
        log('a stop listener failed: %s', String(error));
      }
    }
    holdExit();
    // An error nobody caught while we stop is the interruption's own consequence (a start that was
    // cut short); Node would exit 1 with it before the cleanup ends. Held here, and it means the
    // process must end once we are done, even if another listener would otherwise own the exit.
    let fatal = false;
    const holdFatal = (error: unknown) => {
      fatal = true;
      log(
        'held an uncaught error while stopping on %s: %s',
        signal,
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
    };
    process.on('uncaughtException', holdFatal);
    releaseFatal = () => process.removeListener('uncaughtException', holdFatal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    const work = cleanup(signal).catch((error: unknown) => {
      log('cleanup on %s failed: %s', signal, (error as Error).message);
      return 'failed' as const;
    });
    void Promise.race([work, deadline]).then((outcome) => {
      clearTimeout(timer);
      releaseExit();
      if (outcome === 'timeout')
        print(`berth: stopped on ${signal}; cleanup still running after ${options.timeoutMs} ms, the reaper finishes it`);
      else if (outcome === 'failed')
        print(`berth: stopped on ${signal}; removing some resources failed, the reaper retries (berth ls shows them)`);
      // Nothing removed, nothing to say: a runner ending its idle worker processes with SIGTERM
      // (vitest's pool does) must not print a line per worker.
      else if (Object.values(outcome ?? {}).some((count) => (count ?? 0) > 0)) print(stoppedLine(signal, outcome));
      // Decided now, not when the signal came: a listener added meanwhile owns the exit. The cleanup
      // may have uninstalled us already (endSession does); that does not change the decision.
      const theirs = othersListening(signal);
      uninstall();
      releaseFatal();
      if (exitRequested || fatal || !theirs) exit(code);
    });
  }
  for (const signal of SIGNALS) process.on(signal, handler);
  return uninstall;
}
