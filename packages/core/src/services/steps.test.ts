import { describe, expect, it } from 'vitest';
import { CleanupError } from '../errors.js';
import { runSteps } from './steps.js';

describe('runSteps', () => {
  it('runs every step in order even when earlier ones fail', async () => {
    const ran: string[] = [];
    const error = await runSteps('stopping', [
      { what: 'a', run: () => ran.push('a') },
      {
        what: 'b',
        run: async () => {
          ran.push('b');
          throw new Error('b broke');
        },
      },
      { what: 'c', run: () => ran.push('c') },
    ]).catch((e: unknown) => e);
    expect(ran).toEqual(['a', 'b', 'c']);
    // One failure: rethrown as it is.
    expect(error).toEqual(new Error('b broke'));
  });

  it('reports several failures as one CleanupError naming each step', async () => {
    const error = await runSteps('stopping the run', [
      {
        what: 'close the broker',
        run: () => {
          throw new Error('x');
        },
      },
      { what: 'stop db', run: () => Promise.reject(new Error('y')) },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).errors).toHaveLength(2);
    expect((error as Error).message).toMatch(/stopping the run: 2 of 2 steps failed \(close the broker; stop db\)/);
  });
});
