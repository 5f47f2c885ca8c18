import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar, tarArchive } from './tar.js';

const long = `${'deep/'.repeat(30)}file-with-a-name-past-one-hundred-bytes.txt`;
const entries = [
  { header: { name: 'etc', type: 'directory' as const, mode: 0o755 } },
  { header: { name: 'etc/app.conf', type: 'file' as const, mode: 0o640 }, content: Buffer.from('key = value\n') },
  { header: { name: 'etc/empty', type: 'file' as const, mode: 0o600 }, content: Buffer.alloc(0) },
  { header: { name: 'etc/link', type: 'symlink' as const, mode: 0o777, linkname: 'app.conf' } },
  { header: { name: long, type: 'file' as const, mode: 0o644 }, content: Buffer.alloc(1500, 'x') },
  { header: { name: 'etc/ünïcode.txt', type: 'file' as const, mode: 0o644 }, content: Buffer.from('é') },
];

describe('tar', () => {
  it('writes archives GNU tar unpacks, long names and symlinks included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-tar-'));
    try {
      execFileSync('tar', ['-x', '-f', '-', '-C', dir], { input: tarArchive(entries) });
      expect(await readFile(join(dir, 'etc/app.conf'), 'utf8')).toBe('key = value\n');
      expect((await stat(join(dir, 'etc/app.conf'))).mode & 0o777).toBe(0o640);
      expect(await readlink(join(dir, 'etc/link'))).toBe('app.conf');
      expect((await readFile(join(dir, long))).length).toBe(1500);
      expect(await readFile(join(dir, 'etc/ünïcode.txt'), 'utf8')).toBe('é');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads back what it wrote', () => {
    const read = readTar(tarArchive(entries));
    expect(read.map((e) => [e.name, e.type, e.mode])).toEqual(entries.map((e) => [e.header.name, e.header.type, e.header.mode]));
    expect(read[1]?.content?.toString()).toBe('key = value\n');
    expect(read[3]?.linkname).toBe('app.conf');
    expect(read[4]?.content?.length).toBe(1500);
  });

  it('reads what GNU tar writes in its own formats (GNU long names, PAX)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-tar-'));
    try {
      execFileSync('tar', ['-x', '-f', '-', '-C', dir], { input: tarArchive(entries) });
      for (const format of ['gnu', 'posix']) {
        const archive = execFileSync('tar', ['-c', `--format=${format}`, '-f', '-', '-C', dir, 'etc', long.split('/')[0] as string]);
        const read = readTar(archive);
        expect(read.find((e) => e.name === long)?.content?.length, format).toBe(1500);
        expect(read.find((e) => e.name === 'etc/link')?.linkname, format).toBe('app.conf');
        expect(read.find((e) => e.name === 'etc/ünïcode.txt')?.content?.toString(), format).toBe('é');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a truncated archive', () => {
    const archive = tarArchive(entries);
    expect(() => readTar(archive.subarray(0, 512 + 100))).toThrow(/ends inside a header/);
    expect(() => readTar(archive.subarray(0, 1024 + 5))).toThrow(/ends inside an entry/);
  });
});
