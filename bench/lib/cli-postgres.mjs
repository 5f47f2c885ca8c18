/**
 * The postgres baseline a shell script would use: `docker run`, then `docker logs` every 100 ms
 * until the second "ready to accept connections" line, then `docker port` and a `select 1`.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { BENCH_LABEL, RUN_ID } from './engine-api.mjs';
import { PG_ENV, PG_READY, pgUrl, selectOne } from './select-one.mjs';

const run = promisify(execFile);
const POLL_MS = 100;

export async function dockerRunPostgres(pg, { timeoutMs = 120_000 } = {}) {
  const began = performance.now();
  const { stdout } = await run('docker', [
    'run',
    '-d',
    '-p',
    '5432',
    ...Object.entries(PG_ENV).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    '--label',
    `${BENCH_LABEL}=${RUN_ID}`,
    'postgres:15',
  ]);
  const id = stdout.trim();
  try {
    // A poll starts every 100 ms, or right after the previous one when that took longer.
    for (;;) {
      const polled = performance.now();
      const logs = await run('docker', ['logs', id], { maxBuffer: 64 * 1024 * 1024 });
      const text = logs.stdout + logs.stderr;
      if (countMatches(text, PG_READY) >= 2) break;
      if (performance.now() - began > timeoutMs) throw new Error('postgres never logged ready twice');
      await sleep(Math.max(0, POLL_MS - (performance.now() - polled)));
    }
    const port = (await run('docker', ['port', id, '5432/tcp'])).stdout.trim().split('\n')[0].split(':').pop();
    await selectOne(pg, pgUrl('127.0.0.1', port));
    return { ms: performance.now() - began, id };
  } catch (error) {
    await run('docker', ['rm', '-f', id]).catch(() => undefined);
    throw error;
  }
}

function countMatches(text, pattern) {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}
