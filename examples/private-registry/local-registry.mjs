// @ts-check
// A private registry for this example to pull from: Debian's docker-registry (distribution 2.8)
// with htpasswd basic auth on 127.0.0.1 and a free port, its storage in a temporary directory. The
// engine treats 127.0.0.0/8 as an insecure registry, so plain HTTP works. Where you have a real
// private registry (ghcr.io, ECR, a company Harbor), none of this is needed.
// Needs /usr/bin/docker-registry and htpasswd: Debian packages docker-registry and apache2-utils
// (the repository's scripts/test-deps installs them).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A port nobody listened on a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts the registry; resolves once it answers `GET /v2/` with 401 (it wants a login).
 * @returns {Promise<{ host: string, username: string, password: string, stop(): Promise<void> }>}
 */
export async function startLocalRegistry() {
  const dir = await mkdtemp(join(tmpdir(), 'berth-example-registry-'));
  const username = 'example';
  const password = randomBytes(12).toString('hex');
  const { stdout: entry } = await run('htpasswd', ['-B', '-b', '-n', username, password]);
  await writeFile(join(dir, 'htpasswd'), entry.trim() + '\n');
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log: { level: warn, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} } }`,
    `http: { addr: "127.0.0.1:${port}", secret: ${randomBytes(16).toString('hex')} }`,
    `auth: { htpasswd: { realm: example, path: ${JSON.stringify(join(dir, 'htpasswd'))} } }`,
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);

  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.once('error', (error) => (output += `${error.message} (install the Debian package docker-registry)`));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  const host = `127.0.0.1:${port}`;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null || child.pid === undefined) break;
    const status = await fetch(`http://${host}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) return { host, username, password, stop };
  }
  await stop();
  throw new Error(`docker-registry did not come up on ${host}: ${output.trim() || 'no output'}`);
}

/**
 * Pushes a local image to the registry as `<host>/<repoTag>` with the docker CLI, logged in through a
 * throwaway DOCKER_CONFIG (your own docker config is never touched); removes the extra local tag.
 * @param {{ host: string, username: string, password: string }} registry
 * @param {string} localImage
 * @param {string} repoTag
 */
export async function pushTo(registry, localImage, repoTag) {
  const ref = `${registry.host}/${repoTag}`;
  const configDir = await mkdtemp(join(tmpdir(), 'berth-example-docker-config-'));
  const env = { ...process.env, DOCKER_CONFIG: configDir };
  try {
    await run('docker', ['tag', localImage, ref], { env });
    try {
      const login = run('docker', ['login', registry.host, '-u', registry.username, '--password-stdin'], { env });
      login.child.stdin?.end(registry.password);
      await login;
      await run('docker', ['push', ref], { env });
    } finally {
      await run('docker', ['image', 'rm', ref], { env }).catch(() => undefined);
    }
    return ref;
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}
