/**
 * How `berth run` loads berth.config.*: the way the adapters do, with the loader the project has.
 *
 * - JavaScript configs load through Node's own `import()`; so does TypeScript on Bun, Deno and a
 *   Node that strips types itself.
 * - A TypeScript config elsewhere loads through `jiti` when the project can resolve it (the jest
 *   adapter brings it, vite brings it, or `npm i -D jiti`); without it, a ConfigError says what to
 *   install.
 *
 * Whichever loader reads the config, its `@berth/core` imports must meet the copy of core that runs
 * the lifecycle (one session, one set of error classes): jiti gets aliases to core's CommonJS build,
 * a native import meets the build its module format resolves, and `build` says which one the
 * lifecycle must come from (see configured-run.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { importNative } from './native-import.js';

export interface ConfigLoader {
  import(file: string): Promise<unknown>;
  /**
   * The build of core the config's `@berth/core` imports meet, so the lifecycle can be taken from
   * the same one: 'cjs' through jiti (aliased there) or a CommonJS config file; 'esm' otherwise.
   */
  build: 'cjs' | 'esm';
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** True where `import()` of a .ts file works without a loader (Bun, Deno, Node with type stripping). */
export function runtimeReadsTypeScript(): boolean {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun || versions.deno) return true;
  const features = process.features as { typescript?: string | false };
  return typeof features.typescript === 'string';
}

type JitiModule = {
  createJiti(from: string, options: Record<string, unknown>): { import(file: string, options: { default: boolean }): Promise<unknown> };
};

/** jiti as the project resolves it (then as core resolves it), or undefined. */
async function findJiti(root: string): Promise<JitiModule | undefined> {
  for (const from of [join(root, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      const path = createRequire(from).resolve('jiti');
      return (await importNative(pathToFileURL(path).href)) as JitiModule;
    } catch {
      // not resolvable from here
    }
  }
  return undefined;
}

type ExportTarget = string | { require?: string | { default?: string } } | undefined;

/** `@berth/core` and its subpaths mapped to the CommonJS files `require` loads (this package's own). */
function coreAliases(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const manifest = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  const exportsMap = (require(manifest) as { exports?: Record<string, ExportTarget> }).exports ?? {};
  const aliases: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const required = typeof target === 'object' ? target.require : undefined;
    const file = typeof required === 'object' ? required.default : required;
    if (typeof file === 'string') aliases[posix.join('@berth/core', subpath)] = join(dirname(manifest), file);
  }
  return aliases;
}

/** Whether Node runs `file` (.js/.ts) as CommonJS: by its extension, else the nearest package.json's type. */
function isCommonJs(file: string): boolean {
  const ext = extname(file);
  if (ext === '.cjs' || ext === '.cts') return true;
  if (ext === '.mjs' || ext === '.mts') return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (dirname(dir) === dir) return true;
  }
}

/** The build a native import of `file` resolves `@berth/core` to. Bun and Deno import ESM unless told otherwise. */
function nativeBuild(file: string): 'cjs' | 'esm' {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun || versions.deno) return ['.cjs', '.cts'].includes(extname(file)) ? 'cjs' : 'esm';
  return isCommonJs(file) ? 'cjs' : 'esm';
}

/** The loader for `file` (a berth.config.* path) in project `root`. */
export async function configLoader(file: string, root: string): Promise<ConfigLoader> {
  const typescript = TYPESCRIPT.has(extname(file));
  // JavaScript, or TypeScript on a runtime that reads it: Node's own loader, whose `@berth/core`
  // imports take the build their module format asks for.
  const native: ConfigLoader = { import: (path) => importNative(pathToFileURL(path).href), build: nativeBuild(file) };
  if (!typescript || runtimeReadsTypeScript()) return native;
  const jiti = await findJiti(root);
  if (jiti) {
    const loader = jiti.createJiti(root, { fsCache: false, interopDefault: true, alias: coreAliases() });
    return { import: (path) => loader.import(path, { default: true }), build: 'cjs' };
  }
  throw new ConfigError(`${file} is TypeScript, and this Node (${process.version}) cannot load it without a loader`, {
    hint: 'install jiti in the project (npm i -D jiti), or name the config berth.config.mjs, or use a Node that strips types (22.18+)',
    details: { file },
  });
}
