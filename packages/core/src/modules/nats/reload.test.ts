import { describe, expect, it } from 'vitest';
import { ModuleError } from '../../errors.js';
import { ReloadWatch } from './reload.js';

const line = (text: string) => ({ stream: 'stderr' as const, text });

describe('ReloadWatch', () => {
  it('resolves a wait when the server logs the end of that many reloads, not at the steps before', async () => {
    const watch = new ReloadWatch();
    let done = false;
    const waiting = watch.until(1, new AbortController().signal).then(() => {
      done = true;
    });
    watch.consume(line('[1] 2026/11/30 05:06:28.096424 [INF] Reloaded: authorization users'));
    watch.consume(line('[1] 2026/11/30 05:06:28.096451 [INF] Reloaded: accounts'));
    await Promise.resolve();
    expect(done).toBe(false);
    watch.consume(line('[1] 2026/11/30 05:06:28.097308 [INF] Reloaded server configuration'));
    await waiting;
    expect(watch.completed).toBe(1);
    await watch.until(1, new AbortController().signal); // already there
  });

  it('fails the wait on a reload error line, and on its signal', async () => {
    const watch = new ReloadWatch();
    const failing = watch.until(1, new AbortController().signal);
    watch.consume(line('[1] 2026/11/30 05:06:28 [ERR] Failed to reload server configuration: config is invalid'));
    await expect(failing).rejects.toBeInstanceOf(ModuleError);
    const timedOut = watch.until(1, AbortSignal.timeout(10));
    await expect(timedOut).rejects.toThrow('did not log "Reloaded server configuration" in time');
  });

  it('a restart fails the waits still open, and a line seen later counts only for later reloads', async () => {
    const watch = new ReloadWatch();
    const cutOff = watch.until(1, new AbortController().signal);
    watch.interrupt(new ModuleError('restarted'));
    await expect(cutOff).rejects.toThrow('restarted');
    // The reload made after the restart waits for a line of its own.
    let done = false;
    const next = watch.until(watch.completed + 1, new AbortController().signal).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    watch.consume(line('[1] 2026/12/07 13:48:12.000000 [INF] Reloaded server configuration'));
    await next;
    expect(watch.completed).toBe(1);
  });
});
