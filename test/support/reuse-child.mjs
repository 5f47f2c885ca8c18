// One process starting a reusable busybox container, for the reuse engine tests.
//
//   node reuse-child.mjs TAG [hold]
//
// TAG goes into a user label, so each test has its own identity. Prints `ready {json}` with the
// container's id, name and reuse outcome, then ends its session and exits — or, with `hold`, waits
// to be killed. BIG_COPY_MB copies that much inline content first (a slow create→start window).
import { core } from './session-core.mjs';

const [tag, mode] = process.argv.slice(2);
const mb = Number(process.env.BIG_COPY_MB ?? '0');
await core.createSession();
const container = await core.start({
  image: 'busybox:latest',
  command: ['sleep', '3600'],
  labels: { 'test.reuse': tag },
  reuse: true,
  startupTimeoutMs: Number(process.env.STARTUP_MS ?? '60000'),
  ...(mb > 0 ? { copy: [{ content: Buffer.alloc(mb * 1024 * 1024, 7), target: '/big.bin' }] } : {}),
});
process.stdout.write(`ready ${JSON.stringify({ id: container.id, name: container.name, reuse: container.reuse })}\n`);
if (mode === 'hold') await new Promise(() => setInterval(() => undefined, 60_000));
await container.stop();
await core.endSession();
