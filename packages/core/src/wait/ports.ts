/**
 * `wait.ports()`: every exposed TCP port (or the ones given) has a listener inside the container.
 *
 * Connecting to the published host port is not enough: the engine's port proxy (docker-proxy, or
 * the VM's forwarder on Docker Desktop) listens on the host from the moment the container starts and
 * accepts connections whether or not anything listens behind it. So each check asks, best first:
 *
 * 1. `target.readProcNet()` — the container's /proc/net/tcp{,6} read from the host. Exact, and needs
 *    nothing inside the image (works for images without a shell). Only on a local engine.
 * 2. exec `cat /proc/net/tcp /proc/net/tcp6`, then a `sh -c` loop made of shell builtins for images
 *    that have a shell but no cat. Exact too; works against remote engines.
 * 3. A TCP connect from the host to host:mappedPort that counts only if the connection is still open
 *    after a short grace period: docker-proxy accepts, fails to reach the container, and closes at
 *    once. This is the weakest signal — a proxy that holds the connection open, or a service that
 *    closes new connections immediately, fools it — and is used only when 1 and 2 are impossible.
 *
 * A source found unusable is skipped for the rest of this wait; a source that fails transiently
 * (an exec error) is tried again on the next check.
 */
import { connect } from 'node:net';
import { InvalidSpecError, WaitAttemptError, WaitFailedError } from '../errors.js';
import { debug } from '../log.js';
import { pause, poll, withTimeLimit } from './backoff.js';
import { listeningPorts, looksLikeProcNet } from './procnet.js';
import type { WaitStrategy } from './strategy.js';
import type { WaitTarget } from './target.js';

const log = debug('wait:ports');

export interface PortsOptions {
  /** Container ports to check; default every exposed TCP port. */
  ports?: number[];
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
  /** Host-side fallback only: how long a connection must stay open to count. Default 100 ms. */
  graceMs?: number;
  /** Host-side fallback only: time allowed for one connect. Default 1000 ms. */
  connectTimeoutMs?: number;
}

const EXEC_READERS: string[][] = [
  ['cat', '/proc/net/tcp', '/proc/net/tcp6'],
  ['sh', '-c', 'for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] && while IFS= read -r l; do echo "$l"; done < "$f"; done'],
];

const MISSING_PROGRAM = /not found|no such file|executable|OCI runtime/i;

export function ports(options: PortsOptions = {}): WaitStrategy {
  const given = options.ports?.map((port, i) => validPort(port, `ports[${i}]`));
  const graceMs = options.graceMs ?? 100;
  const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
  return {
    description: given ? `ports ${given.map((p) => `${p}/tcp`).join(', ')}` : 'all exposed TCP ports',
    timeoutMs: options.timeoutMs,
    async wait(target, context) {
      const wanted = given ?? target.exposedPorts.filter((p) => p.protocol === 'tcp').map((p) => p.port);
      if (wanted.length === 0) {
        throw new WaitFailedError('wait.ports(): the container exposes no TCP port', {
          hint: 'expose a port in the spec (`ports`), pass `ports` to wait.ports(), or pick another strategy',
        });
      }
      const reader = procNetReader(target);
      await poll(context, async (signal) => {
        const found = await reader(signal);
        const missing =
          found === undefined
            ? await notHeldOpen(target, wanted, graceMs, connectTimeoutMs, signal)
            : wanted.filter((port) => !found.has(port));
        if (missing.length > 0) {
          const how = found === undefined ? 'host-side connect' : '/proc/net/tcp';
          throw new WaitAttemptError(`not listening yet (${how}): ${missing.map((p) => `${p}/tcp`).join(', ')}`);
        }
      });
    },
  };
}

/**
 * Returns a function giving the set of listening ports per check, or undefined once neither the
 * host nor an exec can read /proc/net/tcp. Keeps which source works in its own closure, per wait.
 */
function procNetReader(target: WaitTarget): (signal: AbortSignal) => Promise<Set<number> | undefined> {
  let fromHost = true;
  let reader = 0;
  return async (signal) => {
    if (fromHost) {
      const text = await target.readProcNet(signal);
      if (text !== undefined && looksLikeProcNet(text)) return listeningPorts(text);
      fromHost = false;
      log('/proc/net/tcp not readable from the host; trying exec');
    }
    for (let argv = EXEC_READERS[reader]; argv; argv = EXEC_READERS[reader]) {
      try {
        const result = await target.exec(argv, signal);
        if (looksLikeProcNet(result.stdout)) return listeningPorts(result.stdout);
      } catch (error) {
        signal.throwIfAborted();
        if (!(error instanceof Error && MISSING_PROGRAM.test(error.message))) throw error;
      }
      reader += 1;
      log(`exec ${argv[0]} cannot read /proc/net/tcp`);
    }
    return undefined;
  };
}

/** Host-side fallback: the container ports whose published port does not hold a connection open. */
async function notHeldOpen(
  target: WaitTarget,
  wanted: number[],
  graceMs: number,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<number[]> {
  const held = await Promise.all(
    wanted.map((port) => holdsOpen(target.host, target.mappedPort(port, 'tcp'), graceMs, connectTimeoutMs, signal)),
  );
  return wanted.filter((_, i) => !held[i]);
}

/** Connects, waits `graceMs`, and says whether the peer kept the connection open. */
export async function holdsOpen(
  host: string,
  port: number,
  graceMs: number,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const socket = connect({ host, port });
  let closed = false;
  // After connecting, an error (reset by the peer) only means "closed", which `closed` records.
  socket.on('error', () => {});
  socket.on('end', () => {
    closed = true;
  });
  socket.on('close', () => {
    closed = true;
  });
  try {
    await withTimeLimit(signal, connectTimeoutMs, `connect to ${host}:${port}`, async (limited) => {
      await new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown) => {
          limited.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error);
        };
        const onAbort = () => settle(limited.reason);
        limited.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => settle());
        socket.once('error', settle);
      });
    });
    await pause(graceMs, signal);
    return !closed;
  } finally {
    socket.destroy();
  }
}

function validPort(port: number, name: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidSpecError(`expected \`${name}\` to be 1–65535, got ${String(port)}`);
  }
  return port;
}
