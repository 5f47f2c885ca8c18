/**
 * jiti, set up to load files in jest's main process (the berth config, the project's own global
 * hooks) as this package sees them: TypeScript or not, and with every `@berth/core` import bound to
 * the CommonJS build this package itself uses. Without that, `import { postgres } from
 * '@berth/core/postgres'` in a config resolves through the "import" condition to core's ES build: a
 * second copy of core with its own session state and its own error classes next to ours.
 */
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { createJiti, type Jiti } from 'jiti';

const localRequire = createRequire(import.meta.url);

let jiti: Jiti | undefined;

export function configLoader(): Jiti {
  // fsCache off: nothing is written into the project or tmp; the files it loads are small.
  jiti ??= createJiti(import.meta.url, { fsCache: false, interopDefault: true, alias: coreAliases() });
  return jiti;
}

type ExportTarget = string | { require?: string | { default?: string } } | undefined;

/** `@berth/core` and each of its subpaths, mapped to the CommonJS file `require` would load. */
export function coreAliases(): Record<string, string> {
  const manifest = localRequire.resolve('@berth/core/package.json');
  const exportsMap = (localRequire(manifest) as { exports?: Record<string, ExportTarget> }).exports ?? {};
  const aliases: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const required = typeof target === 'object' ? target.require : undefined;
    const file = typeof required === 'object' ? required.default : required;
    if (typeof file === 'string') aliases[posix.join('@berth/core', subpath)] = join(dirname(manifest), file);
  }
  return aliases;
}
