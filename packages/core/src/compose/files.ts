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

/** Variables for interpolation; the `env` option wins over the process, the process over `.env`. */
export async function variables(firstFile: string, extra: Record<string, string> | undefined): Promise<Lookup> {
  const dotenvPath = join(dirname(firstFile), '.env');
  const dotenv = existsSync(dotenvPath) ? parseEnvFile(await readFile(dotenvPath, 'utf8')) : {};
  return (name) => extra?.[name] ?? process.env[name] ?? dotenv[name];
}
