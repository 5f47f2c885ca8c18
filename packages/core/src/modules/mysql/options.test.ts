import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../errors.js';
import { mysqlEnv } from './container-spec.js';
import { flavorOf, resolveMysqlOptions, settingArgs } from './options.js';

describe('resolveMysqlOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveMysqlOptions()).toMatchObject({
      image: 'mysql:8',
      flavor: 'mysql',
      user: 'test',
      password: 'test',
      rootPassword: 'test',
      database: 'test',
      templateDatabase: 'berth_template',
      poolSize: 4,
      poolConcurrency: 2,
      settings: {},
    });
  });

  it('tuneForTests adds settings; the user’s own win', () => {
    const { settings } = resolveMysqlOptions({
      tuneForTests: true,
      settings: { innodb_flush_log_at_trx_commit: 2, skip_name_resolve: true },
    });
    expect(settings).toMatchObject({ innodb_file_per_table: 'OFF', innodb_flush_log_at_trx_commit: '2', skip_name_resolve: 'ON' });
    expect(settingArgs({ max_connections: '50', 'skip-log-bin': '' })).toEqual(['--max_connections=50', '--skip-log-bin']);
  });

  it('quotes the option and the bad value', () => {
    expect(() => resolveMysqlOptions({ poolSize: -1 })).toThrow('mysql(): expected `poolSize` to be a whole number 0–64, got -1');
    expect(() => resolveMysqlOptions({ acquireTimeoutMs: 0 })).toThrow('mysql(): expected `acquireTimeoutMs` to be a whole number');
    expect(resolveMysqlOptions({ acquireTimeoutMs: 250 }).acquireTimeoutMs).toBe(250);
    expect(() => resolveMysqlOptions({ database: 'my-db' })).toThrow('expected `database` to be an identifier');
    expect(() => resolveMysqlOptions({ templateDatabase: 'test' })).toThrow('a name other than the main database "test"');
    expect(() => resolveMysqlOptions({ user: 'root', password: 'a', rootPassword: 'b' })).toThrow(InvalidSpecError);
  });

  it('refuses postgres images by name, with a hint', () => {
    for (const image of [
      'postgres:15',
      'postgres',
      'library/postgres:10.10',
      'postgis/postgis:16-3.4',
      'registry:5000/postgres@sha256:abc',
    ]) {
      expect(() => resolveMysqlOptions({ image })).toThrow(/expected `image` to be a mysql or mariadb image[\s\S]*hint: for postgres use/);
    }
    expect(() => resolveMysqlOptions({ image: 'acme/postgres-compatible-mysql:1' })).not.toThrow();
  });

  it('root as the user uses root’s password', () => {
    expect(resolveMysqlOptions({ user: 'root', password: 'pw' })).toMatchObject({ user: 'root', password: 'pw', rootPassword: 'pw' });
  });
});

describe('flavorOf and the env contract', () => {
  it('mariadb images are MariaDB, everything else MySQL', () => {
    expect(['mariadb:11', 'mariadb', 'library/mariadb:10.11', 'localhost:5000/mariadb:11'].map(flavorOf)).toEqual(Array(4).fill('mariadb'));
    expect(['mysql:8', 'percona:8', 'mariadb-tools:1', 'acme/mariadbish:2'].map(flavorOf)).toEqual(Array(4).fill('mysql'));
  });

  it('MARIADB_* for mariadb images, MYSQL_* for the rest; no *_USER for root', () => {
    expect(mysqlEnv(resolveMysqlOptions({ image: 'mariadb:11', rootPassword: 'r' }))).toEqual({
      MARIADB_ROOT_PASSWORD: 'r',
      MARIADB_DATABASE: 'test',
      MARIADB_USER: 'test',
      MARIADB_PASSWORD: 'test',
    });
    expect(mysqlEnv(resolveMysqlOptions({ user: 'root', password: 'pw', database: 'app' }))).toEqual({
      MYSQL_ROOT_PASSWORD: 'pw',
      MYSQL_DATABASE: 'app',
    });
  });
});
