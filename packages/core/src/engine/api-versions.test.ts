import { describe, expect, it } from 'vitest';
import { adaptCreateBody, speaksAtLeast } from './api-versions.js';
import type { ContainerCreateBody } from './types.js';

const MS = 1_000_000;
const body = (healthcheck: ContainerCreateBody['Healthcheck']): ContainerCreateBody => ({
  Image: 'busybox:latest',
  Healthcheck: healthcheck,
});

describe('create body by API version', () => {
  it('keeps StartInterval where the API has it (1.44 and later, or unversioned)', () => {
    const input = body({ Test: ['CMD', 'true'], Interval: 60_000 * MS, StartInterval: 250 * MS });
    for (const prefix of ['/v1.44', '/v1.45', '']) {
      const { body: out, notes } = adaptCreateBody(input, prefix);
      expect(out).toBe(input);
      expect(notes).toEqual([]);
    }
  });

  it('below 1.44 the start interval becomes the interval (the engine would drop it and probe at Interval only)', () => {
    const input = body({ Test: ['CMD', 'true'], Interval: 60_000 * MS, StartPeriod: 30_000 * MS, StartInterval: 250 * MS });
    const { body: out, notes } = adaptCreateBody(input, '/v1.41');
    expect(out.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 250 * MS, StartPeriod: 30_000 * MS });
    expect(notes).toEqual(['healthcheck start interval 250 ms used as the interval (API 1.41 has no StartInterval; it is 1.44)']);
    expect(input.Healthcheck?.StartInterval).toBe(250 * MS);
  });

  it('below 1.44 a shorter interval stays, and no interval takes the start interval', () => {
    expect(adaptCreateBody(body({ Interval: 100 * MS, StartInterval: 250 * MS }), '/v1.41').body.Healthcheck).toEqual({
      Interval: 100 * MS,
    });
    expect(adaptCreateBody(body({ StartInterval: 250 * MS }), '/v1.43').body.Healthcheck).toEqual({ Interval: 250 * MS });
  });

  it('compares versions numerically', () => {
    expect(speaksAtLeast('/v1.9', '1.44')).toBe(false);
    expect(speaksAtLeast('/v1.100', '1.44')).toBe(true);
    expect(speaksAtLeast('/v2.0', '1.44')).toBe(true);
  });
});
