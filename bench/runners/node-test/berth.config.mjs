// The services of bench/cases/runners.mjs: one postgres whose template has 20 tables, as the
// vitest suite of bench/cases/suite.mjs has.
import { defineConfig } from '@berth/core';
import { postgres } from '@berth/core/postgres';
import pg from 'pg';

export const TABLES = 20;

export default defineConfig({
  services: {
    db: postgres({
      tuneForTests: true,
      setup: async (url) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          for (let i = 1; i <= TABLES; i++) {
            await client.query(`CREATE TABLE t${i} (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now())`);
          }
        } finally {
          await client.end();
        }
      },
    }),
  },
});
