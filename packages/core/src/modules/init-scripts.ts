/**
 * Init scripts for the images whose entrypoint runs `/docker-entrypoint-initdb.d` (postgres, mysql,
 * mariadb). Files get a numbered prefix so the entrypoint (which runs them in name order) keeps the
 * order they were given in; a directory's files keep their names (and subfolders).
 *
 * The entrypoint reads them as the server's own user, not as root, so what berth copies must be
 * readable whatever its mode on the host: a folder from `fs.mkdtemp` is 0700, and copied as a
 * folder its mode would replace the image's `/docker-entrypoint-initdb.d` (the entrypoint then dies
 * on `ls: Permission denied`). So every file travels on its own, 0644 (0755 when the host file is
 * executable: the entrypoint runs executable `.sh` files and sources the others), and the image's
 * folder keeps its mode.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { CopySpec } from '../container/spec.js';
import { InvalidSpecError } from '../errors.js';

const INITDB_DIR = '/docker-entrypoint-initdb.d';

/** The mode a copied script gets: readable by everyone, executable when the host file is. */
export function scriptMode(hostMode: number): number {
  return hostMode & 0o111 ? 0o755 : 0o644;
}

async function fileCopy(source: string, target: string): Promise<CopySpec> {
  const [content, info] = await Promise.all([readFile(source), stat(source)]);
  return { content, target, mode: scriptMode(info.mode) };
}

async function directoryCopies(dir: string, target: string): Promise<CopySpec[]> {
  const copies: CopySpec[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const source = join(dir, entry.name);
    const to = posix.join(target, entry.name);
    const info = await stat(source);
    if (info.isDirectory()) copies.push(...(await directoryCopies(source, to)));
    else if (info.isFile()) copies.push(await fileCopy(source, to));
  }
  return copies;
}

/** `module` names the caller in errors: "postgres()". */
export async function initScriptCopies(paths: string[], module: string): Promise<CopySpec[]> {
  const width = String(Math.max(paths.length - 1, 0)).length + 1;
  const copies = await Promise.all(
    paths.map(async (source, index) => {
      const kind = await stat(source).then(
        (s) => (s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other'),
        () => 'missing',
      );
      if (kind === 'directory') return directoryCopies(source, INITDB_DIR);
      if (kind === 'file') return [await fileCopy(source, `${INITDB_DIR}/${String(index).padStart(width, '0')}-${basename(source)}`)];
      throw new InvalidSpecError(
        `${module}: expected \`initScripts[${index}]\` to be a file or directory, got ${JSON.stringify(source)} (${kind})`,
      );
    }),
  );
  return copies.flat();
}
