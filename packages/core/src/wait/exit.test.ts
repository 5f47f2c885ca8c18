import { describe, expect, it } from 'vitest';
import { WaitFailedError } from '../errors.js';
import { exit } from './exit.js';
import { FakeTarget, later, waitFor } from './fake-target.js';

describe('wait.exit', () => {
  it('resolves when the container exits with the expected code, even with an exit promise', async () => {
    const target = new FakeTarget();
    void later(20, () => target.exit(0));
    await expect(waitFor(exit(), target, { exited: target.exited })).resolves.toBeUndefined();
    expect(exit(3).description).toBe('exit with code 3');
    expect(exit().expectsExit).toBe(true);
  });

  it('fails with the actual code when it is wrong', async () => {
    const target = new FakeTarget();
    target.log('migration 0042 failed');
    target.exit(1);
    const error = (await waitFor(exit(0), target).catch((e: unknown) => e)) as WaitFailedError;
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.summary).toBe('container exited with code 1, expected exit code 0');
    expect(error.details).toMatchObject({ exitCode: 1, logTail: ['migration 0042 failed'] });
  });

  it('times out while the container keeps running', async () => {
    await expect(waitFor(exit(), new FakeTarget(), { timeoutMs: 400 })).rejects.toThrow('last: container is running');
  });
});
