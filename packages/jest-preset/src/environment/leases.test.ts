import type { Lease } from '@berth/core';
import { describe, expect, test } from 'vitest';
import { LeaseBook, type LeaseClient } from './leases.js';

/** Hands out numbered slices and records what came back. */
function fakeClient(options: { failAcquire?: boolean; failRelease?: boolean } = {}) {
  let next = 0;
  const released: string[] = [];
  const client: LeaseClient = {
    async acquire(service) {
      if (options.failAcquire) throw new Error(`no slice of ${service}`);
      next += 1;
      return {
        id: `${service}-${next}`,
        details: { kind: 'fake', host: 'h', port: 1, containerName: `${service}-${next}` },
      } satisfies Lease;
    },
    async release(_service, id) {
      if (options.failRelease) throw new Error(`cannot release ${id}`);
      released.push(id);
    },
  };
  return { client, released };
}

describe('LeaseBook', () => {
  test('gives back per-test slices when the test is done and per-file slices when the file is', async () => {
    const { client, released } = fakeClient();
    const book = new LeaseBook(client);
    const file = await book.acquire('db', 'file');
    const first = await book.acquire('db', 'test');
    expect(first.containerName).not.toBe(file.containerName);
    expect(await book.release('test')).toEqual([]);
    expect(released).toEqual(['db-2']);
    await book.acquire('db', 'test');
    expect(await book.release('test')).toEqual([]);
    expect(await book.release('file')).toEqual([]);
    expect(released).toEqual(['db-2', 'db-3', 'db-1']);
    // Nothing twice.
    expect(await book.release('file')).toEqual([]);
    expect(released).toHaveLength(3);
  });

  test('hands every file of a worker the same per-worker slice, released only on request', async () => {
    const { client, released } = fakeClient();
    const one = new LeaseBook(client);
    const two = new LeaseBook(client);
    const [a, b] = await Promise.all([one.acquire('cache', 'worker'), two.acquire('cache', 'worker')]);
    expect(b).toEqual(a);
    await one.release('file');
    expect(released).toEqual([]);
    expect(await two.releaseWorker()).toEqual([]);
    expect(released).toEqual([a.containerName]);
    // A new one after that.
    expect((await one.acquire('cache', 'worker')).containerName).not.toBe(a.containerName);
    await one.releaseWorker();
  });

  test('a failed acquisition is neither cached nor given back', async () => {
    const failing = fakeClient({ failAcquire: true });
    const book = new LeaseBook(failing.client);
    await expect(book.acquire('db', 'worker')).rejects.toThrow('no slice of db');
    await expect(book.acquire('db', 'test')).rejects.toThrow('no slice of db');
    expect(await book.release('test')).toEqual([]);
    expect(await book.releaseWorker()).toEqual([]);
    expect(failing.released).toEqual([]);
  });

  test('collects every release failure', async () => {
    const { client } = fakeClient({ failRelease: true });
    const book = new LeaseBook(client);
    await book.acquire('db', 'file');
    await book.acquire('db', 'file');
    const failures = await book.release('file');
    expect(failures.map((error) => (error as Error).message)).toEqual(['cannot release db-1', 'cannot release db-2']);
  });
});
