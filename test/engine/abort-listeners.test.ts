// One signal handed to many parallel calls puts one listener on it, not one per call: twelve starts
// (each keeping a log stream open) and their execs and log reads on one signal print no
// MaxListenersExceededWarning, and nothing stays on the signal once the containers are stopped.
import { getEventListeners } from 'node:events';
import { start } from '@berth/core';
import { expect, it } from 'vitest';
import { labelled } from '../support/docker.js';

it('twelve parallel starts, execs and log reads on one signal: at most one listener, no warning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    const { signal } = new AbortController();
    const containers = await Promise.all(
      Array.from({ length: 12 }, () => start({ image: 'busybox:latest', command: ['sleep', '3600'] }, { signal })),
    );
    try {
      await Promise.all(containers.flatMap((c) => [c.exec(['true'], { signal }), c.logs({ signal }), c.readFile('/etc/hostname', signal)]));
      // The log streams the starts keep open share the one listener.
      expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all(containers.map((c) => c.stop()));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(warnings).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
  expect((await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`)).containers).toEqual([]);
});
