import { describe, expect, it } from 'vitest';
import { isExpired } from './reuse-sweep.js';
import type { UpMarker } from './up-markers.js';

const MINUTE = 60_000;
const now = 1_000 * MINUTE;
const up = (ttlMs: number | undefined): UpMarker => ({
  name: 'berth-up-x',
  hash: 'h',
  configFile: '/p/berth.config.mjs',
  service: 'db',
  ttlMs,
  createdMs: undefined,
});

describe('isExpired', () => {
  it('expires an idle group after the TTL, never one a live session holds', () => {
    expect(isExpired({ holders: [], lastUseMs: now - 31 * MINUTE, up: [] }, 30 * MINUTE, now)).toBe(true);
    expect(isExpired({ holders: [], lastUseMs: now - 29 * MINUTE, up: [] }, 30 * MINUTE, now)).toBe(false);
    expect(isExpired({ holders: [{ session: 's', state: 'alive' }], lastUseMs: now - 99 * MINUTE, up: [] }, 30 * MINUTE, now)).toBe(false);
    expect(isExpired({ holders: [{ session: 's', state: 'dead' }], lastUseMs: now - 99 * MINUTE, up: [] }, 30 * MINUTE, now)).toBe(true);
  });

  it('keeps a berth up group for the TTL its berth up had, whatever shorter TTL the sweeping run has', () => {
    const kept = { holders: [], lastUseMs: now - 10 * MINUTE, up: [up(30 * MINUTE)] };
    expect(isExpired(kept, 1_000, now)).toBe(false);
    expect(isExpired({ ...kept, lastUseMs: now - 31 * MINUTE }, 1_000, now)).toBe(true);
    // A longer TTL of the sweeping run still counts; a marker without one adds nothing.
    expect(isExpired({ ...kept, lastUseMs: now - 31 * MINUTE }, 60 * MINUTE, now)).toBe(false);
    expect(isExpired({ holders: [], lastUseMs: now - 2_000, up: [up(undefined)] }, 1_000, now)).toBe(true);
  });
});
