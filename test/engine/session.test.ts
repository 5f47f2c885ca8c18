// The session layer against the real engine: a child process owns a session (container, network,
// named volume) and dies in each way a test runner can; everything of its session must go.
import { describe, expect, it, type TestContext } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { type Child, leftovers, removeSessionByCli, startChild, volumeExists, waitGone } from '../support/session-helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function child(t: TestContext, mode: string, env: Record<string, string | undefined> = {}): Promise<Child> {
  const c = await startChild(mode, env);
  // Whatever the test did, its own children and sessions go afterwards (nothing else is touched).
  t.onTestFinished(async () => {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await c.exited;
    await removeSessionByCli(c.info.session);
  });
  // Everything the child reported exists before we kill it.
  expect((await leftovers(c.info.session)).length).toBeGreaterThanOrEqual(3);
  return c;
}

describe('a session owner that dies', () => {
  it('SIGKILL: the reaper removes everything within 10 s', async (t) => {
    const c = await child(t, 'wait');
    c.process.kill('SIGKILL');
    const { at } = await c.exited;
    const gone = await waitGone(c.info.session, 10_000);
    expect(gone - at).toBeLessThan(budget(10_000));
  });

  it.for(['SIGINT', 'SIGTERM'] as const)(
    '%s: resources are gone when the process exits 130/143, after one line saying so',
    async (signal, t) => {
      const c = await child(t, 'wait');
      c.process.kill(signal);
      const { code } = await c.exited;
      // Our handler was the only listener: it cleaned up, then exited the conventional way.
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(await leftovers(c.info.session)).toEqual([]);
      expect(c.output()).toMatch(new RegExp(`berth: stopped on ${signal}; removed 1 container, 1 network, 1 volume`));
    },
  );

  it('an uncaught exception: exit code 1, resources gone within 10 s', async (t) => {
    const c = await child(t, 'throw');
    c.go();
    const { code, at } = await c.exited;
    expect(code).toBe(1);
    expect(c.output()).toContain('boom (deliberately uncaught)');
    const gone = await waitGone(c.info.session, 10_000);
    expect(gone - at).toBeLessThan(budget(10_000));
  });

  it('a normal exit without endSession: the process is not held open, resources gone within 10 s', async (t) => {
    const c = await child(t, 'exit');
    c.go();
    const { code, at } = await c.exited;
    expect(code).toBe(0);
    const gone = await waitGone(c.info.session, 10_000);
    expect(gone - at).toBeLessThan(budget(10_000));
  });

  it('resources a worker creates in the inherited session go with the owner', async (t) => {
    const c = await child(t, 'worker');
    const worker = c.info.worker;
    expect(worker?.session).toBe(c.info.session);
    expect(worker?.owner).toBe(false);
    expect(await leftovers(c.info.session)).toContain(`network:${worker?.network}`);
    const workerPid = worker?.pid as number;
    // The worker is our grandchild: end it whatever happens below (an assertion failing included).
    t.onTestFinished(() => {
      if (alive(workerPid)) process.kill(workerPid, 'SIGKILL');
    });
    c.process.kill('SIGKILL');
    await c.exited;
    await waitGone(c.info.session, 10_000);
    // Its parent is gone, so it goes too (it watches the pipe the parent held).
    await expect.poll(() => alive(workerPid), poll()).toBe(false);
  });
});

describe('two concurrent sessions', () => {
  it('only the dead one is removed', async (t) => {
    const [a, b] = await Promise.all([child(t, 'wait'), child(t, 'wait')]);
    expect(a.info.session).not.toBe(b.info.session);
    const before = await leftovers(b.info.session);
    a.process.kill('SIGKILL');
    await a.exited;
    await waitGone(a.info.session, 10_000);
    // The reaper's settle passes run for a few more seconds; b must survive them.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await leftovers(b.info.session)).toEqual(before);
    b.process.kill('SIGTERM');
    await b.exited;
    await waitGone(b.info.session, 10_000);
  });
});

describe('endSession', () => {
  it('removes everything of the session, is idempotent and forgets the session id', async (t) => {
    const c = await child(t, 'end');
    c.go();
    const { code } = await c.exited;
    expect(code).toBe(0);
    const ended = JSON.parse(
      c
        .output()
        .split('\n')
        .find((l) => l.startsWith('ended '))
        .slice(6),
    );
    expect(ended).toEqual({ current: null, env: null });
    // endSession resolved only after the removals: nothing to wait for.
    expect(await leftovers(c.info.session)).toEqual([]);
    expect(await volumeExists(c.info.volume as string)).toBe(false);
  });
});

describe('the dead-session sweep', () => {
  it('a new owner removes what a reaper-less killed owner left behind', async (t) => {
    const dead = await child(t, 'wait', { BERTH_REAPER: 'off' });
    dead.process.kill('SIGKILL');
    await dead.exited;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await leftovers(dead.info.session)).length).toBeGreaterThanOrEqual(3);
    const next = await child(t, 'wait');
    await waitGone(dead.info.session, 10_000);
    expect((await leftovers(next.info.session)).length).toBeGreaterThanOrEqual(3);
  });
});
