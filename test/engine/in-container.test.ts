/**
 * The CI case where the job itself runs in a container and reaches the engine through the mounted
 * socket (docs/ci.md): mapped ports are then on the engine's host, not on the job's localhost. This
 * runs the quick-start example's vitest suite inside such a container — berth-test/debian:bookworm
 * with this machine's node binary, the workspace at the same path, /var/run/docker.sock mounted —
 * and asserts it passes and leaves nothing of its own session behind.
 *
 * Needs: bash scripts/engine-up && node scripts/provision-images.mjs postgres:15 && pnpm build
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { start, wait } from '@berth/core';
import { afterAll, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { labelled } from '../support/docker.js';

const workspace = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const example = `${workspace}/examples/quick-start`;

afterAll(async () => {
  const left = await labelled(`dev.berth.session=${process.env.BERTH_SESSION_ID}`);
  expect(left.containers).toEqual([]);
});

it(
  'the quick-start suite passes from inside a container with the engine socket mounted',
  async () => {
    const began = performance.now();
    await using job = await start({
      image: 'berth-test/debian:bookworm',
      binds: [
        { source: '/var/run/docker.sock', target: '/var/run/docker.sock' },
        { source: realpathSync(process.execPath), target: '/usr/local/bin/node', readOnly: true },
        { source: workspace, target: workspace },
      ],
      workingDir: example,
      // DEBUG prints the inner run's port host and session id, for the checks below.
      env: { DEBUG: 'berth:engine,berth:session', CI: '1', NO_COLOR: '1' },
      command: ['node', 'node_modules/vitest/vitest.mjs', 'run'],
      wait: wait.exit(0),
      startupTimeoutMs: 240_000,
    });
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    const { stdout, stderr } = await job.logs();
    const output = `${stdout}\n${stderr}`;
    console.log(`in-container quick-start suite: passed in ${seconds} s`);

    expect(output).toMatch(/Tests\s+2 passed/);
    // The inner berth used the job container's gateway, not its own localhost, to reach postgres.
    const portHost = /ports on (\S+)/.exec(output)?.[1];
    expect(portHost, output).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(portHost).not.toBe('127.0.0.1');
    const innerSession = /created session ([0-9a-f]{12})/.exec(output)?.[1];
    expect(innerSession, output).toBeDefined();
    const left = await labelled(`dev.berth.session=${innerSession}`);
    expect(left).toEqual({ containers: [], networks: [], volumes: [] });
  },
  budget(300_000),
);
