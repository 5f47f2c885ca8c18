/**
 * The build context: every file under the context directory that `.dockerignore` does not exclude
 * (Docker's rules: patterns relative to the context root, `*`, `?`, `**`, `!` exceptions in order,
 * an excluded directory excludes what is below it unless an exception brings a path back). The
 * Dockerfile and `.dockerignore` are always sent, as the Docker CLI does.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import ignoreModule from '@balena/dockerignore';
import { tarEnd, tarHeader, tarPadding } from '../engine/tar.js';

// The package is CommonJS with `module.exports = factory` but declares `export default`; at run
// time the default import is the factory itself (ESM) or has it under `default` (some bundlers).
const createIgnore = (typeof ignoreModule === 'function' ? ignoreModule : ignoreModule.default) as typeof ignoreModule.default;

export interface ContextFiles {
  /** Paths relative to the context, "/"-separated, that go into the tar (directories included). */
  included: Set<string>;
  /** How many files and directories `.dockerignore` left out. */
  excludedCount: number;
}

/** Reads `.dockerignore` patterns (comments and blank lines dropped). */
export async function readDockerignore(contextDir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(contextDir, '.dockerignore'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Works out which paths of the context are sent. `dockerfile` is relative to the context. */
export async function selectContextFiles(contextDir: string, patterns: string[], dockerfile: string): Promise<ContextFiles> {
  const matcher = createIgnore({ ignorecase: false }).add(patterns);
  const included = new Set<string>();
  let excludedCount = 0;
  const always = new Set([toPosix(dockerfile), '.dockerignore']);

  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      const rel = toPosix(relative(contextDir, abs));
      const isDir = entry.isDirectory();
      const ignored = matcher.ignores(rel) && !always.has(rel);
      if (!ignored) addWithParents(included, rel);
      else excludedCount++;
      // Walk into an excluded directory too: an exception (`!dir/keep`) may bring a path back.
      if (isDir && (!ignored || patterns.some((p) => p.startsWith('!')))) await walk(abs);
    }
  };
  await walk(contextDir);
  return { included, excludedCount };
}

/**
 * A tar stream of the selected files (uncompressed; the engine accepts it as is), in sorted order so
 * the same context gives the same archive, owned by root whatever the host user. File contents are
 * streamed, not read into memory.
 */
export function packContext(contextDir: string, files: ContextFiles): Readable {
  return Readable.from(contextEntries(contextDir, [...files.included].sort()), { objectMode: false });
}

async function* contextEntries(contextDir: string, paths: string[]): AsyncGenerator<Buffer> {
  for (const rel of paths) {
    const abs = join(contextDir, rel);
    const info = await lstat(abs);
    const common = { name: rel, mode: info.mode & 0o7777, mtime: info.mtime, uid: 0, gid: 0 };
    if (info.isDirectory()) yield tarHeader({ ...common, type: 'directory' });
    else if (info.isSymbolicLink()) yield tarHeader({ ...common, type: 'symlink', linkname: await readlink(abs) });
    else if (info.isFile()) {
      yield tarHeader({ ...common, type: 'file', size: info.size });
      let sent = 0;
      for await (const chunk of createReadStream(abs)) {
        const bytes = chunk as Buffer;
        // A file that grows while it is sent must not break the archive: its announced size is what goes.
        const part = bytes.subarray(0, Math.max(0, info.size - sent));
        sent += part.length;
        if (part.length > 0) yield part;
        if (sent >= info.size) break;
      }
      // A file that shrank is filled up with zeros to the size its header announced.
      if (sent < info.size) yield Buffer.alloc(info.size - sent);
      yield tarPadding(info.size);
    }
  }
  yield tarEnd();
}

function addWithParents(set: Set<string>, rel: string): void {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) set.add(parts.slice(0, i).join('/'));
}

function toPosix(path: string): string {
  return sep === '/' ? path.replace(/^\.\//, '') : path.split(sep).join('/').replace(/^\.\//, '');
}
