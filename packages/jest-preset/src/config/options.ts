/**
 * What the jest config says about berth: `testEnvironmentOptions.berth`, written by `withBerth` (or
 * by hand), read in globalSetup (main process) and in the test environment (workers). Plain JSON.
 */

export interface BerthJestOptions {
  /** Config file to load instead of looking for `berth.config.*` in rootDir; relative to rootDir. */
  configFile?: string;
  /** Id of a config passed inline to withBerth (see inline.ts). */
  inline?: string;
  /**
   * The environment the berth environment extends: `node` (default), `jsdom`, or a module path, the
   * way jest's own `testEnvironment` option names one.
   */
  environment?: string;
  /** The project's own globalSetup, run after berth's (so it sees the services' env). Set by withBerth. */
  globalSetup?: string;
  /** The project's own globalTeardown, run before berth's. Set by withBerth. */
  globalTeardown?: string;
}

const KNOWN = ['configFile', 'inline', 'environment', 'globalSetup', 'globalTeardown'] as const;

/** Reads and checks `testEnvironmentOptions.berth`; `problem` words what is wrong for a ConfigError. */
export function readJestOptions(
  testEnvironmentOptions: Record<string, unknown> | undefined,
): { ok: true; options: BerthJestOptions } | { ok: false; problem: string } {
  const raw = testEnvironmentOptions?.berth;
  if (raw === undefined) return { ok: true, options: {} };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problem: `expected \`testEnvironmentOptions.berth\` to be an object, got ${JSON.stringify(raw)}` };
  }
  const options: BerthJestOptions = {};
  for (const [key, value] of Object.entries(raw)) {
    const known = KNOWN.find((name) => name === key);
    if (!known) {
      return { ok: false, problem: `unknown option \`testEnvironmentOptions.berth.${key}\` (known: ${KNOWN.join(', ')})` };
    }
    if (typeof value !== 'string' || value === '') {
      return {
        ok: false,
        problem: `expected \`testEnvironmentOptions.berth.${key}\` to be a non-empty string, got ${JSON.stringify(value)}`,
      };
    }
    options[known] = value;
  }
  return { ok: true, options };
}
