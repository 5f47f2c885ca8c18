// A plain script (no test runner keeping the process alive) for test/engine/module-restart.test.ts:
// accounts are released (their recycling starts) and the container is restarted at once; then every
// account is leased and a client connects with each. Prints `ok {json}` and exits 0, or `refused
// ...` lines and exits 1. Before the fix the script ended in the middle with Node's exit code 13
// (a top-level await left unsettled): the wait for the last accounts held nothing alive.
// Only the module entry is imported, as a user's script does (session-core.mjs would load the
// package's root entry too).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nats from 'nats';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = process.env.BERTH_CORE_DIST ? path.resolve(process.env.BERTH_CORE_DIST) : path.join(root, 'packages/core/dist');
const { startNats } = await import(pathToFileURL(path.join(distDir, 'nats.js')).href);
const rounds = Number(process.argv[2] ?? 3);
let refused = 0;
for (let round = 0; round < rounds; round++) {
  const server = await startNats({ image: process.env.NATS_IMAGE ?? 'nats:2', auth: { user: 'u', password: 'p' } });
  try {
    const first = [await server.freshAccount(), await server.freshAccount()];
    for (const account of first) await account.release();
    await server.container.restart();
    const leased = [];
    for (let i = 0; i < 16; i++) leased.push(await server.freshAccount());
    for (const account of leased) {
      const { host, port, user, password } = account.details;
      try {
        const connection = await nats.connect({ servers: `${host}:${port}`, user, pass: password, reconnect: false, timeout: 30_000 });
        await connection.close();
      } catch (error) {
        refused += 1;
        console.log(`refused round ${round} ${account.account}: ${error.message}`);
      }
    }
    for (const account of leased) await account.release();
  } finally {
    await server.stop();
  }
}
if (refused > 0) process.exit(1);
console.log(`ok ${JSON.stringify({ rounds })}`);
