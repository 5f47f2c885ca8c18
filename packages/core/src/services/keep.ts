/**
 * Keeping what a failing test used. With `keep: 'failed'` (config) or `BERTH_KEEP=failed` (one
 * run), a slice taken by a test that fails is not reset or dropped when the test ends: the broker
 * sets it aside, the test's failure output names it with a URL, and at the end of the run the
 * services holding kept slices stay running (see session/kept.ts). `'all'` keeps every slice.
 *
 * The decision is the broker's (the run's main process): workers only report how their test ended.
 * This file is the pure part: which mode a run is in, whether a slice is kept, and the words.
 */
import type { BerthConfig } from '../config.js';
import { ConfigError } from '../errors.js';

/** What a run keeps of the slices tests took: nothing, those of failed tests, or every one. */
export type KeepMode = 'off' | 'failed' | 'all';

const MODES: readonly KeepMode[] = ['off', 'failed', 'all'];

/** How a test that held slices ended, as its runner reports it. */
export interface TestOutcome {
  /** The test failed (an assertion, an error, a timeout). */
  failed: boolean;
  /** Its name as the runner shows it ("file > describe > test"). */
  test: string;
}

/** A slice the run kept instead of recycling it. Plain JSON (it travels from the broker to workers). */
export interface KeptSlice {
  /** The service's name in the config ("db"). */
  service: string;
  /** Its kind ("postgres"). */
  kind: string;
  /** The test that held it. */
  test: string;
  /** A URL to paste into psql, mysql, redis-cli, a nats or AMQP client. */
  url: string;
  /** The container holding it. */
  container: string;
}

/** Checks a `keep` value from the config or BERTH_KEEP; `source` names where it came from. */
export function parseKeep(value: unknown, source: string): KeepMode {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if ((MODES as readonly string[]).includes(lower)) return lower as KeepMode;
    if (lower === '0' || lower === 'false' || lower === 'no') return 'off';
  }
  throw new ConfigError(`expected ${source} to be 'failed', 'all' or 'off', got ${JSON.stringify(value)}`, {
    hint: "'failed' keeps the slices of failing tests, 'all' every slice, 'off' none (the default)",
  });
}

/**
 * The run's mode. BERTH_KEEP wins over the config; under CI (CI set) only BERTH_KEEP counts, so a
 * `keep` checked into the config keeps nothing on CI runners unless the job sets it explicitly.
 */
export function resolveKeep(fromConfig: unknown, cfg: Pick<BerthConfig, 'keep' | 'ci'>): KeepMode {
  const configured = fromConfig === undefined ? 'off' : parseKeep(fromConfig, '`keep` in the berth config');
  if (cfg.keep !== undefined) return parseKeep(cfg.keep, 'BERTH_KEEP');
  return cfg.ci ? 'off' : configured;
}

/** Whether a slice given back after `outcome` is kept (no outcome: a slice of a file or block, not one test). */
export function keeps(mode: KeepMode, outcome: TestOutcome | undefined): boolean {
  if (mode === 'all') return true;
  return mode === 'failed' && outcome?.failed === true;
}

/** The lines a failing test's output gets: each kept slice with its URL, and how to remove them. */
export function keptNote(slices: readonly KeptSlice[]): string {
  const width = Math.max(...slices.map((s) => s.service.length));
  const lines = slices.map((s) => `  ${s.service.padEnd(width)}  ${s.url}  (${s.kind}, container ${s.container})`);
  const what = slices.length === 1 ? 'slice' : `${slices.length} slices`;
  return [`berth kept this test's ${what}:`, ...lines, 'they stay until `berth prune` (or the reuse TTL); `berth ls` lists them'].join(
    '\n',
  );
}

/** The run's last line when something was kept. */
export function keptRunLine(slices: readonly KeptSlice[]): string {
  const tests = new Set(slices.map((s) => s.test)).size;
  const containers = [...new Set(slices.map((s) => s.container))];
  return (
    `berth: kept ${slices.length} slice(s) of ${tests} test(s); ${containers.join(', ')} stay(s) running ` +
    '(`berth ls` lists them, `berth prune` removes them)'
  );
}
