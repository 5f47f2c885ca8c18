/**
 * How `berth run` loads berth.config.*: the way the adapters do, with the loader the project has.
 *
 * - On Bun and Deno, and on a Node that strips types itself, a plain `import()` reads TypeScript.
 * - Otherwise, when the project can resolve `jiti` (the jest adapter brings it, vitest's vite brings
 *   it, or `npm i -D jiti`), jiti loads the file, TypeScript or not.
 * - Otherwise `import()` loads JavaScript configs, and a TypeScript one is a ConfigError saying what
 *   to install.
 *
 * Whichever loader reads the config, its `@berth/core` imports must meet the copy of core that runs
 * the lifecycle (one session, one set of error classes): jiti gets aliases to core's CommonJS build
 * and the CLI then drives that build; a native import meets core's ES build, which the CLI drives
 * otherwise (see run-command.ts).
 */
import { createRequire } from 'node:module';
import { dirname, extname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { importNative } from './native-import.js';

export type ConfigLoader =
  | { kind: 'native'; import: (file: string) => Promise<unknown> }
  | { kind: 'jiti'; import: (file: string) => Promise<unknown> };

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

/** The loader for `file` (a berth.config.* path) in project `root`. */
export async function configLoader(file: string, root: string): Promise<ConfigLoader> {
  const typescript = TYPESCRIPT.has(extname(file));
  const native = { kind: 'native' as const, import: (path: string) => importNative(pathToFileURL(path).href) };
  if (runtimeReadsTypeScript()) return native;
  const jiti = await findJiti(root);
  if (jiti) {
    const loader = jiti.createJiti(root, { fsCache: false, interopDefault: true, alias: coreAliases() });
    return { kind: 'jiti', import: (path) => loader.import(path, { default: true }) };
  }
  if (!typescript) return native;
  throw new ConfigError(`${file} is TypeScript, and this Node (${process.version}) cannot load it without a loader`, {
    hint: 'install jiti in the project (npm i -D jiti), or name the config berth.config.mjs, or use a Node that strips types (22.18+)',
    details: { file },
  });
}
