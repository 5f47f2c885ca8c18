// An abort at any point of start() leaves nothing on the engine — including the race where the
// abort lands while the create request is in flight and the engine creates the container anyway.
import { AbortError, type ContainerSpec, type StartedContainer, start } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { docker, labelled } from '../support/docker.js';

const ROUNDS = 60;

function session(): string {
  const id = process.env.BERTH_SESSION_ID;
  if (!id) throw new Error('no session yet');
  return id;
}

describe('abort at a random point of start()', () => {
  it(`${ROUNDS} aborts between 0 and 50 ms leave no container, and the name is free again`, async () => {
    const name = `berth-abort-${process.pid}-${Date.now().toString(36)}`;
    const spec: ContainerSpec = { image: 'busybox:latest', name, command: ['sleep', '3600'] };
    // Warm up: the session (and its watcher) exist before the loop, so aborts land in create/start/wait.
    await (await start({ image: 'busybox:latest', command: ['sleep', '3600'] })).stop();

    const outcomes = { aborted: 0, started: 0 };
    const delays: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const delay = Math.random() * 50;
      delays.push(delay);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), delay);
      let container: StartedContainer | undefined;
      try {
        container = await start(spec, { signal: controller.signal });
        outcomes.started++;
      } catch (error) {
        expect(error, `round ${round} (${delay.toFixed(1)} ms)`).toBeInstanceOf(AbortError);
        outcomes.aborted++;
      } finally {
        clearTimeout(timer);
      }
      await container?.stop();
      // Checked every round, right away: the abort path removes before it throws.
      expect(await docker('ps', '-aq', '--filter', `name=^${name}$`), `round ${round} (${delay.toFixed(1)} ms)`).toBe('');
    }
    expect(outcomes.aborted).toBeGreaterThanOrEqual(50);
    expect((await labelled(`dev.berth.session=${session()}`)).containers).toEqual([]);

    // The same name works at once (no 409 from a leftover).
    await using again = await start(spec);
    expect(again.name).toBe(name);
  });
});
