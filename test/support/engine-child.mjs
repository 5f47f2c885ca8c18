// A fresh process that uses whatever engine its environment names (DOCKER_HOST, DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH), starts containers with one shared AbortSignal, uses them, stops them, ends its
// session, and prints one JSON line: what happened and every process warning it saw.
import { endSession, start } from '@berth/core';

const warnings = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
const [, , busyboxCount = '1', withPostgres = 'no'] = process.argv;
const controller = new AbortController();
const signal = controller.signal;
let session;
try {
  const specs = Array.from({ length: Number(busyboxCount) }, () => ({ image: 'busybox:latest', command: ['sleep', '3600'] }));
  const starts = specs.map((spec) => start(spec, { signal }));
  if (withPostgres === 'postgres') {
    const { startPostgres } = await import('@berth/core/postgres');
    starts.push(startPostgres({}, { signal }));
  }
  const started = await Promise.all(starts);
  session = process.env.BERTH_SESSION_ID;
  for (const container of started) {
    const handle = container.container ?? container;
    await handle.exec(['true'], { signal });
    await handle.logs({ signal });
  }
  await Promise.all(started.map((c) => c.stop()));
  console.log(JSON.stringify({ ok: true, started: started.length, session, warnings }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code, message: error.message, hint: error.hint, session, warnings }));
} finally {
  await endSession().catch(() => undefined);
}
