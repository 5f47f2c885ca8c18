// The baseline of `berth run -- true`: the same postgres (20-table template) started and stopped
// by a plain script with startPostgres().
import { endSession } from '@berth/core';
import { startPostgres } from '@berth/core/postgres';
import pg from 'pg';
import { TABLES } from './berth.config.mjs';

const db = await startPostgres({
  tuneForTests: true,
  setup: async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (let i = 1; i <= TABLES; i++)
      await client.query(`CREATE TABLE t${i} (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now())`);
    await client.end();
  },
});
await db.stop();
await endSession();
