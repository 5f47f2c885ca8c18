// Interrupts a berth run the way a terminal's Ctrl-C does (the signal goes to the whole process
// group) once it is ready, and looks at the engine the moment the run's main process has exited.
// Shared by test/e2e/signals.test.ts (a few runs) and bench/sigint.mjs (15 per runner).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Names of everything labelled with the owner pid (containers, networks, volumes). */
export async function leftoversOfPid(pid) {
  const filter = `label=dev.berth.owner.pid=${pid}`;
  const list = async (args) => (await run('docker', args)).stdout.split('\n').filter(Boolean);
  const [containers, networks, volumes] = await Promise.all([
    list(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']),
    list(['network', 'ls', '--filter', filter, '--format', '{{.Name}}']),
    list(['volume', 'ls', '--filter', filter, '--format', '{{.Name}}']),
  ]);
  return [...containers.map((n) => `container:${n}`), ...networks.map((n) => `network:${n}`), ...volumes.map((n) => `volume:${n}`)];
}

async function removeLeftoversOfPid(pid) {
  const filter = `label=dev.berth.owner.pid=${pid}`;
  const ids = (await run('docker', ['ps', '-aq', '--filter', filter])).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await run('docker', ['rm', '-fv', ...ids]).catch(() => undefined);
  const nets = (await run('docker', ['network', 'ls', '-q', '--filter', filter])).stdout.split('\n').filter(Boolean);
  if (nets.length > 0) await run('docker', ['network', 'rm', ...nets]).catch(() => undefined);
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the engine holds a container labelled with the owner pid (a start is under way). */
function firstContainerOf(pid, exited) {
  return new Promise((resolve) => {
    let done = false;
    exited.then(() => {
      done = true;
      resolve(false);
    });
    const look = async () => {
      if (done) return;
      const ids = (
        await run('docker', ['ps', '-aq', '--filter', `label=dev.berth.owner.pid=${pid}`]).catch(() => ({ stdout: '' }))
      ).stdout.trim();
      if (ids) {
        done = true;
        resolve(true);
      } else setTimeout(look, 25);
    };
    void look();
  });
}

/**
 * Starts `command args` in a process group of its own, waits for the moment to interrupt it, sends
 * `signal` to the group and waits for the main process to exit. The moment is `ready` (default:
 * `berth-e2e ready` in its output, or `readyPattern`, or `isReady()`) or `starting` (the first container of the run
 * exists on the engine, its services are still starting), plus `delayMs`. Whatever happens, the
 * group is killed and what the run left on the engine is removed before this returns.
 */
export async function interruptRun({
  command,
  args,
  cwd,
  env = {},
  signal = 'SIGINT',
  readyTimeoutMs = 180_000,
  exitTimeoutMs = 60_000,
  isReady,
  moment = 'ready',
  delayMs = 0,
  readyPattern = /berth-e2e ready/,
}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, CI: 'true', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig, at: performance.now() })));
  try {
    const ready = await Promise.race([
      moment === 'starting'
        ? firstContainerOf(child.pid, exited)
        : new Promise((resolve) => {
            const check = () => readyPattern.test(output) && resolve(true);
            child.stdout.on('data', check);
            child.stderr.on('data', check);
            // A runner that holds test output back (jest) says so through a file instead.
            if (isReady) {
              const timer = setInterval(() => {
                if (isReady()) {
                  clearInterval(timer);
                  resolve(true);
                }
              }, 200);
              exited.then(() => clearInterval(timer));
            }
          }),
      exited.then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(false), readyTimeoutMs).unref()),
    ]);
    if (!ready) return { ready: false, output, pid: child.pid, code: null, signal: null, leftAtExit: [], exitMs: 0 };
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const sentAt = performance.now();
    process.kill(-child.pid, signal);
    const exit = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(undefined), exitTimeoutMs).unref())]);
    const leftAtExit = await leftoversOfPid(child.pid);
    return {
      ready: true,
      output,
      pid: child.pid,
      code: exit?.code ?? null,
      signal: exit?.signal ?? null,
      exitMs: exit ? exit.at - sentAt : Number.NaN,
      leftAtExit,
    };
  } finally {
    if (groupAlive(child.pid)) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await removeLeftoversOfPid(child.pid);
  }
}
