// A throwaway local Docker registry for pull/auth tests.
//
// Runs Debian's docker-registry (distribution 2.8; `scripts/test-deps`
// installs it, with htpasswd from apache2-utils) on 127.0.0.1 and a free
// port, storing blobs in a temporary directory. The Docker engine treats
// 127.0.0.0/8 as an insecure registry, so plain HTTP works without TLS.
//
//   const reg = await startRegistry({ auth: true });
//   const ref = await pushToRegistry(reg, 'busybox:latest', 'berth/busybox:1');
//   ... pull `ref` with reg.username / reg.password ...
//   await reg.stop();
//
// Node builtins only.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { budget } from './budget.js';

export interface TestRegistry {
  /** host:port to use in image references, e.g. "127.0.0.1:41234". */
  host: string;
  /** Credentials accepted by the registry; both '' when started without auth. */
  username: string;
  password: string;
  /** Stops the registry and deletes its storage. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Require basic auth (htpasswd, bcrypt). Default false. */
  auth?: boolean;
}

const REGISTRY_BIN = process.env.BERTH_REGISTRY_BIN ?? '/usr/bin/docker-registry';
const HTPASSWD_BIN = process.env.BERTH_HTPASSWD_BIN ?? 'htpasswd';
const READY_TIMEOUT_MS = budget(15_000);

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never rejects for a non-zero exit. */
function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function mustRun(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Status code of GET http://host/v2/, or 0 when nothing answers. */
function probe(host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`http://${host}/v2/`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function configYaml(dir: string, port: number, auth: boolean): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (auth) {
    lines.push('auth:', '  htpasswd:', '    realm: berth-test-registry', `    path: ${JSON.stringify(path.join(dir, 'htpasswd'))}`);
  }
  return `${lines.join('\n')}\n`;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Registries still running, killed if the process exits without stop(). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? false;
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(`${REGISTRY_BIN} not found: run scripts/test-deps (Debian package docker-registry)`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-registry-'));
  const username = auth ? 'berth' : '';
  const password = auth ? randomBytes(12).toString('hex') : '';

  try {
    if (auth) {
      // -B: bcrypt, the only hash distribution accepts; -i: password on stdin.
      const line = await mustRun(HTPASSWD_BIN, ['-B', '-i', '-n', username], { input: `${password}\n` }).catch((err: Error) => {
        throw new Error(`${err.message}\n(htpasswd comes with the Debian package apache2-utils: run scripts/test-deps)`);
      });
      await writeFile(path.join(dir, 'htpasswd'), `${line.trim()}\n`, { mode: 0o600 });
    }

    // The free port may be taken between probing and binding: try a few.
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      const config = path.join(dir, 'config.yml');
      await writeFile(config, configYaml(dir, port, auth));

      const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const keep = (d: Buffer) => {
        output = (output + d.toString()).slice(-8192);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('error', (err) => keep(Buffer.from(String(err))));
      running.add(child);
      child.once('exit', () => running.delete(child));

      const expected = auth ? 401 : 200;
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let ready = false;
      while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
        const status = await probe(host);
        if (status === expected) {
          ready = true;
          break;
        }
        if (status !== 0) {
          output += `\nGET /v2/ answered ${status}, expected ${expected}`;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (ready) {
        // The data listeners above keep draining its output pipes.
        let stopped = false;
        return {
          host,
          username,
          password,
          async stop() {
            if (stopped) return;
            stopped = true;
            await stopChild(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      await stopChild(child);
      lastError = output.trim() || `no answer on ${host} within ${READY_TIMEOUT_MS} ms`;
      if (!/address already in use/i.test(lastError)) break;
    }
    throw new Error(`docker-registry did not start: ${lastError}`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Pushes a local image to the registry as `${registry.host}/${repoTag}` and
 * returns that reference. Logs in first when the registry has credentials,
 * with a temporary DOCKER_CONFIG so the user's own docker config is never
 * read or written. The extra local tag is removed afterwards.
 */
export async function pushToRegistry(
  registry: Pick<TestRegistry, 'host' | 'username' | 'password'>,
  localImage: string,
  repoTag: string,
): Promise<string> {
  const ref = `${registry.host}/${repoTag}`;
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'berth-docker-config-'));
  const env = { ...process.env, DOCKER_CONFIG: configDir };
  try {
    await mustRun('docker', ['tag', localImage, ref], { env });
    try {
      if (registry.username) {
        await mustRun('docker', ['login', registry.host, '--username', registry.username, '--password-stdin'], {
          env,
          input: registry.password,
        });
      }
      await mustRun('docker', ['push', ref], { env });
    } finally {
      await run('docker', ['image', 'rm', ref], { env });
    }
    return ref;
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}
