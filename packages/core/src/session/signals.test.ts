import { afterEach, describe, expect, it, vi } from 'vitest';
import { installSignalCleanup, onRunStopping, type RemovedCounts, stoppedLine } from './signals.js';

const uninstallers: (() => void)[] = [];
afterEach(() => {
  for (const u of uninstallers.splice(0)) u();
});

function install(cleanup: () => Promise<RemovedCounts | undefined>) {
  const exit = vi.fn();
  const print = vi.fn();
  uninstallers.push(installSignalCleanup(cleanup, { timeoutMs: 200, exit, print }));
  return { exit, print };
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('installSignalCleanup', () => {
  it('cleans up, prints one line, then exits 143 on SIGTERM when no one else listens', async () => {
    const cleanup = vi.fn(async () => ({ container: 2, network: 1 }));
    const { exit, print } = install(cleanup);
    process.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(cleanup).toHaveBeenCalledOnce();
    expect(print).toHaveBeenCalledWith('berth: stopped on SIGTERM; removed 2 containers, 1 network');
    expect(exit).toHaveBeenCalledWith(143);
    expect(process.listenerCount('SIGTERM')).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('prints nothing when there was nothing to remove (a runner ending its idle workers)', async () => {
    const { exit, print } = install(async () => ({}));
    process.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(print).not.toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(143);
  });

  it('tells the run it is stopping before it removes anything', async () => {
    const order: string[] = [];
    const forget = onRunStopping((signal) => order.push(`stopping ${signal}`));
    try {
      install(async () => {
        order.push('cleanup');
        return undefined;
      });
      process.emit('SIGINT', 'SIGINT');
      await tick();
      expect(order).toEqual(['stopping SIGINT', 'cleanup']);
    } finally {
      forget();
    }
  });

  it('holds a process.exit another listener calls until the cleanup is done, then exits 130', async () => {
    let finish: (counts: RemovedCounts) => void = () => {};
    const { exit, print } = install(() => new Promise((resolve) => (finish = resolve)));
    const realExit = process.exit;
    const theirs = vi.fn(() => process.exit(1));
    process.on('SIGINT', theirs);
    try {
      process.emit('SIGINT', 'SIGINT');
      expect(theirs).toHaveBeenCalledOnce();
      // Their exit did not end the process: it is held.
      expect(process.exit).not.toBe(realExit);
      await tick();
      expect(exit).not.toHaveBeenCalled();
      finish({ container: 1 });
      await tick();
      expect(print).toHaveBeenCalledWith('berth: stopped on SIGINT; removed 1 container');
      expect(exit).toHaveBeenCalledWith(130);
      expect(process.exit).toBe(realExit);
    } finally {
      process.off('SIGINT', theirs);
      process.exitCode = undefined;
    }
  });

  it('leaves the exit to another listener that does not ask for one', async () => {
    const cleanup = vi.fn(async () => undefined);
    const { exit } = install(cleanup);
    const theirs = vi.fn();
    process.on('SIGINT', theirs);
    try {
      process.emit('SIGINT', 'SIGINT');
      await tick();
      expect(theirs).toHaveBeenCalledOnce();
      expect(cleanup).toHaveBeenCalledOnce();
      expect(exit).not.toHaveBeenCalled();
    } finally {
      process.off('SIGINT', theirs);
    }
  });

  it('holds an uncaught error while it stops (a start cut short), then exits 130 even with another listener', async () => {
    let finish: (counts: RemovedCounts) => void = () => {};
    const before = process.listeners('uncaughtException');
    const { exit } = install(() => new Promise((resolve) => (finish = resolve)));
    const theirs = vi.fn();
    process.on('SIGINT', theirs);
    try {
      process.emit('SIGINT', 'SIGINT');
      const added = process.listeners('uncaughtException').filter((l) => !before.includes(l));
      expect(added).toHaveLength(1);
      // What Node does with an escaped rejection: hand it to the uncaughtException listeners.
      added[0]?.(new Error('container exited with code 137 while waiting'), 'unhandledRejection');
      await tick();
      expect(exit).not.toHaveBeenCalled();
      finish({ container: 2 });
      await tick();
      expect(exit).toHaveBeenCalledWith(130);
      expect(process.listeners('uncaughtException')).toEqual(before);
    } finally {
      process.off('SIGINT', theirs);
    }
  });

  it('stops holding uncaught errors once it has stepped aside', async () => {
    const before = process.listeners('uncaughtException');
    const { exit } = install(async () => ({ container: 1 }));
    const theirs = vi.fn();
    process.on('SIGINT', theirs);
    try {
      process.emit('SIGINT', 'SIGINT');
      await tick();
      expect(exit).not.toHaveBeenCalled();
      expect(process.listeners('uncaughtException')).toEqual(before);
    } finally {
      process.off('SIGINT', theirs);
    }
  });

  it('a second signal exits at once', async () => {
    const { exit } = install(() => new Promise(() => {}));
    process.emit('SIGINT', 'SIGINT');
    await tick();
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('exits after the timeout when cleanup hangs, and says the reaper finishes', async () => {
    const { exit, print } = install(() => new Promise(() => {}));
    process.emit('SIGTERM', 'SIGTERM');
    await tick(300);
    expect(print).toHaveBeenCalledWith(expect.stringMatching(/^berth: stopped on SIGTERM; cleanup still running after 200 ms/));
    expect(exit).toHaveBeenCalledWith(143);
  });
});

describe('stoppedLine', () => {
  it('counts by kind, singular and plural, and says when nothing was there', () => {
    expect(stoppedLine('SIGINT', { container: 2, network: 1 })).toBe('berth: stopped on SIGINT; removed 2 containers, 1 network');
    expect(stoppedLine('SIGINT', { volume: 3 })).toBe('berth: stopped on SIGINT; removed 3 volumes');
    expect(stoppedLine('SIGTERM', {})).toBe('berth: stopped on SIGTERM; nothing to remove');
  });
});
