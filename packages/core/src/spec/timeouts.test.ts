// BERTH_TIMEOUT_SCALE reaches every timeout berth applies, the modules' own connections included.
import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../config.js';
import { validateSpec } from '../container/validate.js';
import { pingTimeout } from '../engine/system.js';
import { resolvePostgresOptions } from '../modules/postgres/options.js';
import { resolveRedisOptions } from '../modules/redis/options.js';

const saved = process.env.BERTH_TIMEOUT_SCALE;

afterEach(() => {
  if (saved === undefined) delete process.env.BERTH_TIMEOUT_SCALE;
  else process.env.BERTH_TIMEOUT_SCALE = saved;
  resetConfig();
});

describe('timeout scaling', () => {
  it('scales the modules’ connect timeouts once, when their options are resolved', () => {
    process.env.BERTH_TIMEOUT_SCALE = '3';
    resetConfig();
    expect(resolvePostgresOptions({ connectTimeoutMs: 2000 }).connectTimeoutMs).toBe(6000);
    expect(resolveRedisOptions().connectTimeoutMs).toBe(15_000);
  });

  it('leaves startup timeouts as written: start() scales the whole start once', () => {
    process.env.BERTH_TIMEOUT_SCALE = '3';
    resetConfig();
    expect(resolvePostgresOptions({ startupTimeoutMs: 1000 }).startupTimeoutMs).toBe(1000);
    expect(validateSpec({ image: 'busybox', startupTimeoutMs: 1000 }).startupTimeoutMs).toBe(1000);
  });

  it('scales the engine ping of discovery (3 s on a quiet machine)', () => {
    expect(pingTimeout()).toBe(3000 * Number(saved ?? 1));
    process.env.BERTH_TIMEOUT_SCALE = '3';
    resetConfig();
    expect(pingTimeout()).toBe(9000);
  });
});
