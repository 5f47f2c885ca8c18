// A CPU hog for the stress rehearsal (scripts/test-stress) and the `contention` bench case: one
// busy loop per core (default os.availableParallelism()), each a child process of its own so the
// kernel schedules them like any other load, until this process is signalled or its parent is gone.
// Prints its children's pids on one line ("cpu-hog: 2 busy loops, pids 123 124") and nothing else.
// Usage: node scripts/cpu-hog.mjs [loops]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const count = Number(process.argv[2] ?? availableParallelism());
const loops = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
console.log(`cpu-hog: ${count} busy loops, pids ${loops.map((c) => c.pid).join(' ')}`);

let ended = false;
function end() {
  if (ended) return;
  ended = true;
  for (const loop of loops) loop.kill('SIGKILL');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, end);
// A parent that dies without signalling us (SIGKILL) leaves us to init: the loops go with it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) end();
}, 1000);
