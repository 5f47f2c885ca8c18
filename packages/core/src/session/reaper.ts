/**
 * The owner's side of the reaper: a detached `node reaper.js` watcher that removes the session's
 * resources once the owner is gone, however it went (exit, uncaught error, signal, SIGKILL).
 *
 * The link is the child's stdin pipe. The owner writes one JSON line per engine endpoint the session
 * uses and never closes it; the kernel closes it when the owner dies, so the watcher sees EOF even
 * after SIGKILL. The endpoint travels through the pipe rather than argv or env because it may hold
 * TLS keys (argv is world-readable in `ps`). The session id is also in argv, for `ps` readers.
 *
 * The child runs in its own process group (`detached`), so Ctrl-C in a terminal, which signals the
 * foreground group, does not take it down with the runner. The child and the pipe are unref'd: the
 * watcher never keeps the owner's event loop alive.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { EngineEndpoint } from '../engine/endpoint.js';
import { debug } from '../log.js';

const log = debug('session');

/** One line on the watcher's stdin. */
export interface WatchLine {
  session: string;
  endpoint: EngineEndpoint;
}

export interface ReaperHandle {
  readonly pid: number | undefined;
  /** Tells the watcher about another engine the session uses. */
  watch(endpoint: EngineEndpoint): void;
  /** Closes the pipe: the watcher makes a last pass (normally finding nothing) and exits. */
  release(): void;
}

/** The built watcher script next to this bundle, or undefined when running from source. */
export function reaperScript(): string | undefined {
  try {
    const path = fileURLToPath(new URL('./reaper.js', import.meta.url));
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export interface SpawnReaperOptions {
  session: string;
  endpoint: EngineEndpoint;
  /** File the watcher appends its log to; default discarded. */
  logFile?: string | undefined;
  script?: string | undefined;
}

/**
 * What the runtime running berth needs before a script path to run it: nothing for Node and Bun;
 * Deno runs a script with `run` and permissions (the watcher talks to the engine, reads its
 * config and the environment, and sees whether the owner lives).
 */
export function runtimeArgs(versions: Record<string, string | undefined> = process.versions): string[] {
  if (versions.deno) return ['run', '--allow-all', '--quiet'];
  return [];
}

export function spawnReaper(options: SpawnReaperOptions): ReaperHandle | undefined {
  const script = options.script ?? reaperScript();
  if (!script) {
    log('no reaper script next to the bundle (running from source?); a killed owner leaves its resources to the next sweep');
    return undefined;
  }
  const env = { ...process.env };
  // The watcher needs no preloads or loaders a test runner may have put there.
  delete env.NODE_OPTIONS;
  let logFd: number | undefined;
  if (options.logFile) {
    try {
      logFd = openSync(options.logFile, 'a');
    } catch (error) {
      log('cannot open reaper log %s: %s', options.logFile, (error as Error).message);
    }
  }
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...runtimeArgs(), script, '--session', options.session], {
      detached: true,
      stdio: ['pipe', 'ignore', logFd ?? 'ignore'],
      env: logFd === undefined ? env : { ...env, DEBUG: env.DEBUG || 'berth:*' },
      windowsHide: true,
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  const stdin = child.stdin as Socket | null;
  child.on('error', (error) => log('reaper failed to start: %s', error.message));
  stdin?.on('error', (error) => log('reaper pipe: %s', error.message));
  const send = (endpoint: EngineEndpoint) => {
    const line: WatchLine = { session: options.session, endpoint };
    stdin?.write(`${JSON.stringify(line)}\n`);
  };
  send(options.endpoint);
  child.unref();
  // Bun's pipe has no unref (and does not hold its event loop); Node's does.
  (stdin as { unref?: () => void } | null)?.unref?.();
  log('reaper pid %d watches session %s', child.pid, options.session);
  return {
    pid: child.pid,
    watch: send,
    release: () => stdin?.end(),
  };
}
