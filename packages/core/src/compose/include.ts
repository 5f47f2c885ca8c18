/**
 * Top-level `include`: other compose files loaded as projects of their own (their paths relative
 * to their own folder, or `project_directory`), whose services, networks, volumes, secrets and
 * configs join this project. A service defined on both sides is an error, as in Compose v2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Reader } from './check.js';
import { parseEnvFile } from './dotenv.js';
import type { Lookup } from './interpolate.js';
import type { ComposeModel } from './model.js';
import type { KeyPath } from './source.js';

export interface IncludeEntry {
  files: string[];
  projectDir: string;
  lookup: Lookup;
  path: KeyPath;
}

/** Reads the `include` list of the file at `file` (relative paths against its folder). */
export function readInclude(r: Reader, value: unknown, file: string, lookup: Lookup): IncludeEntry[] {
  const dir = dirname(file);
  return r.list(value, ['include']).flatMap((item, index) => {
    const at: KeyPath = ['include', index];
    const entry = r.collect(() => {
      const map = typeof item === 'string' ? { path: item } : r.keys(item, at, ['path', 'project_directory', 'env_file']);
      const files = r.stringOrList(map.path, [...at, 'path']).map((p) => resolve(dir, p));
      for (const f of files) if (!existsSync(f)) r.fail([...at, 'path'], `included file ${f} does not exist`);
      const projectDir =
        map.project_directory === undefined
          ? dirname(files[0] as string)
          : resolve(dir, r.string(map.project_directory, [...at, 'project_directory']));
      const envFiles =
        map.env_file === undefined
          ? [resolve(projectDir, '.env')].filter((f) => existsSync(f))
          : r.stringOrList(map.env_file, [...at, 'env_file']).map((f) => resolve(dir, f));
      const vars: Record<string, string> = {};
      for (const f of envFiles) {
        if (!existsSync(f)) r.fail([...at, 'env_file'], `env_file ${f} does not exist`);
        Object.assign(vars, parseEnvFile(readFileSync(f, 'utf8'), { lookup, path: f }));
      }
      // The outer environment wins over the included project's own env files.
      const inner: Lookup = (name) => lookup(name) ?? vars[name];
      return { files, projectDir, lookup: inner, path: at };
    });
    return entry ? [entry] : [];
  });
}

/** Adds an included project's resources to `model`; a name defined twice is a problem. */
export function absorbIncluded(r: Reader, model: ComposeModel, included: ComposeModel, at: KeyPath, own: string[]): void {
  for (const [name, service] of Object.entries(included.services)) {
    if (own.includes(name) || model.services[name]) {
      r.report(at, `service ${JSON.stringify(name)} is defined both here and in an included file`, 'rename one of them');
      continue;
    }
    model.services[name] = service;
  }
  for (const section of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    for (const [key, value] of Object.entries(included[section])) {
      if (!(key in model[section])) (model[section] as Record<string, unknown>)[key] = value;
    }
  }
}
