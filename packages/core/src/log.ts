/**
 * Logging through `debug` namespaces under `berth:` (enable with DEBUG=berth:*). Everything that is
 * logged passes through `redact`, so credentials handed to berth never reach a log line.
 */
import { createRequire } from 'node:module';
import { format } from 'node:util';
import type createDebugType from 'debug';

export type Logger = (format: string, ...args: unknown[]) => void;

const secrets = new Set<string>();

/** Registers a value (password, token) that must never appear in a log line. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 3) secrets.add(value);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('***');
  // Credentials inside URLs (postgres://user:pass@host, https://user:pass@registry).
  return result.replace(/(\w+:\/\/[^:/\s@]+:)[^@\s/]+@/g, '$1***@');
}

/**
 * `debug` is loaded only when DEBUG could enable a berth namespace (it costs tens of milliseconds to
 * import, on every test process's start); otherwise logging is a no-op.
 */
let createDebug: typeof createDebugType | undefined;
function loadDebug(): typeof createDebugType | undefined {
  const wanted = process.env.DEBUG;
  if (!wanted || !/berth|\*/.test(wanted)) return undefined;
  createDebug ??= createRequire(import.meta.url)('debug') as typeof createDebugType;
  return createDebug;
}

export function debug(namespace: string): Logger {
  const create = loadDebug();
  if (!create) return () => undefined;
  const d = create(`berth:${namespace}`);
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
