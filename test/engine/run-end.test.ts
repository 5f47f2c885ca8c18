// A run ends when its tests end (issue #27): the adapters' teardown (startRun → stop) kills and
// removes the run's containers itself and hands the slow rest (networks, volumes) to the reaper, so
// the runner exits without waiting for them. At the exit no container of the run is left; shortly
// after, nothing at all.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { leftovers, removeSessionByCli } from '../support/session-helpers.js';

const CHILD = fileURLToPath(new URL('../support/run-end-child.mjs', import.meta.url));

it('the run’s stop removes its containers before the exit; the reaper removes the rest shortly after', async () => {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.BERTH_SESSION_ID;
  delete env.BERTH_SESSION_OWNER_PID;
  delete env.BERTH_SESSION_OWNER_START;
  const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let session: string | undefined;
  try {
    const ready = await new Promise<{ session: string; network: string; volume: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), budget(60_000));
      child.stdout.on('data', () => {
        const line = output.split('\n').find((l) => l.startsWith('ready '));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(6)));
        }
      });
      void exited.then(() => reject(new Error(`exited before ready:\n${output}`)));
    });
    session = ready.session;
    const before = await leftovers(session);
    expect(before.filter((r) => r.startsWith('container:'))).toHaveLength(1);
    expect(before).toEqual(expect.arrayContaining([`network:${ready.network}`, `volume:${ready.volume}`]));

    child.stdin.end('go\n');
    expect(await exited, output).toBe(0);
    // Killed and removed by the run itself: no container at the exit.
    expect((await leftovers(session)).filter((r) => r.startsWith('container:'))).toEqual([]);
    // The network and the volume go with the reaper's pass, shortly after.
    await expect.poll(() => leftovers(session as string), poll(10_000, 100)).toEqual([]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    if (session) await removeSessionByCli(session);
  }
});
