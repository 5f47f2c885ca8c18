// The transport over tcp and TLS, against the real engine behind loopback endpoints (see
// support/engine-proxy.ts). Each scenario runs in a fresh process whose environment names the
// engine, as a user's test process would: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../support/certs.js';
import { labelled } from '../support/docker.js';
import { type EngineProxy, tcpProxy, tlsProxy } from '../support/engine-proxy.js';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, '../support/engine-child.mjs');

interface ChildResult {
  ok: boolean;
  started?: number;
  code?: string;
  message?: string;
  hint?: string;
  session?: string;
  warnings: string[];
}

async function child(env: Record<string, string>, ...args: string[]): Promise<ChildResult> {
  const clean = { ...process.env };
  for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'BERTH_SESSION_ID']) delete clean[key];
  const { stdout } = await run(process.execPath, [CHILD, ...args], { env: { ...clean, ...env }, timeout: 120_000 });
  const result = JSON.parse(stdout.trim().split('\n').pop() as string) as ChildResult;
  if (result.session) expect((await labelled(`dev.berth.session=${result.session}`)).containers).toEqual([]);
  return result;
}

let pki: Pki;
let tcp: EngineProxy;
let secure: EngineProxy;
let mutual: EngineProxy;

beforeAll(async () => {
  pki = await makePki();
  [tcp, secure, mutual] = await Promise.all([tcpProxy(), tlsProxy(pki.server), tlsProxy({ ...pki.server, requireClientCert: true })]);
});

afterAll(async () => {
  await Promise.all([tcp?.close(), secure?.close(), mutual?.close()]);
  if (pki) rmSync(pki.root, { recursive: true, force: true });
});

describe('tcp', () => {
  it('starts postgres:15 and four busybox containers on one signal without a MaxListeners warning', async () => {
    const result = await child({ DOCKER_HOST: `tcp://127.0.0.1:${tcp.port}` }, '4', 'postgres');
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, started: 5 });
    expect(result.warnings).toEqual([]);
    expect(tcp.connections).toBeGreaterThan(5);
  });
});

describe('TLS', () => {
  it('works with the CA and client certificate from DOCKER_CERT_PATH', async () => {
    const before = mutual.connections;
    const result = await child(
      { DOCKER_HOST: `tcp://localhost:${mutual.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.clientDir },
      '2',
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, started: 2 });
    expect(result.warnings).toEqual([]);
    expect(mutual.connections).toBeGreaterThan(before);
  });

  it('an engine certificate from another CA: names ca.pem and says the CA is not the signer', async () => {
    const result = await child({ DOCKER_HOST: `tcp://localhost:${secure.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.wrongCaDir });
    expect(result.ok).toBe(false);
    expect(result.code).toBe('BERTH_ENGINE_UNREACHABLE');
    expect(result.message).toContain(`not signed by the CA in ${join(pki.wrongCaDir, 'ca.pem')}`);
    expect(result.hint).toContain(join(pki.wrongCaDir, 'ca.pem'));
  });

  it('a host name the certificate does not name: says so', async () => {
    const result = await child({ DOCKER_HOST: `tcp://127.0.0.1:${secure.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.clientDir });
    expect(result.ok).toBe(false);
    expect(result.message).toContain("the engine's certificate is not valid for 127.0.0.1");
    expect(result.hint).toContain('subjectAltName');
  });

  it('plain HTTP to a TLS port: says TLS is needed and how to turn it on', async () => {
    const result = await child({ DOCKER_HOST: `tcp://localhost:${secure.port}` });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('speaks TLS but berth spoke plain HTTP to it');
    expect(result.hint).toContain('DOCKER_TLS_VERIFY=1');
  });

  it('an engine that wants a client certificate and gets none: says so', async () => {
    const result = await child({ DOCKER_HOST: `tcp://localhost:${mutual.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.caOnlyDir });
    expect(result.ok).toBe(false);
    expect(result.code).toBe('BERTH_ENGINE_UNREACHABLE');
    expect(result.message).toMatch(/client certificate/);
  });

  it('a missing DOCKER_CERT_PATH directory: names it before any connection', async () => {
    const before = secure.connections;
    const result = await child({
      DOCKER_HOST: `tcp://localhost:${secure.port}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: join(pki.root, 'nope'),
    });
    expect(result.ok).toBe(false);
    expect(result.code).toBe('BERTH_INVALID_SPEC');
    expect(result.message).toContain(`DOCKER_CERT_PATH="${join(pki.root, 'nope')}"`);
    expect(secure.connections).toBe(before);
  });

  it('no hint points at this repository’s scripts', async () => {
    const result = await child({ DOCKER_HOST: `tcp://localhost:${secure.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pki.wrongCaDir });
    expect(`${result.message}\n${result.hint}`).not.toMatch(/scripts\//);
  });
});
