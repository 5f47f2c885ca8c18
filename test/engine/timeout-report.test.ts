// A start that runs out of time explains itself (issue #27): a real postgres start with a budget
// far too small for it fails with a WaitTimeoutError whose message names the phase that used the
// time, the machine's load and the engine's running containers, and whose hint gives a
// BERTH_TIMEOUT_SCALE; nothing of the start is left.
import { WaitTimeoutError } from '@berth/core';
import { startPostgres } from '@berth/core/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { timeoutScale } from '../support/budget.js';
import { labelled } from '../support/docker.js';

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

describe('a start past its deadline', () => {
  it('says which phase used the time, the load, the engine, and the scale to use', async () => {
    const error = await startPostgres({ startupTimeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const timeout = error as WaitTimeoutError;
    expect(timeout.summary).toMatch(/; the \d+\.\d s start budget went to (wait|create|start|discover) \d+\.\d s/);
    expect(timeout.summary).toMatch(/load average \d+\.\d on \d+ cores?, \d+ containers? running on the engine$/);
    expect(timeout.hint).toMatch(new RegExp(`BERTH_TIMEOUT_SCALE=\\d+ gives every wait \\d+× its time \\(now ${timeoutScale}×\\)`));
    expect(timeout.details).toMatchObject({
      phase: 'wait',
      suggestedScale: expect.any(Number),
      loadAverage: expect.any(Number),
      engineContainers: expect.any(Number),
      phaseMs: expect.objectContaining({ wait: expect.any(Number), create: expect.any(Number) }),
    });
    expect(timeout.details.suggestedScale as number).toBeGreaterThanOrEqual(2 * timeoutScale);
  });
});
