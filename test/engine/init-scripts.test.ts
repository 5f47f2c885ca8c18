// Init scripts whose host modes the image's server user cannot read: a folder from fs.mkdtemp
// (0700) holding 0600 files and a 0700 shell script. The official entrypoints read
// /docker-entrypoint-initdb.d as the server's user; copied with the host's modes, the folder's 0700
// replaced the image's and the scripts never ran (the official images die on `ls: Permission
// denied`; the stand-ins skipped them). Copied file by file with readable modes, they all run.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMysql } from '@berth/core/mysql';
import { startPostgres } from '@berth/core/postgres';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { testImage } from '../support/images.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A 0700 folder with a 0600 .sql file and a 0700 executable .sh script. */
function privateInitDir(sql: string, sh: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-init-private-'));
  dirs.push(dir);
  writeFileSync(join(dir, '1-table.sql'), sql, { mode: 0o600 });
  writeFileSync(join(dir, '2-script.sh'), `#!/bin/bash\nset -e\n${sh}\n`, { mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

describe('init scripts from a folder only its owner can read', () => {
  test('postgres runs the .sql file and the executable .sh script', async () => {
    const dir = privateInitDir(
      'CREATE TABLE from_private_sql (id int);',
      'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c "CREATE TABLE from_private_sh (id int)"',
    );
    await using db = await startPostgres({ initScripts: [dir], tuneForTests: true, poolSize: 0 });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'from_private_%' ORDER BY 1");
      expect(rows.map((r) => r.tablename)).toEqual(['from_private_sh', 'from_private_sql']);
    } finally {
      await client.end();
    }
  });

  test('mysql runs the .sql file and the executable .sh script', async () => {
    const dir = privateInitDir(
      'CREATE TABLE from_private_sql (id int);',
      'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" "$MYSQL_DATABASE" -e "CREATE TABLE from_private_sh (id int)"',
    );
    await using db = await startMysql({ image: testImage('mysql:8'), initScripts: [dir], tuneForTests: true });
    const connection = await mysql2.createConnection({ uri: db.url, connectTimeout: 30_000 });
    try {
      const [rows] = await connection.query(
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'from_private_%' ORDER BY 1",
      );
      expect((rows as { name: string }[]).map((r) => r.name)).toEqual(['from_private_sh', 'from_private_sql']);
    } finally {
      await connection.end();
    }
  });
});
