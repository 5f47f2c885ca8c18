import { describe, expect, it } from 'vitest';
import { ContainerExitedError, WaitTimeoutError } from '../../errors.js';
import { FakeTarget, later, procNetTcp, waitFor } from '../../wait/fake-target.js';
import { postgresReady, readyAfterTcpListen } from './ready.js';

const TEMP_SERVER = [
  'LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
  'LOG:  database system is ready to accept connections',
];
const REAL_SERVER = [
  'LOG:  listening on IPv4 address "0.0.0.0", port 5432',
  'LOG:  listening on IPv6 address "::", port 5432',
  'LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
  'LOG:  database system is ready to accept connections',
];

describe('readyAfterTcpListen', () => {
  it('ignores the init server and waits for the real one (first start)', async () => {
    const target = new FakeTarget();
    for (const line of TEMP_SERVER) target.log(line, 'stderr');
    const waiting = waitFor(readyAfterTcpListen(), target, { timeoutMs: 1000 });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await later(50, () => target.log('PostgreSQL init process complete; ready for start up.'));
    expect(settled).toBe(false);
    for (const line of REAL_SERVER) target.log(line, 'stderr');
    await expect(waiting).resolves.toBeUndefined();
  });

  it('is ready on the single ready line of an initialised data directory', async () => {
    const target = new FakeTarget();
    target.log('PostgreSQL Database directory appears to contain a database; Skipping initialization');
    for (const line of REAL_SERVER) target.log(line, 'stderr');
    await expect(waitFor(readyAfterTcpListen(), target)).resolves.toBeUndefined();
  });

  it('times out when only the init server became ready', async () => {
    const target = new FakeTarget();
    for (const line of TEMP_SERVER) target.log(line, 'stderr');
    const error = await waitFor(readyAfterTcpListen(), target, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).message).toContain('init server');
  });

  it('fails fast when the container exits', async () => {
    const target = new FakeTarget();
    target.log('initdb: error: could not create directory');
    const waiting = waitFor(readyAfterTcpListen(), target, { timeoutMs: 2000 });
    await later(20, () => target.exit(1));
    await expect(waiting).rejects.toBeInstanceOf(ContainerExitedError);
  });
});

describe('postgresReady', () => {
  it('also needs a TCP listener on 5432 inside the container', async () => {
    const target = new FakeTarget({ ports: [{ port: 5432, hostPort: 1 }], procNet: procNetTcp([]) });
    for (const line of REAL_SERVER) target.log(line, 'stderr');
    const waiting = waitFor(postgresReady(), target, { timeoutMs: 1000 });
    await later(50, () => {
      target.procNet = procNetTcp([5432]);
    });
    await expect(waiting).resolves.toBeUndefined();
  });
});
