// Fresh process, baseline: node boots, loads the raw client (node:http only), creates and starts
// busybox. See report.mjs for the protocol.
import { traceCalls } from '../lib/trace.mjs';
import { report } from './report.mjs';

const { runContainer, removeContainer, closeAgent } = await import('../lib/engine-api.mjs');
const importedMs = performance.now();
const calls = traceCalls();
const id = await runContainer({ image: 'busybox:latest', cmd: ['sleep', '3600'] });
report({ event: 'running', importedMs, runningMs: performance.now(), calls: calls(), id });
await removeContainer(id);
report({ event: 'done' });
closeAgent();
