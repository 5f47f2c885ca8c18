/**
 * What `berth up` prints and writes, as pure functions: the services' URLs as shell comments and
 * the config's `env` as `export` lines, so `eval "$(berth up)"` sets them in the shell; and the same
 * variables as a dotenv file (`--env-file`).
 */
import { ConfigError } from '../errors.js';
import type { ServiceDetailsBase } from '../services/definition.js';
import { columns } from './format.js';

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The address a developer pastes: the module's `url` when it has one, else host:port. */
export function serviceUrl(details: ServiceDetailsBase): string {
  const url = (details as { url?: unknown }).url;
  return typeof url === 'string' ? url : `${details.host}:${details.port}`;
}

/** A POSIX shell word that stands for `value` exactly (single quotes; a quote inside becomes '\''). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A ConfigError unless every name can be a shell and dotenv variable. */
export function checkVariableNames(env: Record<string, string>): void {
  const bad = Object.keys(env).filter((key) => !SHELL_NAME.test(key));
  if (bad.length > 0) {
    throw new ConfigError(`berth up cannot export env ${bad.map((k) => JSON.stringify(k)).join(', ')}: not a shell variable name`, {
      hint: 'name the variables of the config’s `env` with letters, digits and underscores, not starting with a digit',
      details: { variables: bad },
    });
  }
}

/** `# db     postgres://…` lines, then `export KEY='value'` lines. */
export function upLines(services: Record<string, ServiceDetailsBase>, env: Record<string, string>): string[] {
  const rows = Object.entries(services).map(([name, details]) => [name, serviceUrl(details)]);
  return [...columns(rows, '# '), ...Object.entries(env).map(([key, value]) => `export ${key}=${shellQuote(value)}`)];
}

/**
 * A dotenv file: `KEY='value'`, or, when the value holds a single quote or a line break, the
 * double-quoted form with `\n` for a line break.
 */
export function dotenv(env: Record<string, string>): string {
  const line = ([key, value]: [string, string]) => {
    if (!value.includes("'") && !/[\r\n]/.test(value)) return `${key}='${value}'`;
    const escaped = value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\r', '\\r').replaceAll('\n', '\\n');
    return `${key}="${escaped}"`;
  };
  return `# written by \`berth up\`; \`berth down\` stops the services\n${Object.entries(env).map(line).join('\n')}\n`;
}

/** "db     | line": each service's name padded to the longest, so the logs line up. */
export function logPrefixes(names: readonly string[]): Record<string, string> {
  const width = Math.max(0, ...names.map((n) => n.length));
  return Object.fromEntries(names.map((n) => [n, `${n.padEnd(width)} | `]));
}
