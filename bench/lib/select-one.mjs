/**
 * The end of every postgres case: connect and run `select 1` once. No retry: a subject whose wait
 * said "ready" too early fails here, and the bench reports that instead of hiding it.
 */
export async function selectOne(pg, url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query('select 1 as one');
    if (rows[0]?.one !== 1) throw new Error(`select 1 returned ${JSON.stringify(rows)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const PG_READY = /database system is ready to accept connections/;

/**
 * Every postgres subject runs the container with the same variables, those both modules use by
 * default (user, password and database `test`), so the container does the same init work in each
 * and the differences come from the client side alone.
 */
export const PG_ENV = { POSTGRES_USER: 'test', POSTGRES_PASSWORD: 'test', POSTGRES_DB: 'test' };

export function pgUrl(host, port) {
  return `postgres://${PG_ENV.POSTGRES_USER}:${PG_ENV.POSTGRES_PASSWORD}@${host}:${port}/${PG_ENV.POSTGRES_DB}`;
}
