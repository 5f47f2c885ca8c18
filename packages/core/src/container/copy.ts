/**
 * Files in and out of a container as tar archives (the engine's archive API). Copy-in packs host
 * files, directories and inline content into one archive rooted at `/`; copy-out unpacks what the
 * engine sends into a buffer or a host directory.
 */
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { readTar, type TarHeader, tarArchive } from '../engine/tar.js';
import type { CopySpec } from './spec.js';

function entryName(target: string): string {
  return posix.normalize(target).replace(/^\/+/, '');
}

type Entry = { header: TarHeader; content?: Buffer };

async function addPath(entries: Entry[], source: string, target: string, mode: number | undefined): Promise<void> {
  const stat = await lstat(source);
  const name = entryName(target);
  if (stat.isSymbolicLink()) {
    entries.push({ header: { name, type: 'symlink', linkname: await readlink(source), mode: stat.mode & 0o7777 } });
  } else if (stat.isDirectory()) {
    entries.push({ header: { name, type: 'directory', mode: mode ?? stat.mode & 0o7777, mtime: stat.mtime } });
    for (const child of await readdir(source)) {
      await addPath(entries, join(source, child), posix.join(target, child), undefined);
    }
  } else if (stat.isFile()) {
    entries.push({ header: { name, type: 'file', mode: mode ?? stat.mode & 0o7777, mtime: stat.mtime }, content: await readFile(source) });
  }
}

/** One archive holding every copy entry, to be extracted at `/` in the container. */
export async function packCopies(copies: readonly CopySpec[]): Promise<Buffer> {
  const entries: Entry[] = [];
  for (const copy of copies) {
    if ('content' in copy) {
      const body = typeof copy.content === 'string' ? Buffer.from(copy.content) : copy.content;
      entries.push({ header: { name: entryName(copy.target), type: 'file', mode: copy.mode ?? 0o644, mtime: new Date() }, content: body });
    } else {
      await addPath(entries, copy.source, copy.target, copy.mode);
    }
  }
  return tarArchive(entries);
}

export interface ArchiveEntry {
  /** Path relative to the copied path's parent, e.g. "data/a.txt" for a copy of /data. */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  content?: Buffer;
  linkname?: string;
}

/** Reads every entry of an archive stream into memory. */
export async function readArchive(stream: Readable): Promise<ArchiveEntry[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return readTar(Buffer.concat(chunks));
}

/** Writes archive entries under `destination`, refusing names that would escape it. */
export async function writeEntries(entries: readonly ArchiveEntry[], destination: string): Promise<void> {
  const root = resolve(destination);
  for (const entry of entries) {
    const path = resolve(root, entry.name);
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`archive entry ${JSON.stringify(entry.name)} escapes ${root}`);
    if (entry.type === 'directory') await mkdir(path, { recursive: true, mode: entry.mode });
    else if (entry.type === 'file') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, entry.content ?? Buffer.alloc(0), { mode: entry.mode });
    } else if (entry.type === 'symlink' && entry.linkname) {
      await mkdir(dirname(path), { recursive: true });
      await symlink(entry.linkname, path);
    }
  }
}
