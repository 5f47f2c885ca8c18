#!/usr/bin/env node
// Run after tsup in a package's build: the source maps in dist/ name their sources relative to the
// map, and tsup's CommonJS shim (import.meta.url for require()) comes from tsup's own folder in the
// workspace's node_modules, a path that means nothing in a user's install and tells them about
// ours. Such sources (outside the package) are renamed to a virtual `tsup:///` URL; their text stays
// in sourcesContent, so a debugger still shows them. tsup's CommonJS pass also names the output file
// itself by its absolute path (the build machine's): that becomes the relative name of the file. Usage: node ../../scripts/sourcemaps.mjs [dist]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const packageDir = resolve(dist, '..');
let renamed = 0;
for (const file of readdirSync(dist)) {
  if (!file.endsWith('.map')) continue;
  const path = resolve(dist, file);
  const map = JSON.parse(readFileSync(path, 'utf8'));
  let changed = false;
  map.sources = map.sources.map((source, index) => {
    if (isAbsolute(source) && !relative(packageDir, source).startsWith('..')) {
      changed = true;
      renamed++;
      return relative(dist, source);
    }
    const inside = !relative(packageDir, resolve(dist, source)).startsWith('..');
    if (inside) return source;
    if (!map.sourcesContent?.[index]) throw new Error(`${file}: ${source} is outside the package and has no sourcesContent`);
    changed = true;
    renamed++;
    return `tsup:///${basename(source)}`;
  });
  if (changed) writeFileSync(path, JSON.stringify(map));
}
if (renamed > 0) console.log(`sourcemaps: ${renamed} source path(s) of the build machine made relative or tsup:///`);
