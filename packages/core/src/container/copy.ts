/**
 * Files in and out of a container as tar archives (the engine's archive API). Copy-in packs host
 * files, directories and inline content into one archive rooted at `/`; copy-out unpacks what the
 * engine sends into a buffer or a host directory.
 */
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type tarStream from 'tar-stream';
import type { CopySpec } from './spec.js';

/** tar-stream is loaded on the first copy: most test suites never copy, and it costs tens of ms to import. */
async function tar(): Promise<typeof tarStream> {
  const loaded = (await import('tar-stream')) as unknown as { default?: typeof tarStream };
  return (loaded.default ?? loaded) as typeof tarStream;
}

function entryName(target: string): string {
  return posix.normalize(target).replace(/^\/+/, '');
}

function addEntry(pack: tarStream.Pack, header: tarStream.Headers, body?: Buffer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    pack.entry(header, body ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolvePromise()));
  });
}

async function addPath(pack: tarStream.Pack, source: string, target: string, mode: number | undefined): Promise<void> {
  const stat = await lstat(source);
  const name = entryName(target);
  if (stat.isSymbolicLink()) {
    await addEntry(pack, { name, type: 'symlink', linkname: await readlink(source), mode: stat.mode & 0o7777 });
  } else if (stat.isDirectory()) {
    await addEntry(pack, { name, type: 'directory', mode: mode ?? stat.mode & 0o7777, mtime: stat.mtime });
    for (const child of await readdir(source)) {
      await addPath(pack, join(source, child), posix.join(target, child), undefined);
    }
  } else if (stat.isFile()) {
    await addEntry(pack, { name, type: 'file', mode: mode ?? stat.mode & 0o7777, mtime: stat.mtime }, await readFile(source));
  }
}

/** One archive holding every copy entry, to be extracted at `/` in the container. */
export async function packCopies(copies: readonly CopySpec[]): Promise<Buffer> {
  const pack = (await tar()).pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolvePromise, reject) => {
    pack.on('end', resolvePromise);
    pack.on('error', reject);
  });
  for (const copy of copies) {
    if ('content' in copy) {
      const body = typeof copy.content === 'string' ? Buffer.from(copy.content) : copy.content;
      await addEntry(pack, { name: entryName(copy.target), type: 'file', mode: copy.mode ?? 0o644, mtime: new Date() }, body);
    } else {
      await addPath(pack, copy.source, copy.target, copy.mode);
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
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
  const extract = (await tar()).extract();
  const entries: ArchiveEntry[] = [];
  return new Promise((resolvePromise, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (chunk: Buffer) => chunks.push(chunk));
      body.on('end', () => {
        const type = header.type === 'file' || header.type === 'directory' || header.type === 'symlink' ? header.type : 'other';
        entries.push({
          name: header.name.replace(/\/$/, ''),
          type,
          mode: header.mode ?? 0o644,
          ...(type === 'file' ? { content: Buffer.concat(chunks) } : {}),
          ...(header.linkname ? { linkname: header.linkname } : {}),
        });
        next();
      });
      body.resume();
    });
    extract.on('finish', () => resolvePromise(entries));
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract);
  });
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
