/**
 * Logging through `debug` namespaces under `berth:` (enable with DEBUG=berth:*). Everything that is
 * logged passes through `redact` (secrets.ts), so credentials handed to berth never reach a log line.
 */
import { createRequire } from 'node:module';
import { format as formatText } from 'node:util';
import type createDebugType from 'debug';
import { redact, registerSecret } from './secrets.js';

export type Logger = (format: string, ...args: unknown[]) => void;

// The registry lives in secrets.ts, shared with the error classes; these names stay for callers.
export { redact, registerSecret };

/**
 * `debug` is loaded on the first log call made while DEBUG names something berth could match (it
 * costs tens of milliseconds to import, on every test process's start). DEBUG is read at each call,
 * not once: `debug.enable('berth:*')` writes it too, so enabling at run time keeps working.
 */
let createDebug: typeof createDebugType | undefined;

export function debug(namespace: string): Logger {
  let d: ReturnType<typeof createDebugType> | undefined;
  return (format, ...args) => {
    const wanted = process.env.DEBUG;
    if (!wanted || !/berth|\*/.test(wanted)) return;
    if (!d) {
      createDebug ??= createRequire(import.meta.url)('debug') as typeof createDebugType;
      d = createDebug(`berth:${namespace}`);
      d.log = (...parts: unknown[]) => {
        // debug leaves %s and %d to the log function, as its default one (util.format) does.
        process.stderr.write(`${redact(formatText(...parts))}\n`);
      };
    }
    if (d.enabled) d(format, ...args);
  };
}

/** A logger whose lines start with the short container id, e.g. `[3f2a1b9c0d1e] pulling`. */
export function containerLog(namespace: string, containerId: () => string | undefined): Logger {
  const log = debug(namespace);
  return (format, ...args) => {
    const id = containerId();
    log(`[%s] ${format}`, id ? id.slice(0, 12) : '------------', ...args);
  };
}
