// #region vitest-test
// test/vitest/users.test.ts
import { freshDatabase } from '@berth/vitest/test';
import pg from 'pg';
import { expect, test } from 'vitest';

/** Runs one query against a database URL. */
async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

test('a fresh database has the table the template was given', async () => {
  const db = await freshDatabase('db'); // cloned from the template; dropped when the test ends
  await query(db.url, "INSERT INTO users (email) VALUES ('ada@example.com')");
  const { rows } = await query(db.url, 'SELECT email FROM users');
  expect(rows).toEqual([{ email: 'ada@example.com' }]);
});

test('every test gets its own: the insert above is not here', async () => {
  const db = await freshDatabase('db');
  const { rows } = await query(db.url, 'SELECT count(*)::int AS n FROM users');
  expect(rows).toEqual([{ n: 0 }]);
});
// #endregion
