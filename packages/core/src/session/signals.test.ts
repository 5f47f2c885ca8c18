import { afterEach, describe, expect, it, vi } from 'vitest';
import { installSignalCleanup } from './signals.js';

const uninstallers: (() => void)[] = [];
afterEach(() => {
  for (const u of uninstallers.splice(0)) u();
});

function install(cleanup: () => Promise<void>) {
  const reraise = vi.fn();
  uninstallers.push(installSignalCleanup(cleanup, { timeoutMs: 200, reraise }));
  return reraise;
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('installSignalCleanup', () => {
  it('cleans up, then re-raises when no one else listens', async () => {
    const cleanup = vi.fn(async () => undefined);
    const reraise = install(cleanup);
    process.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(cleanup).toHaveBeenCalledOnce();
    expect(reraise).toHaveBeenCalledWith('SIGTERM');
    expect(process.listenerCount('SIGTERM')).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('re-raises even when the cleanup removed the handlers itself', async () => {
    let uninstall = () => {};
    const reraise = vi.fn();
    uninstall = installSignalCleanup(
      async () => {
        uninstall();
      },
      { timeoutMs: 200, reraise },
    );
    process.emit('SIGINT', 'SIGINT');
    await tick();
    expect(reraise).toHaveBeenCalledWith('SIGINT');
  });

  it('leaves the exit to another listener', async () => {
    const cleanup = vi.fn(async () => undefined);
    const reraise = install(cleanup);
    const theirs = vi.fn();
    process.on('SIGINT', theirs);
    try {
      process.emit('SIGINT', 'SIGINT');
      await tick();
      expect(theirs).toHaveBeenCalledOnce();
      expect(cleanup).toHaveBeenCalledOnce();
      expect(reraise).not.toHaveBeenCalled();
    } finally {
      process.off('SIGINT', theirs);
    }
  });

  it('gives up waiting after the timeout, and a second signal re-raises at once', async () => {
    const reraise = install(() => new Promise(() => {}));
    process.emit('SIGINT', 'SIGINT');
    await tick();
    expect(reraise).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    expect(reraise).toHaveBeenCalledWith('SIGINT');
  });

  it('re-raises after the timeout when cleanup hangs', async () => {
    const reraise = install(() => new Promise(() => {}));
    process.emit('SIGTERM', 'SIGTERM');
    await tick(300);
    expect(reraise).toHaveBeenCalledWith('SIGTERM');
  });
});
