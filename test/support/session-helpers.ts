// Helpers for the session engine tests: run session-child.mjs, and count a session's resources with
// the docker CLI (an oracle independent of berth's own listing code).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { budget } from './budget.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const childScript = path.join(here, 'session-child.mjs');

export interface ChildInfo {
  session: string;
  owner: boolean;
  pid: number;
  network: string;
  volume?: string;
  container: string;
  worker?: ChildInfo;
}

export interface Child {
  process: ChildProcess;
  info: ChildInfo;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Lets a `throw` or `exit` child go on past `ready`. */
  go: () => void;
}

export async function startChild(mode: string, env: Record<string, string | undefined> = {}): Promise<Child> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  // A fresh run: never join a session this test process may have.
  delete childEnv.BERTH_SESSION_ID;
  delete childEnv.BERTH_SESSION_OWNER_PID;
  delete childEnv.BERTH_SESSION_OWNER_START;
  const proc = spawn(process.execPath, [childScript, mode], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv });
  let text = '';
  proc.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  proc.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const info = await new Promise<ChildInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child (${mode}) not ready in ${budget(60_000)} ms:\n${text}`)), budget(60_000));
    const check = () => {
      const line = text.split('\n').find((l) => l.startsWith('ready '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(6)) as ChildInfo);
      }
    };
    proc.stdout?.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child (${mode}) exited with ${code} before ready:\n${text}`));
    });
  });
  return { process: proc, info, output: () => text, exited, go: () => proc.stdin?.end('go\n') };
}

async function lines(args: string[]): Promise<string[]> {
  const { stdout } = await run('docker', args);
  return stdout.split('\n').filter(Boolean);
}

/** Names of everything labelled with the session, e.g. `container:abc`, `network:berth-net-…`. */
export async function leftovers(session: string): Promise<string[]> {
  const filter = `label=dev.berth.session=${session}`;
  const [containers, networks, volumes] = await Promise.all([
    lines(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']),
    lines(['network', 'ls', '--filter', filter, '--format', '{{.Name}}']),
    lines(['volume', 'ls', '--filter', filter, '--format', '{{.Name}}']),
  ]);
  return [...containers.map((n) => `container:${n}`), ...networks.map((n) => `network:${n}`), ...volumes.map((n) => `volume:${n}`)];
}

/** Polls until the session has nothing left; resolves with the time that happened (ms epoch). */
export async function waitGone(session: string, timeoutMs: number, intervalMs = 100): Promise<number> {
  timeoutMs = budget(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  let left = await leftovers(session);
  while (left.length > 0) {
    if (Date.now() > deadline) throw new Error(`session ${session} still has ${left.join(', ')} after ${timeoutMs} ms`);
    await sleep(intervalMs);
    left = await leftovers(session);
  }
  return Date.now();
}

export async function volumeExists(name: string): Promise<boolean> {
  return (await lines(['volume', 'ls', '--filter', `name=^${name}$`, '--format', '{{.Name}}'])).includes(name);
}

/** Test teardown: removes what is left of one of our own sessions (a reaper may be at it too). */
export async function removeSessionByCli(session: string): Promise<void> {
  const filter = `label=dev.berth.session=${session}`;
  const quietly = (args: string[]) => run('docker', args).catch(() => undefined);
  const ids = await lines(['ps', '-aq', '--filter', filter]);
  if (ids.length) await quietly(['rm', '-fv', ...ids]);
  const nets = await lines(['network', 'ls', '-q', '--filter', filter]);
  if (nets.length) await quietly(['network', 'rm', ...nets]);
  const vols = await lines(['volume', 'ls', '-q', '--filter', filter]);
  if (vols.length) await quietly(['volume', 'rm', '-f', ...vols]);
}
