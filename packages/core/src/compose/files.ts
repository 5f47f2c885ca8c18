/**
 * Which files make the project: the ones given, or — as compose looks for them — the first of
 * compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml in the working folder plus its
 * `.override` sibling. Also the variables interpolation reads: the `env` option, then the process
 * environment, then `.env` beside the first file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ComposeFileError } from '../errors.js';
import { parseEnvFile } from './dotenv.js';
import type { Lookup } from './interpolate.js';

const DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

export function resolveFiles(files: string | string[] | undefined, cwd: string): string[] {
  if (files !== undefined) {
    const list = (Array.isArray(files) ? files : [files]).map((file) => resolve(cwd, file));
    if (list.length === 0) throw new ComposeFileError('expected `files` to name at least one compose file, got an empty list');
    for (const file of list) {
      if (!existsSync(file)) {
        throw new ComposeFileError(`compose file ${file} does not exist`, {
          hint: 'paths are relative to the working folder',
          details: { file },
        });
      }
    }
    return list;
  }
  const base = DEFAULT_NAMES.map((name) => join(cwd, name)).find((file) => existsSync(file));
  if (!base) {
    throw new ComposeFileError(`no compose file in ${cwd} (looked for ${DEFAULT_NAMES.join(', ')})`, {
      hint: 'pass `files`, or run from the folder that holds the compose file',
    });
  }
  const ext = extname(base);
  const override = join(dirname(base), `${basename(base, ext)}.override${ext}`);
  return existsSync(override) ? [base, override] : [base];
}

/**
 * What the project's environment settles before any file is read: the variables interpolation sees
 * (the `env` option wins over the process, the process over `.env`; `.env` values are themselves
 * interpolated, as Compose v2 does), the files (given ones, else `COMPOSE_FILE`, else the default
 * names), and the other `COMPOSE_*` settings Compose reads from the same places.
 */
export interface ProjectEnvironment {
  lookup: Lookup;
  files: string[];
  /** `COMPOSE_PROFILES`, comma-separated. */
  profiles: string[] | undefined;
  /** `COMPOSE_PROJECT_NAME`. */
  projectName: string | undefined;
}

export async function projectEnvironment(
  files: string | string[] | undefined,
  cwd: string,
  extra: Record<string, string> | undefined,
): Promise<ProjectEnvironment> {
  const outside: Lookup = (name) => extra?.[name] ?? process.env[name];
  const given = files === undefined ? undefined : resolveFiles(files, cwd);
  const dotenvDir = given ? dirname(given[0] as string) : cwd;
  const dotenvPath = join(dotenvDir, '.env');
  const dotenv = existsSync(dotenvPath) ? parseEnvFile(await readFile(dotenvPath, 'utf8'), { lookup: outside, path: dotenvPath }) : {};
  const lookup: Lookup = (name) => outside(name) ?? dotenv[name];
  let resolved = given;
  if (!resolved) {
    const fromEnv = lookup('COMPOSE_FILE');
    const separator = lookup('COMPOSE_PATH_SEPARATOR') || (process.platform === 'win32' ? ';' : ':');
    const listed = fromEnv ? fromEnv.split(separator).filter((f) => f !== '') : [];
    resolved = listed.length > 0 ? resolveFiles(listed, cwd) : resolveFiles(undefined, cwd);
  }
  const profiles = lookup('COMPOSE_PROFILES');
  const projectName = lookup('COMPOSE_PROJECT_NAME');
  return {
    lookup,
    files: resolved,
    profiles: profiles
      ? profiles
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '')
      : undefined,
    projectName: projectName || undefined,
  };
}
