/**
 * A scriptable WaitTarget for unit tests: tests push log lines, change state and health, answer
 * exec calls and hand out /proc/net text while a strategy waits. Plus two tiny real TCP servers on
 * 127.0.0.1: one that behaves like a listening service and one that behaves like docker-proxy with
 * nothing behind it (accepts, then closes at once).
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readConfig } from '../config.js';
import { PortNotExposedError } from '../errors.js';
import { type ExitInfo, type RunWaitOptions, runWait } from './run.js';
import type { WaitStrategy } from './strategy.js';
import type { ExposedPort, HealthState, LogLine, Protocol, TargetExecResult, TargetState, WaitTarget } from './target.js';

export type ExecHandler = (argv: string[]) => TargetExecResult | Promise<TargetExecResult>;

export interface FakeTargetOptions {
  host?: string;
  /** Exposed container ports and, where published, their host port. */
  ports?: { port: number; protocol?: Protocol; hostPort?: number }[];
  state?: Partial<TargetState>;
  exec?: ExecHandler;
  procNet?: string;
}

export class FakeTarget implements WaitTarget {
  readonly id = 'f4ke0000c0ffee00000000000000000000000000000000000000000000000000';
  readonly host: string;
  readonly exposedPorts: readonly ExposedPort[];
  /** Every argv passed to exec, in order. */
  readonly execCalls: string[][] = [];
  inspectCalls = 0;
  execHandler: ExecHandler;
  procNet: string | undefined;
  private readonly published = new Map<string, number>();
  private readonly lines: LogLine[] = [];
  private readonly wakers = new Set<() => void>();
  private stateNow: TargetState;
  private logsEnded = false;
  private resolveExited: (info: ExitInfo) => void = () => {};
  /** Resolves when `exit()` is called, like the container layer's exit watch. */
  readonly exited = new Promise<ExitInfo>((resolve) => {
    this.resolveExited = resolve;
  });

  constructor(options: FakeTargetOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.exposedPorts = (options.ports ?? []).map(({ port, protocol = 'tcp' }) => ({ port, protocol }));
    for (const { port, protocol = 'tcp', hostPort } of options.ports ?? []) {
      if (hostPort !== undefined) this.published.set(`${port}/${protocol}`, hostPort);
    }
    this.stateNow = { status: 'running', running: true, exitCode: 0, oomKilled: false, health: undefined, ...options.state };
    this.execHandler = options.exec ?? (() => ({ exitCode: 127, stdout: '', stderr: 'exec: not found' }));
    this.procNet = options.procNet;
  }

  mappedPort(port: number, protocol: Protocol = 'tcp'): number {
    const hostPort = this.published.get(`${port}/${protocol}`);
    if (hostPort === undefined) throw new PortNotExposedError(`port ${port}/${protocol} is not published`);
    return hostPort;
  }

  /** Appends a line; every open logLines iterable sees it. */
  log(text: string, stream: LogLine['stream'] = 'stdout'): void {
    this.lines.push({ stream, text });
    this.wake();
  }

  /** Stops the container: state becomes exited and every log iterable ends. */
  exit(exitCode: number, oomKilled = false): void {
    this.setState({ status: 'exited', running: false, exitCode, oomKilled });
    this.logsEnded = true;
    this.wake();
    this.resolveExited({ exitCode, oomKilled });
  }

  setState(change: Partial<TargetState>): void {
    this.stateNow = { ...this.stateNow, ...change };
  }

  setHealth(status: HealthState['status'], output?: string, exitCode = status === 'healthy' ? 0 : 1): void {
    const log = [...(this.stateNow.health?.log ?? [])];
    if (output !== undefined) log.push({ exitCode, output });
    this.setState({ health: { status, log } });
  }

  /** The last `n` lines as plain text, like the container layer's log tail. */
  logTail(n = 50): string[] {
    return this.lines.slice(-n).map((line) => line.text);
  }

  async *logLines(signal: AbortSignal): AsyncIterable<LogLine> {
    let next = 0;
    while (!signal.aborted) {
      const line = this.lines[next];
      if (line) {
        next += 1;
        yield line;
        continue;
      }
      if (this.logsEnded) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wakers.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.wakers.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  async exec(argv: string[], signal: AbortSignal): Promise<TargetExecResult> {
    signal.throwIfAborted();
    this.execCalls.push(argv);
    return this.execHandler(argv);
  }

  async inspect(signal: AbortSignal): Promise<TargetState> {
    signal.throwIfAborted();
    this.inspectCalls += 1;
    return structuredClone(this.stateNow);
  }

  async readProcNet(signal: AbortSignal): Promise<string | undefined> {
    signal.throwIfAborted();
    return this.procNet;
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

/** /proc/net/tcp text with one LISTEN row per port (0.0.0.0), as the kernel prints it. */
export function procNetTcp(listening: number[], address = '00000000'): string {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const rows = listening.map((port, i) => {
    const local = `${address}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const remote = `${'0'.repeat(address.length)}:0000`;
    return `   ${i}: ${local} ${remote} 0A 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1 0000000000000000 100 0 0 10 0`;
  });
  return [header, ...rows].join('\n');
}

export interface TestServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A real TCP server on 127.0.0.1. `mode: 'service'` keeps connections open like a listening
 * service; `mode: 'proxy-only'` accepts and closes at once, like docker-proxy with nothing behind it.
 */
export async function tcpServer(mode: 'service' | 'proxy-only' = 'service'): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'proxy-only') socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** runWait with test defaults: 500 ms, no BERTH_TIMEOUT_SCALE from the environment, the fake's logs. */
export function waitFor(strategy: WaitStrategy, target: FakeTarget, options: Partial<RunWaitOptions> = {}): Promise<void> {
  return runWait(strategy, target, {
    timeoutMs: 500,
    logTail: () => target.logTail(),
    config: readConfig({}),
    ...options,
  });
}

/** Resolves after `ms`; for scripting changes while a strategy waits. */
export async function later(ms: number, change: () => void): Promise<void> {
  await sleep(ms);
  change();
}
