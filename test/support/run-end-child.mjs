// A test run's main process, as a runner adapter drives it (startRun → stop), for
// test/engine/run-end.test.ts: a redis service, plus a network and a named volume of the session (what
// the reaper's last pass takes over). Prints `ready {json}`, waits for `go` on stdin, stops the run,
// prints `stopped {json}` and exits.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { core, distDir } from './session-core.mjs';

const adapter = await import(pathToFileURL(path.join(distDir, 'adapter.js')).href);
const { redis } = await import(pathToFileURL(path.join(distDir, 'redis.js')).href);

const run = await adapter.startRun({ load: async () => core.defineConfig({ services: { cache: redis() } }) });
const session = await core.currentSession();
const network = await core.createNetwork();
const volume = await core.createVolume();
console.log(`ready ${JSON.stringify({ session: session.id, pid: process.pid, network: network.name, volume: volume.name })}`);
for await (const chunk of process.stdin) if (String(chunk).includes('go')) break;
process.stdin.destroy();
const began = performance.now();
await run.stop();
console.log(`stopped ${JSON.stringify({ stopMs: performance.now() - began })}`);
