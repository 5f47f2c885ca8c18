import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  it('packs exactly the selected paths, owned by root, as GNU tar reads them', async () => {
    const selection = await selectContextFiles(dir, await readDockerignore(dir), 'Dockerfile');
    const chunks: Buffer[] = [];
    for await (const chunk of packContext(dir, selection)) chunks.push(chunk as Buffer);
    const archive = Buffer.concat(chunks);
    // GNU tar is an independent reader: what it lists is what the engine's unpacker will see.
    const listing = execFileSync('tar', ['-tv', '--numeric-owner', '-f', '-'], { input: archive }).toString().trim().split('\n');
    const names = listing.map((line) =>
      line
        .split(/\s+/)
        .slice(5)
        .join(' ')
        .replace(/ -> .*$/, '')
        .replace(/\/$/, ''),
    );
    expect(names.sort()).toEqual([...selection.included].sort());
    for (const line of listing) expect(line.split(/\s+/)[1]).toBe('0/0');
    expect(listing.find((line) => line.includes('link.js'))).toMatch(/^l.* link\.js -> app\/main\.js$/);
    const main = execFileSync('tar', ['-xO', '-f', '-', 'app/main.js'], { input: archive }).toString();
    expect(main).toBe('app/main.js');
  });
});
