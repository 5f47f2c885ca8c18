import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WaitFailedError, WaitTimeoutError } from '../errors.js';
import { command } from './command.js';
import { FakeTarget, waitFor } from './fake-target.js';

describe('wait.command', () => {
  it('describes the argv', () => {
    expect(command(['pg_isready', '-U', 'postgres']).description).toBe('command `pg_isready -U postgres` exits 0');
    expect(command(['sh', '-c', 'test -f /ready']).description).toBe('command `sh -c "test -f /ready"` exits 0');
    expect(() => command([])).toThrow('non-empty array');
  });

  it('runs the command until it exits 0', async () => {
    let runs = 0;
    const target = new FakeTarget({ exec: () => ({ exitCode: ++runs < 3 ? 1 : 0, stdout: '', stderr: '' }) });
    await waitFor(command(['redis-cli', 'ping']), target);
    expect(target.execCalls).toEqual([
      ['redis-cli', 'ping'],
      ['redis-cli', 'ping'],
      ['redis-cli', 'ping'],
    ]);
  });

  it('times out with the exit code and stderr tail of the last run', async () => {
    const target = new FakeTarget({
      exec: () => ({ exitCode: 2, stdout: '', stderr: 'line 1\nno response from localhost:5432\n' }),
    });
    const error = await waitFor(command(['pg_isready']), target, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('last: exit code 2: line 1\nno response from localhost:5432');
  });

  it('fails at once when the program cannot run', async () => {
    const target = new FakeTarget();
    const error = (await waitFor(command(['nope']), target).catch((e: unknown) => e)) as WaitFailedError;
    expect(error).toBeInstanceOf(WaitFailedError);
    expect(error.summary).toBe('`nope` cannot run in the container (exit code 127: exec: not found)');
    expect(target.execCalls).toHaveLength(1);
  });

  it('counts a run that hangs as a failed attempt', async () => {
    const target = new FakeTarget();
    target.exec = async (_argv, signal) => {
      await sleep(1000, undefined, { signal });
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const strategy = command(['slow'], { execTimeoutMs: 20 });
    await expect(waitFor(strategy, target, { timeoutMs: 400 })).rejects.toThrow('`slow`: no answer within 20 ms');
  });
});
