import { describe, expect, it } from 'vitest';
import { MissingPeerDependencyError } from '../../errors.js';
import { loadPg, tryLoadPg } from './driver.js';

function notFound(code: string, message: string): () => Promise<never> {
  return () => Promise.reject(Object.assign(new Error(message), { code }));
}

describe('loadPg', () => {
  it('loads the installed driver (a CommonJS module with Pool and Client)', async () => {
    const pg = await loadPg();
    expect(typeof pg.Pool).toBe('function');
    expect(typeof pg.Client).toBe('function');
  });

  it('says to install pg when it is missing (ESM and CommonJS messages)', async () => {
    for (const importer of [
      notFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'pg' imported from /app/dist/postgres.js"),
      notFound('MODULE_NOT_FOUND', "Cannot find module 'pg'"),
    ]) {
      const error = await loadPg(importer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingPeerDependencyError);
      const missing = error as MissingPeerDependencyError;
      expect(missing.code).toBe('BERTH_MISSING_PEER_DEPENDENCY');
      expect(missing.hint).toMatch(/install pg/);
      expect(missing.summary).toContain('`pg` is not installed');
      expect((missing.cause as Error).message).toContain('pg');
    }
  });

  it('passes other load failures through unchanged', async () => {
    const broken = new Error("Cannot find module 'pg-types'");
    const error = await loadPg(() => Promise.reject(Object.assign(broken, { code: 'MODULE_NOT_FOUND' }))).catch((e: unknown) => e);
    expect(error).toBe(broken);
  });

  it('rejects a package without Pool and Client', async () => {
    await expect(loadPg(async () => ({ default: {} }))).rejects.toBeInstanceOf(MissingPeerDependencyError);
  });

  it('tryLoadPg keeps the error for later instead of throwing', async () => {
    const result = await tryLoadPg(notFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'pg'"));
    expect('missing' in result && result.missing).toBeInstanceOf(MissingPeerDependencyError);
  });
});
