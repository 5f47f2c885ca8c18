import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packContext, readDockerignore, selectContextFiles } from './context.js';

let dir: string;

const files = [
  'Dockerfile',
  'app/main.js',
  'app/main.test.js',
  'app/debug.log',
  'app/deep/x/trace.log',
  'node_modules/lib/index.js',
  'node_modules/keep/index.js',
  'secret.txt',
  'sub/secret.txt',
  'docs/a.md',
  'README.md',
  'build/out.bin',
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-ctx-'));
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), file);
  }
  await mkdir(join(dir, 'empty'));
  await symlink('app/main.js', join(dir, 'link.js'));
  await writeFile(
    join(dir, '.dockerignore'),
    [
      '# comment',
      '',
      'node_modules',
      '!node_modules/keep',
      '**/*.log',
      '/secret.txt',
      '*.md',
      '!README.md',
      'build/',
      'Dockerfile',
      '.dockerignore',
    ].join('\n'),
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('context selection', () => {
  it('reads patterns without comments and blank lines', async () => {
    expect(await readDockerignore(dir)).toContain('!node_modules/keep');
    expect(await readDockerignore(dir)).not.toContain('# comment');
    expect(await readDockerignore(join(dir, 'app'))).toEqual([]);
  });

  it("applies Docker's rules: **, anchoring, directories, ! exceptions; always keeps Dockerfile and .dockerignore", async () => {
    const { included, excludedCount } = await selectContextFiles(dir, await readDockerignore(dir), 'Dockerfile');
    const got = [...included].sort();
    expect(got).toEqual(
      [
        '.dockerignore',
        'Dockerfile',
        'README.md',
        'app',
        'app/deep',
        'app/deep/x',
        'app/main.js',
        'app/main.test.js',
        'docs',
        'docs/a.md', // "*.md" only matches at the root, as in Docker
        'empty',
        'link.js',
        'node_modules',
        'node_modules/keep',
        'node_modules/keep/index.js',
        'sub',
        'sub/secret.txt',
      ].sort(),
    );
    expect(excludedCount).toBeGreaterThan(0);
  });

  it('without exceptions, an excluded directory is not walked', async () => {
    const { included } = await selectContextFiles(dir, ['node_modules'], 'Dockerfile');
    expect([...included].some((p) => p.startsWith('node_modules'))).toBe(false);
  });

  it('packs exactly the selected paths, owned by root', async () => {
    const selection = await selectContextFiles(dir, await readDockerignore(dir), 'Dockerfile');
    const names: string[] = [];
    const extract = tarStream.extract();
    extract.on('entry', (header, stream, next) => {
      names.push(header.name.replace(/^\.\//, '').replace(/\/$/, ''));
      expect(header.uid).toBe(0);
      if (header.name.endsWith('link.js')) expect(header.type).toBe('symlink');
      stream.on('end', next);
      stream.resume();
    });
    const done = new Promise((resolve) => extract.on('finish', resolve));
    packContext(dir, selection).pipe(extract);
    await done;
    const packed = names.filter((n) => n !== '.' && n !== '');
    expect(packed.sort()).toEqual([...selection.included].sort());
  });
});
