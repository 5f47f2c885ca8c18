import { describe, expect, it } from 'vitest';
import { MissingPeerDependencyError } from '../../errors.js';
import { loadMysql2, tryLoadMysql2 } from './driver.js';

function notFound(code: string, message: string): () => Promise<never> {
  return () => Promise.reject(Object.assign(new Error(message), { code }));
}

describe('loadMysql2', () => {
  it('loads the installed driver (createPool and createConnection)', async () => {
    const mysql = await loadMysql2();
    expect(typeof mysql.createPool).toBe('function');
    expect(typeof mysql.createConnection).toBe('function');
  });

  it('says to install mysql2 when it is missing (ESM and CommonJS messages)', async () => {
    for (const importer of [
      notFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'mysql2' imported from /app/dist/mysql.js"),
      notFound('MODULE_NOT_FOUND', "Cannot find module 'mysql2/promise'"),
    ]) {
      const error = await loadMysql2(importer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingPeerDependencyError);
      expect((error as MissingPeerDependencyError).hint).toMatch(/install mysql2/);
      expect((error as MissingPeerDependencyError).summary).toContain('`mysql2` is not installed');
    }
  });

  it('passes other load failures through unchanged; rejects a package without the functions', async () => {
    const broken = Object.assign(new Error("Cannot find module 'iconv-lite'"), { code: 'MODULE_NOT_FOUND' });
    expect(await loadMysql2(() => Promise.reject(broken)).catch((e: unknown) => e)).toBe(broken);
    await expect(loadMysql2(async () => ({ default: {} }))).rejects.toBeInstanceOf(MissingPeerDependencyError);
  });

  it('tryLoadMysql2 keeps the error for later', async () => {
    const result = await tryLoadMysql2(notFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'mysql2'"));
    expect('missing' in result && result.missing).toBeInstanceOf(MissingPeerDependencyError);
  });
});
