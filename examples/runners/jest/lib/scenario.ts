// The shared runner scenario's two checks, written once for this project's test files.
import { createClient } from '@redis/client';
import pg from 'pg';

/** Inserts id 1 into a fresh database and checks it holds exactly that row. */
export async function insertOnce(url: string, label: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('INSERT INTO items VALUES (1, $1)', [label]);
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    // Under BERTH_EXAMPLE_NEGATIVE the test claims to see the other tests' rows: with real
    // isolation it cannot, and fails. A plain Error: every runner prints its message whole.
    const want = process.env.BERTH_EXAMPLE_NEGATIVE === '1' ? 3 : 1;
    if (rows[0]?.n !== want) throw new Error(`isolation: expected ${want} rows, found ${rows[0]?.n}`);
  } finally {
    await client.end();
  }
}

/** Checks a fresh redis database is empty, then writes to it. */
export async function freshRedisIsEmpty(url: string, label: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    const size = await client.dbSize();
    if (size !== 0) throw new Error(`the fresh redis database holds ${size} keys`);
    await client.set('who', label);
  } finally {
    await client.quit();
  }
}
