// Five tests, each: a fresh database, connect, write and read a row, disconnect (the body of the
// vitest suite in test/e2e/fixtures/vitest-suites/bench-fresh), for any runner's test() function.
import pg from 'pg';

export function fiveTests(test, freshDatabase, file) {
  for (let n = 1; n <= 5; n++) {
    test(`test ${n}`, async () => {
      const db = await freshDatabase('db');
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('INSERT INTO t1 (name) VALUES ($1)', [`${file}-${n}`]);
        const { rows } = await client.query('SELECT count(*)::int AS n FROM t1');
        if (rows[0]?.n !== 1) throw new Error(`expected a fresh database, found ${rows[0]?.n} rows`);
      } finally {
        await client.end();
      }
    });
  }
}
