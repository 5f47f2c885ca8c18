import { describe, expect, it } from 'vitest';
import { sessionsLeftAfterGrace } from './release-grace.js';

describe('sessionsLeftAfterGrace', () => {
  it('returns 0 as soon as the sessions have left, without waiting out the grace period', async () => {
    const counts = [3, 2, 0];
    const started = Date.now();
    expect(await sessionsLeftAfterGrace(async () => counts.shift() ?? 0, 60_000)).toBe(0);
    expect(counts).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('returns what is still there when the grace period ends', async () => {
    let asked = 0;
    const left = await sessionsLeftAfterGrace(async () => {
      asked++;
      return 2;
    }, 50);
    expect(left).toBe(2);
    expect(asked).toBeGreaterThan(1);
  });

  it('asks once and does not wait when the grace period is 0', async () => {
    let asked = 0;
    expect(
      await sessionsLeftAfterGrace(async () => {
        asked++;
        return 1;
      }, 0),
    ).toBe(1);
    expect(asked).toBe(1);
  });
});
