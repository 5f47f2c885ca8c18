/**
 * Issue #24: an uncaught ERR_STREAM_WRITE_AFTER_END from the log demuxer. A follow stream of logs
 * closed as soon as it opens (what berth's own readiness does when the container was ready before
 * the stream's answer came, and what a user's `followLogs()` + `destroy()` does) may already hold
 * the first frames, read in with the response headers; node still hands those out after the
 * destroy, and they used to be written into the ended outputs: an 'error' nobody listened to, an
 * uncaught exception in the user's process. No uncaught exception may come of it.
 *
 * Needs: bash scripts/engine-up && node scripts/provision-images.mjs busybox:latest; a built @berth/core.
 */
import { start } from '@berth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';

const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);

beforeAll(() => {
  process.on('uncaughtException', record);
});
afterAll(() => {
  process.off('uncaughtException', record);
});

describe('a log stream closed the moment it opens', () => {
  it('throws nothing outside the promises berth returns', async () => {
    // History on both streams, so that the answer's first bytes carry frames.
    await using chatty = await start(
      {
        image: 'busybox:latest',
        command: [
          'sh',
          '-c',
          'i=0; while [ $i -lt 2000 ]; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; done; echo up; exec sleep 3600',
        ],
      },
      { signal: AbortSignal.timeout(budget(60_000)) },
    );
    for (let i = 0; i < 20; i++) {
      const logs = await chatty.followLogs();
      logs.destroy();
    }
    // The frames node hands out after the destroy come on the next ticks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);
  });
});
