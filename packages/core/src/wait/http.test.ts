import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSpecError, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { FakeTarget, waitFor } from './fake-target.js';
import { http } from './http.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<FakeTarget> {
  const server = tls ? createHttps(tls, handler) : createHttp(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return new FakeTarget({ ports: [{ port: 8080, hostPort: (server.address() as AddressInfo).port }] });
}

function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http-'));
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('wait.http', () => {
  it('describes the request and the expectation', () => {
    expect(http('/health').description).toBe('HTTP GET /health → 2xx');
    expect(http('/', { port: 8443, tls: true, method: 'head', status: [200, 204] }).description).toBe(
      'HTTPS HEAD / on port 8443 → 200|204',
    );
    expect(() => http('health')).toThrow(InvalidSpecError);
    expect(() => http('/', { status: 42 })).toThrow('expected `status` to be 100–599, got 42');
  });

  it('polls until the status is 2xx, reporting the last status and body', async () => {
    let calls = 0;
    const target = await serve((_req, res) => {
      calls += 1;
      res.writeHead(calls < 3 ? 503 : 200).end(calls < 3 ? 'warming up' : 'ok');
    });
    await waitFor(http('/hello'), target);
    expect(calls).toBe(3);

    const down = await serve((_req, res) => res.writeHead(503).end('warming up'));
    const error = await waitFor(http('/hello'), down, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('last: status 503: warming up');
  });

  it('does not accept a redirect by default', async () => {
    const target = await serve((_req, res) => res.writeHead(302, { location: '/login' }).end());
    await expect(waitFor(http('/'), target, { timeoutMs: 400 })).rejects.toThrow('last: status 302');
    await expect(waitFor(http('/', { status: (s) => s < 400 }), target)).resolves.toBeUndefined();
  });

  it('sends method, headers and basic auth, and checks the body', async () => {
    const seen: IncomingMessage[] = [];
    const target = await serve((req, res) => {
      seen.push(req);
      const ok = req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`;
      res.writeHead(ok ? 200 : 401).end(JSON.stringify({ status: seen.length > 1 ? 'up' : 'starting' }));
    });
    const strategy = http('/auth', {
      method: 'POST',
      headers: { 'x-probe': 'berth' },
      basicAuth: { username: 'u', password: 'p' },
      body: async (text) => JSON.parse(text).status === 'up',
    });
    await waitFor(strategy, target);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['x-probe']).toBe('berth');
  });

  it('reports connection errors and slow answers', async () => {
    const slow = await serve(() => {});
    const error = await waitFor(http('/', { requestTimeoutMs: 20 }), slow, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('last: GET /: no answer within 20 ms');
  });

  const tls = selfSigned();
  it.skipIf(!tls)('refuses a self-signed certificate at once unless `insecure` is set', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end('ok'), tls);
    const strict = await waitFor(http('/', { tls: true }), target, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(WaitFailedError);
    expect((strict as WaitFailedError).summary).toBe("the server's TLS certificate was refused (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect((strict as WaitFailedError).hint).toContain('insecure: true');
    await expect(waitFor(http('/', { tls: true, insecure: true }), target)).resolves.toBeUndefined();
  });
});
