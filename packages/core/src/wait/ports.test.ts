import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSpecError, PortNotExposedError, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { FakeTarget, later, procNetTcp, type TestServer, tcpServer, waitFor } from './fake-target.js';
import { ports } from './ports.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(mode: 'service' | 'proxy-only'): Promise<number> {
  const s = await tcpServer(mode);
  servers.push(s);
  return s.port;
}

const notFound = { exitCode: 127, stdout: '', stderr: 'exec: "cat": executable file not found in $PATH' };

describe('wait.ports', () => {
  it('describes the ports it waits for', () => {
    expect(ports().description).toBe('all exposed TCP ports');
    expect(ports({ ports: [5432, 6379] }).description).toBe('ports 5432/tcp, 6379/tcp');
    expect(() => ports({ ports: [70000] })).toThrow('expected `ports[0]` to be 1–65535, got 70000');
    expect(() => ports({ ports: [70000] })).toThrow(InvalidSpecError);
  });

  it('reads /proc/net/tcp from the host first, without exec', async () => {
    const target = new FakeTarget({ ports: [{ port: 5432 }, { port: 53, protocol: 'udp' }], procNet: procNetTcp([]) });
    const waiting = waitFor(ports(), target);
    await later(30, () => {
      target.procNet = procNetTcp([5432]);
    });
    await expect(waiting).resolves.toBeUndefined();
    expect(target.execCalls).toEqual([]);
  });

  it('waits for every port, not just the first', async () => {
    const target = new FakeTarget({ ports: [{ port: 80 }, { port: 443 }], procNet: procNetTcp([80]) });
    const error = await waitFor(ports(), target, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('last: not listening yet (/proc/net/tcp): 443/tcp');
  });

  it('uses exec cat when the host cannot read /proc', async () => {
    const target = new FakeTarget({
      ports: [{ port: 6379 }],
      exec: (argv) => ({ exitCode: 0, stdout: argv[0] === 'cat' ? procNetTcp([6379]) : '', stderr: '' }),
    });
    await waitFor(ports(), target);
    expect(target.execCalls[0]).toEqual(['cat', '/proc/net/tcp', '/proc/net/tcp6']);
  });

  it('falls back to a shell loop when the image has no cat', async () => {
    const target = new FakeTarget({
      ports: [{ port: 6379 }],
      exec: (argv) => (argv[0] === 'sh' ? { exitCode: 0, stdout: procNetTcp([6379]), stderr: '' } : notFound),
    });
    await waitFor(ports(), target);
    expect(target.execCalls.map((argv) => argv[0])).toEqual(['cat', 'sh']);
  });

  it('counts a connect only when the connection stays open (a real listener)', async () => {
    const hostPort = await server('service');
    const target = new FakeTarget({ ports: [{ port: 8080, hostPort }], exec: () => notFound });
    await expect(waitFor(ports({ graceMs: 20 }), target)).resolves.toBeUndefined();
  });

  it('is not fooled by a port proxy that accepts and closes (proxy only)', async () => {
    const hostPort = await server('proxy-only');
    const target = new FakeTarget({ ports: [{ port: 8080, hostPort }], exec: () => notFound });
    const error = await waitFor(ports({ graceMs: 20 }), target, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('not listening yet (host-side connect): 8080/tcp');
  });

  it('is not fooled by a listening host proxy when /proc/net/tcp shows nothing inside', async () => {
    const hostPort = await server('service');
    const target = new FakeTarget({ ports: [{ port: 8080, hostPort }], procNet: procNetTcp([]) });
    await expect(waitFor(ports(), target, { timeoutMs: 80 })).rejects.toBeInstanceOf(WaitTimeoutError);
  });

  it('records connection errors in the fallback as attempts', async () => {
    const closed = await tcpServer('service');
    await closed.close();
    const target = new FakeTarget({ ports: [{ port: 8080, hostPort: closed.port }], exec: () => notFound });
    const error = await waitFor(ports(), target, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/last: connect ECONNREFUSED 127.0.0.1:\d+\)/);
  });

  it('fails at once when there is nothing to check', async () => {
    const noPorts = await waitFor(ports(), new FakeTarget({ ports: [{ port: 53, protocol: 'udp' }] })).catch((e: unknown) => e);
    expect(noPorts).toBeInstanceOf(WaitFailedError);
    expect((noPorts as WaitFailedError).hint).toMatch(/expose a port/);
    const unpublished = new FakeTarget({ ports: [{ port: 8080 }], exec: () => notFound });
    await expect(waitFor(ports(), unpublished)).rejects.toBeInstanceOf(PortNotExposedError);
  });
});
