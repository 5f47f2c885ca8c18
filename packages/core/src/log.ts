/**
 * Logging through `debug` namespaces under `berth:` (enable with DEBUG=berth:*). Everything that is
 * logged passes through `redact` (secrets.ts), so credentials handed to berth never reach a log line.
 */
import { format } from 'node:util';
import createDebug from 'debug';
import { redact, registerSecret } from './secrets.js';

export type Logger = (format: string, ...args: unknown[]) => void;

// The registry lives in secrets.ts, shared with the error classes; these names stay for callers.
export { redact, registerSecret };

export function debug(namespace: string): Logger {
  const d = createDebug(`berth:${namespace}`);
  d.log = (...args: unknown[]) => {
    // debug leaves %s and %d to the log function, as its default one (util.format) does.
    process.stderr.write(`${redact(format(...args))}\n`);
  };
  return (format, ...args) => {
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
