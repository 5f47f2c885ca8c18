import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.js';
import { runLine, summaryLine, summaryWanted } from './run-summary.js';

const services = [
  { name: 'db', image: 'postgres:15', reuse: undefined },
  { name: 'cache', image: 'redis:7', reuse: undefined },
];
const reused = [
  { name: 'db', image: 'postgres:15', reuse: { container: { hash: 'h', action: 'reused' as const, reason: 'running since 05:04' } } },
];

describe('run summary', () => {
  it('names the services, their images and the ready time', () => {
    expect(summaryLine(services, 3_249)).toBe('berth: db (postgres:15), cache (redis:7) ready in 3.2 s');
    expect(summaryLine(reused, 412)).toBe('berth: db (postgres:15) ready in 0.4 s; reused db (running since 05:04)');
  });

  it('is printed in a terminal or in CI, never with BERTH_QUIET', () => {
    const env = (vars: Record<string, string>) => readConfig(vars, '/home/u');
    expect(summaryWanted(env({}), true)).toBe(true);
    expect(summaryWanted(env({}), false)).toBe(false);
    expect(summaryWanted(env({ CI: 'true' }), false)).toBe(true);
    expect(summaryWanted(env({ CI: '0' }), false)).toBe(false);
    expect(summaryWanted(env({ CI: '1', BERTH_QUIET: '1' }), true)).toBe(false);
    expect(summaryWanted(env({ BERTH_QUIET: '0' }), true)).toBe(true);
  });

  it('keeps the reuse line where the summary is not printed, and says nothing with BERTH_QUIET', () => {
    expect(runLine(reused, 412, { ci: false, quiet: false }, false)).toBe('berth: reused db (running since 05:04)');
    expect(runLine(services, 412, { ci: false, quiet: false }, false)).toBeUndefined();
    expect(runLine(reused, 412, { ci: true, quiet: true }, true)).toBeUndefined();
  });
});
