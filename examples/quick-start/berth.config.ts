// #region berth-config
// berth.config.ts: the services this suite needs, read by the vitest plugin and the jest preset.
import { defineConfig } from '@berth/core';
import { postgres } from '@berth/core/postgres';
import pg from 'pg';

const config = defineConfig({
  services: {
    db: postgres({
      image: 'postgres:15',
      tuneForTests: true, // fsync off, data in memory: a throwaway database need not survive a crash
      // Runs once, against the template database that every fresh database is cloned from:
      // your migrations go here.
      setup: async (templateUrl) => {
        const client = new pg.Client({ connectionString: templateUrl });
        await client.connect();
        try {
          await client.query('CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL)');
        } finally {
          await client.end();
        }
      },
    }),
  },
  // Optional: environment variables for the code under test, set before any test file runs.
  env: { DATABASE_URL: (services) => services.db.url },
});
export default config;

// Optional: tells the test helpers this config's services, so freshDatabase('db') is typed as
// PostgresDetails, and a name that is not declared here is a compile error.
declare module '@berth/core' {
  interface Register {
    config: typeof config;
  }
}
// #endregion
