#!/usr/bin/env node
// The API reports: api/<package>.api.md, one per published package, from the built declarations.
//
//   node scripts/api-report.mjs update   (pnpm api:update) rewrite the reports from dist/
//   node scripts/api-report.mjs check    (pnpm api:check)  exit 1 and print the difference when the
//                                        built declarations no longer match the committed reports
//
// Needs `pnpm build` first. Every subpath of a package's "exports" with types is an entry; the
// CommonJS declarations (.d.cts) must give the same report as the ESM ones (.d.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeReport, parseReport } from './api/compose.mjs';
import { extractReport } from './api/extract.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'api');
const mode = process.argv[2];
if (mode !== 'update' && mode !== 'check') {
  console.error('usage: node scripts/api-report.mjs update|check');
  process.exit(2);
}

/** The workspace's published packages: packages/* that are not private. */
function publishedPackages() {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((dir) => dir.isDirectory() && existsSync(join(root, 'packages', dir.name, 'package.json')))
    .map((dir) => {
      const dirPath = join(root, 'packages', dir.name);
      return { dir: dirPath, manifest: JSON.parse(readFileSync(join(dirPath, 'package.json'), 'utf8')) };
    })
    .filter(({ manifest }) => manifest.private !== true)
    .sort((a, b) => (a.manifest.name < b.manifest.name ? -1 : 1));
}

/** Each "exports" subpath with its ESM and CommonJS declaration files. */
function entriesOf(manifest) {
  const typed = [];
  const untyped = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    const esm = target?.import?.types;
    const cjs = target?.require?.types;
    const path = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    if (esm && cjs) typed.push({ path, esm, cjs });
    else untyped.push(path);
  }
  return { typed, untyped };
}

const problems = [];
const reports = new Map();
for (const { dir, manifest } of publishedPackages()) {
  const { typed, untyped } = entriesOf(manifest);
  const flavours = {};
  for (const flavour of ['esm', 'cjs']) {
    const entries = [];
    for (const entry of typed) {
      const file = join(dir, entry[flavour]);
      if (!existsSync(file)) {
        console.error(`api: ${file} is missing: run \`pnpm build\` first`);
        process.exit(1);
      }
      const { report, problems: found } = extractReport(dir, entry[flavour]);
      problems.push(...found);
      entries.push({ path: entry.path, parsed: parseReport(report) });
    }
    flavours[flavour] = composeReport({ name: manifest.name, entries, untyped });
  }
  const file = `${manifest.name.replace(/^@[^/]+\//, '')}.api.md`;
  if (flavours.esm !== flavours.cjs) {
    problems.push(
      `${manifest.name}: the CommonJS declarations (.d.cts) describe another API than the ESM ones (.d.ts):\n${diff(flavours.esm, flavours.cjs, file)}`,
    );
  }
  reports.set(file, flavours.esm);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`api: ${problem}`);
  process.exit(1);
}

if (mode === 'update') {
  mkdirSync(reportDir, { recursive: true });
  for (const [file, text] of reports) {
    const path = join(reportDir, file);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    writeFileSync(path, text);
    console.log(`${before === text ? 'unchanged' : 'updated  '} api/${file}`);
  }
  process.exit(0);
}

let changed = 0;
for (const [file, text] of reports) {
  const path = join(reportDir, file);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (before === text) {
    console.log(`ok   api/${file}`);
    continue;
  }
  changed++;
  console.log(`DIFF api/${file}: the built declarations differ from the committed report`);
  console.log(diff(before, text, `api/${file}`));
}
if (changed > 0) {
  console.log(
    `api:check: the public API changed in ${changed} package(s). If the change is meant, run \`pnpm api:update\`,` +
      ' commit the report with the change, and add a changeset (`pnpm changeset`) that says what users must do.',
  );
  process.exit(1);
}
console.log('api:check: the public API matches the reports');

/** A unified diff of two texts (diff(1), which every CI image has). */
function diff(before, after, label) {
  const scratch = mkdtempSync(join(tmpdir(), 'berth-api-diff-'));
  try {
    writeFileSync(join(scratch, 'committed'), before);
    writeFileSync(join(scratch, 'built'), after);
    const result = spawnSync('diff', ['-u', '--label', `${label} (committed)`, '--label', `${label} (built)`, 'committed', 'built'], {
      cwd: scratch,
      encoding: 'utf8',
    });
    return result.stdout;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
