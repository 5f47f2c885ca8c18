#!/usr/bin/env node
// Keeps README code blocks equal to regions of the examples (which run in CI), so the README never
// shows code that does not work. A block is declared as
//   <!-- snippet: examples/orders-api/berth.config.ts#berth-config -->
//   ```ts
//   ...filled in from the `// #region berth-config` … `// #endregion` lines of that file...
//   ```
//   <!-- /snippet -->
// `node scripts/readme-snippets.mjs` rewrites README.md; `--check` fails when it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const readmePath = join(root, 'README.md');
const check = process.argv.includes('--check');

function region(file, name) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`no region ${name} in ${file}`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === '// #endregion');
  if (end < 0) throw new Error(`region ${name} in ${file} has no #endregion`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return body.map((l) => l.slice(indent)).join('\n');
}

const readme = readFileSync(readmePath, 'utf8');
const updated = readme.replace(/<!-- snippet: (\S+)#(\S+) -->\n[\s\S]*?<!-- \/snippet -->/g, (_match, file, name) => {
  const lang = { '.ts': 'ts', '.mjs': 'js', '.js': 'js' }[extname(file)] ?? '';
  return `<!-- snippet: ${file}#${name} -->\n\`\`\`${lang}\n${region(file, name)}\n\`\`\`\n<!-- /snippet -->`;
});

if (check) {
  if (updated !== readme) {
    console.error('README.md snippets are out of date with the examples: run node scripts/readme-snippets.mjs');
    process.exit(1);
  }
  console.log('README.md snippets match the examples');
} else {
  writeFileSync(readmePath, updated);
  console.log('README.md snippets updated');
}
