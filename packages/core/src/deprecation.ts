/**
 * Deprecations instead of breaks: a renamed or removed export keeps working for at least one minor
 * version, marked `@deprecated` in its declaration (editors strike it through) and warning once at
 * run time, naming what replaces it. The warning goes through `process.emitWarning`, so Node's
 * `--no-deprecation` silences it, `--throw-deprecation` makes it an error, and a test runner shows it
 * as it shows Node's own.
 */

/** The `code` of every berth deprecation warning (one code, so one `--no-warnings=...` rule). */
export const DEPRECATION_CODE = 'BERTH_DEPRECATED';

const warned = new Set<string>();

/**
 * Warns once per process that `name` is deprecated and what to use instead. Later calls for the same
 * name are free: call it on every use of the old API.
 */
export function warnDeprecated(name: string, replacement: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  process.emitWarning(`${name} is deprecated: use ${replacement}. It will be removed in a future minor version.`, {
    type: 'DeprecationWarning',
    code: DEPRECATION_CODE,
  });
}

/**
 * `fn` under its old name: the same function, which warns once (see warnDeprecated) before its first
 * call runs.
 */
export function deprecated<A extends unknown[], R>(name: string, replacement: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    warnDeprecated(name, replacement);
    return fn(...args);
  };
}
