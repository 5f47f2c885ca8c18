import { describe, expect, it } from 'vitest';
import { recordReuse, reuseLine, reuseOf } from './reuse-report.js';

describe('reuseLine', () => {
  it('says per service what was reused or created and why; nothing when nobody asked for reuse', () => {
    const line = reuseLine([
      {
        name: 'db',
        reuse: { container: { hash: 'h', action: 'reused', reason: 'running since 2026-11-30T05:00:00Z' }, template: 'found' },
      },
      { name: 'cache', reuse: { container: { hash: 'g', action: 'created', reason: 'replaced: it was stopped (exited, exit code 137)' } } },
      { name: 'queue', reuse: { skipped: 'CI is set (BERTH_REUSE=force reuses anyway)' } },
      { name: 'plain', reuse: undefined },
    ]);
    expect(line).toBe(
      'berth: reused db (running since 2026-11-30T05:00:00Z; template found, no migrations), ' +
        'created cache (replaced: it was stopped (exited, exit code 137)), ' +
        'created queue (not reused: CI is set (BERTH_REUSE=force reuses anyway))',
    );
    expect(reuseLine([{ name: 'plain', reuse: undefined }])).toBeUndefined();
  });

  it('keeps the record beside the running service object', () => {
    const running = {};
    recordReuse(running, { skipped: 'x' });
    expect(reuseOf(running)).toEqual({ skipped: 'x' });
    expect(reuseOf({})).toBeUndefined();
  });
});
