// The shared runner scenario's two checks, written once for this project's test files.
import assert from 'node:assert/strict';
import { createClient } from '@redis/client';
import pg from 'pg';

/** Inserts id 1 into a fresh database and checks it holds exactly that row. */
export async function insertOnce(url, label) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('INSERT INTO items VALUES (1, $1)', [label]);
    const { rows } = await client.query('SELECT count(*)::int AS n FROM items');
    // Under BERTH_EXAMPLE_NEGATIVE the test claims to see the other tests' rows: with real
    // isolation it cannot, and fails.
    const want = process.env.BERTH_EXAMPLE_NEGATIVE === '1' ? 3 : 1;
    // A plain Error rather than a diff: every runner prints its message whole.
    if (rows[0].n !== want) throw new Error(`isolation: expected ${want} rows, found ${rows[0].n}`);
  } finally {
    await client.end();
  }
}

/** Checks a fresh redis database is empty, then writes to it. */
export async function freshRedisIsEmpty(url, label) {
  const client = createClient({ url });
  await client.connect();
  try {
    assert.equal(await client.dbSize(), 0, 'the fresh redis database was not empty');
    await client.set('who', label);
  } finally {
    await client.quit();
  }
}
