import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../errors.js';
import { resolveNatsOptions } from './options.js';

describe('nats options', () => {
  it('fills the defaults: 16 accounts, requests wait 30 s for one', () => {
    expect(resolveNatsOptions()).toMatchObject({ image: 'nats:2', accounts: 16, requestTimeoutMs: 10_000, acquireTimeoutMs: 30_000 });
    expect(resolveNatsOptions({ accounts: 2, acquireTimeoutMs: 500 })).toMatchObject({ accounts: 2, acquireTimeoutMs: 500 });
  });

  it.each([
    [{ acquireTimeoutMs: 0 }, 'nats(): expected `acquireTimeoutMs` to be a whole number ≥ 1, got 0'],
    [{ acquireTimeoutMs: 1.5 }, 'nats(): expected `acquireTimeoutMs` to be a whole number ≥ 1, got 1.5'],
    [{ acquireTimeoutMs: '30s' }, 'nats(): expected `acquireTimeoutMs` to be a whole number ≥ 1, got "30s"'],
    [{ accounts: -1 }, 'nats(): expected `accounts` to be a whole number ≥ 0, got -1'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveNatsOptions(options as never)).toThrow(InvalidSpecError);
    expect(() => resolveNatsOptions(options as never)).toThrow(message);
  });

  it('rejects keys it does not know', () => {
    expect(() => resolveNatsOptions({ acquireTimeout: 500 } as never)).toThrow(InvalidSpecError);
    expect(() => resolveNatsOptions({ acquireTimeout: 500 } as never)).toThrow('acquireTimeout');
  });
});
