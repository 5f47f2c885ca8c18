// Fresh process, testcontainers: node boots, imports testcontainers, starts busybox with its
// default wait. Same protocol as ../fresh/report.mjs.
import { BUSYBOX, exitSoon, report } from '../fresh/report.mjs';
import { traceCalls } from '../lib/trace.mjs';

const { GenericContainer } = await import('testcontainers');
const importedMs = performance.now();
const calls = traceCalls();
const container = await new GenericContainer(BUSYBOX.image).withCommand(BUSYBOX.command).withLabels(BUSYBOX.labels).start();
report({ event: 'running', importedMs, runningMs: performance.now(), calls: calls(), id: container.getId() });
exitSoon();
await container.stop();
report({ event: 'done' });
