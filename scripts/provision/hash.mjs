// Content hashes of what an image is built from. A build records its hash in the label
// dev.berth.fixture-hash; a different hash now means the image must be rebuilt.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Bump when the way the Debian base is assembled changes, so that existing bases (and everything
// built on them) are rebuilt.
const BASE_RECIPE_VERSION = '2';

function hashDir(h, dir, rel = '') {
  for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = path.join(rel, ent.name);
    const full = path.join(dir, r);
    if (ent.isDirectory()) hashDir(h, dir, r);
    else if (ent.isFile()) {
      const mode = fs.statSync(full).mode & 0o111 ? 'x' : '-';
      h.update(`file ${r} ${mode}\n`);
      h.update(fs.readFileSync(full));
    } else if (ent.isSymbolicLink()) h.update(`link ${r} ${fs.readlinkSync(full)}\n`);
  }
}

/**
 * `expectedHash(name)`: hash of everything the image is built from, its dependencies included.
 * npm packages count by their exact spec (name@version), which names immutable content. An image
 * that is only another tag of a catalog image (`tagOf`) has that image's hash. `clear()` forgets
 * the memo (host files may have just been installed).
 */
export function hasher(root, catalog) {
  const memo = new Map();
  function expectedHash(name) {
    if (memo.has(name)) return memo.get(name);
    const e = catalog[name];
    if (e.tagOf) return expectedHash(e.tagOf);
    const h = createHash('sha256');
    const { description, onDemand, ...recipe } = e; // neither is a reason to rebuild
    h.update(JSON.stringify({ name, recipe, BASE_RECIPE_VERSION }));
    const ctx = e.standIn ?? e.build;
    if (ctx) hashDir(h, path.join(root, ctx));
    for (const [dest, src] of Object.entries(e.hostFiles ?? {})) {
      h.update(`host ${dest}\n`);
      try {
        h.update(fs.readFileSync(path.resolve(root, src)));
      } catch {
        h.update('missing');
      }
    }
    for (const dep of e.dependsOn ?? []) h.update(`dep ${dep} ${expectedHash(dep)}\n`);
    const digest = h.digest('hex').slice(0, 16);
    memo.set(name, digest);
    return digest;
  }
  return { expectedHash, clear: () => memo.clear() };
}
