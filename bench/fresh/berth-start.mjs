// Fresh process, berth: node boots, imports @berth/core (discovery, session, reaper, sweep all
// happen inside the first start), starts busybox with the default wait. See report.mjs.
import { traceCalls } from '../lib/trace.mjs';
import { BUSYBOX, exitSoon, report } from './report.mjs';

const { start, endSession } = await import('@berth/core');
const importedMs = performance.now();
const calls = traceCalls();
const container = await start(BUSYBOX);
report({ event: 'running', importedMs, runningMs: performance.now(), calls: calls(), id: container.id });
exitSoon();
await container.stop();
await endSession();
report({ event: 'done' });
