// A CPU hog for tests that prove something holds on a busy machine: scripts/cpu-hog.mjs (one busy
// loop per core) as a child of the test process, ended by stop() (and by itself if we die).
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/cpu-hog.mjs', import.meta.url));

export interface CpuHog {
  readonly loops: number;
  /** The one-minute load average now. */
  load(): number;
  stop(): Promise<void>;
}

export async function startCpuHog(loops = availableParallelism()): Promise<CpuHog> {
  const child: ChildProcess = spawn(process.execPath, [script, String(loops)], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Started once it has said so (its loops are running then).
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', () => resolve());
  });
  return {
    loops,
    load: () => loadavg()[0] ?? 0,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
