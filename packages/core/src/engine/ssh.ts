/**
 * The ssh transport, as the docker CLI does it: the system's `ssh` runs `docker system dial-stdio`
 * on the remote host, and the child's stdin/stdout carry the HTTP connection. The user's own ssh
 * setup applies (~/.ssh/config, known hosts, keys, agent, ProxyJump); BatchMode keeps ssh from ever
 * asking on a terminal. One child per connection; an idle one is kept for the next request (the
 * agent keeps connections alive) and killed when the agent or its connection closes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { Duplex } from 'node:stream';
import { config } from '../config.js';
import type { EngineEndpoint } from './endpoint.js';

/** The ssh command line for an endpoint: BERTH_SSH_COMMAND (program and options) or `ssh`, then berth's own options. */
export function sshArgv(endpoint: EngineEndpoint, command: string[] = config().sshCommand): string[] {
  return [
    ...command,
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=30',
    '-T',
    ...(endpoint.username ? ['-l', endpoint.username] : []),
    ...(endpoint.port && endpoint.port !== 22 ? ['-p', String(endpoint.port)] : []),
    '--',
    endpoint.host ?? '',
    'docker',
    'system',
    'dial-stdio',
  ];
}

/** How much of ssh's stderr is kept for the error message. */
const STDERR_KEPT = 2000;

/**
 * A socket-like stream over one ssh child. What node:http needs of a socket is here: reading,
 * writing, ending, destroying (which kills the child), ref/unref, and no-op socket options.
 */
export class SshStream extends Duplex {
  readonly #child: ChildProcess;
  #stderr = '';
  #exited = false;

  constructor(argv: string[]) {
    super({ allowHalfOpen: false });
    const [program, ...args] = argv;
    this.#child = spawn(program ?? 'ssh', args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const child = this.#child;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout?.pause();
    });
    // The end of the connection is decided at 'close' (the child gone, all its output read): a
    // failing ssh closes stdout first, and an end there would be a bare "socket hang up".
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    // Writes to a child that has gone fail with EPIPE; the exit below says why it went.
    child.stdin?.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      this.#exited = true;
      const missing = error.code === 'ENOENT';
      this.destroy(
        Object.assign(new Error(missing ? `the ssh client "${program}" is not installed or not on PATH` : error.message), {
          code: missing ? 'BERTH_SSH_MISSING' : 'BERTH_SSH_FAILED',
          cause: error,
        }),
      );
    });
    child.on('close', (code, signal) => {
      this.#exited = true;
      if (this.destroyed) return;
      const said = this.#stderr.trim().split('\n').slice(-3).join(' / ');
      if (code === 0) {
        this.push(null);
        return;
      }
      this.destroy(
        Object.assign(new Error(`ssh exited with ${signal ?? `code ${code}`}${said ? `: ${said}` : ''}`), {
          code: 'BERTH_SSH_FAILED',
          exitCode: code,
        }),
      );
    });
  }

  override _read(): void {
    this.#child.stdout?.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const stdin = this.#child.stdin;
    if (!stdin || stdin.destroyed) {
      callback(new Error('the ssh connection is closed'));
      return;
    }
    // A failed write (EPIPE) is not reported here: the child's exit says why it went, with ssh's words.
    stdin.write(chunk, encoding, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#child.stdin?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#exited) this.#child.kill();
    this.#child.stdin?.destroy();
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
    callback(error);
  }

  ref(): this {
    this.#child.ref();
    for (const pipe of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) (pipe as { ref?: () => void } | null)?.ref?.();
    return this;
  }

  unref(): this {
    this.#child.unref();
    for (const pipe of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) (pipe as { unref?: () => void } | null)?.unref?.();
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
}

/** An agent whose connections are ssh children; idle ones are kept for the next request. */
class SshAgent extends http.Agent {
  readonly #argv: string[];

  constructor(argv: string[]) {
    super({ keepAlive: true });
    this.#argv = argv;
  }

  override createConnection(): Duplex {
    return new SshStream(this.#argv);
  }
}

export function sshAgent(endpoint: EngineEndpoint): http.Agent {
  return new SshAgent(sshArgv(endpoint));
}
