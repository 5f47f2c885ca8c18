import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { keeps, keptNote, keptRunLine, parseKeep, resolveKeep } from './keep.js';

describe('keep mode', () => {
  it('is off by default, the config decides on a laptop, BERTH_KEEP wins over it', () => {
    expect(resolveKeep(undefined, { keep: undefined, ci: false })).toBe('off');
    expect(resolveKeep('failed', { keep: undefined, ci: false })).toBe('failed');
    expect(resolveKeep('failed', { keep: 'off', ci: false })).toBe('off');
    expect(resolveKeep(undefined, { keep: 'ALL', ci: false })).toBe('all');
  });

  it('under CI only an explicit BERTH_KEEP keeps anything', () => {
    expect(resolveKeep('failed', { keep: undefined, ci: true })).toBe('off');
    expect(resolveKeep('failed', { keep: 'failed', ci: true })).toBe('failed');
  });

  it('refuses a value it does not know, quoting it and where it came from', () => {
    expect(() => parseKeep('failing', 'BERTH_KEEP')).toThrow(ConfigError);
    expect(() => parseKeep('failing', 'BERTH_KEEP')).toThrow(/expected BERTH_KEEP to be 'failed', 'all' or 'off', got "failing"/);
    expect(() => resolveKeep(true, { keep: undefined, ci: false })).toThrow(/`keep` in the berth config/);
    expect(parseKeep('0', 'BERTH_KEEP')).toBe('off');
  });

  it("keeps a failed test's slices for 'failed', every slice for 'all', none for 'off'", () => {
    const failed = { failed: true, test: 't' };
    const passed = { failed: false, test: 't' };
    expect([keeps('failed', failed), keeps('failed', passed), keeps('failed', undefined)]).toEqual([true, false, false]);
    expect([keeps('all', passed), keeps('all', undefined)]).toEqual([true, true]);
    expect(keeps('off', failed)).toBe(false);
  });

  it('names each kept slice with its URL, and how to remove them', () => {
    const slices = [
      { service: 'db', kind: 'postgres', test: 't', url: 'postgres://u:p@127.0.0.1:5432/berth_fresh_3', container: 'berth-db-x' },
      { service: 'cache', kind: 'redis', test: 't', url: 'redis://127.0.0.1:6379/4', container: 'berth-cache-y' },
    ];
    const note = keptNote(slices);
    expect(note).toContain("berth kept this test's 2 slices:");
    expect(note).toContain('  db     postgres://u:p@127.0.0.1:5432/berth_fresh_3  (postgres, container berth-db-x)');
    expect(note).toContain('`berth prune`');
    expect(keptRunLine(slices)).toMatch(
      /^berth: kept 2 slice\(s\) of 1 test\(s\); berth-db-x, berth-cache-y stay\(s\) running .*berth prune/,
    );
  });
});
