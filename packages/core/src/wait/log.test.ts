import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ContainerExitedError, InvalidSpecError, WaitTimeoutError } from '../errors.js';
import { FakeTarget, later, waitFor } from './fake-target.js';
import { log } from './log.js';

describe('wait.log', () => {
  it('describes pattern, count and stream', () => {
    expect(log('ready').description).toBe('log line "ready"');
    expect(log(/accept connections/, { times: 2 }).description).toBe('log line /accept connections/ ×2');
    expect(log('up', { stream: 'stderr' }).description).toBe('log line "up" on stderr');
    expect(() => log('x', { times: 0 })).toThrow(InvalidSpecError);
  });

  it('resolves as soon as a matching line arrives, without polling', async () => {
    const target = new FakeTarget();
    target.log('starting');
    let done = false;
    const waiting = waitFor(log('listening on'), target).then(() => {
      done = true;
    });
    await sleep(20);
    expect(done).toBe(false);
    target.log('listening on http :8080 and https :8443');
    // Streamed: the wait resolves within the same turn of the event loop, no timer involved.
    await setImmediate();
    expect(done).toBe(true);
    await waiting;
    expect(target.inspectCalls + target.execCalls.length).toBe(0);
  });

  it('sees lines printed before the wait began (since this start)', async () => {
    const target = new FakeTarget();
    target.log('database system is ready to accept connections');
    await expect(waitFor(log('ready to accept'), target)).resolves.toBeUndefined();
  });

  it('waits for `times` matches; a RegExp with the g flag still matches every line', async () => {
    const target = new FakeTarget();
    const waiting = waitFor(log(/ready to accept connections/g, { times: 2 }), target, { timeoutMs: 1000 });
    target.log('database system is ready to accept connections');
    target.log('database system is shut down');
    let done = false;
    void waiting.then(() => {
      done = true;
    });
    await later(20, () => expect(done).toBe(false));
    target.log('database system is ready to accept connections');
    await waiting;
  });

  it('reads only the chosen stream', async () => {
    const target = new FakeTarget();
    target.log('ready', 'stdout');
    const waiting = waitFor(log('ready', { stream: 'stderr' }), target, { timeoutMs: 100 });
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    target.log('ready', 'stderr');
    await expect(waitFor(log('ready', { stream: 'stderr' }), target)).resolves.toBeUndefined();
  });

  it('times out saying how many matches it saw', async () => {
    const target = new FakeTarget();
    target.log('ready');
    const error = await waitFor(log('ready', { times: 3 }), target, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect((error as WaitTimeoutError).summary).toBe(
      'timed out after 50 ms waiting for log line "ready" ×3 (1 attempt, last: 1 of 3 matching lines so far)',
    );
  });

  it('fails fast with the exit code and log tail when the container stops', async () => {
    const target = new FakeTarget();
    const waiting = waitFor(log('ready'), target, { timeoutMs: 5000 });
    await later(10, () => {
      target.log('FATAL: password authentication is not configured', 'stderr');
      target.exit(1);
    });
    const error = (await waiting.catch((e: unknown) => e)) as ContainerExitedError;
    expect(error).toBeInstanceOf(ContainerExitedError);
    expect(error.details.exitCode).toBe(1);
    expect(error.details.logTail).toEqual(['FATAL: password authentication is not configured']);
  });
});
