/**
 * Init scripts for the images whose entrypoint runs `/docker-entrypoint-initdb.d` (postgres, mysql,
 * mariadb). Files get a numbered prefix so the entrypoint (which runs them in name order) keeps the
 * order they were given in; a directory is copied as it is, its files keeping their names.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CopySpec } from '../container/spec.js';
import { InvalidSpecError } from '../errors.js';

const INITDB_DIR = '/docker-entrypoint-initdb.d';

/** `module` names the caller in errors: "postgres()". */
export async function initScriptCopies(paths: string[], module: string): Promise<CopySpec[]> {
  const width = String(Math.max(paths.length - 1, 0)).length + 1;
  return Promise.all(
    paths.map(async (source, index) => {
      const kind = await stat(source).then(
        (s) => (s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other'),
        () => 'missing',
      );
      if (kind === 'directory') return { source, target: INITDB_DIR };
      if (kind === 'file') return { source, target: `${INITDB_DIR}/${String(index).padStart(width, '0')}-${basename(source)}` };
      throw new InvalidSpecError(
        `${module}: expected \`initScripts[${index}]\` to be a file or directory, got ${JSON.stringify(source)} (${kind})`,
      );
    }),
  );
}
