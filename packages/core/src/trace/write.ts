/**
 * Writes the run's spans to BERTH_TRACE (Chrome trace event format) when the run ends. The file is
 * written whole, through a temporary file renamed into place, so a viewer never opens half of it.
 *
 * BERTH_TRACE names a file, or a folder (ending in `/`, or one that exists): each run then writes
 * `berth-trace-<time>-<pid>.json` in it, so several runs of one job (vitest, then jest) keep theirs.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BerthError } from '../errors.js';
import { toChromeTrace } from './chrome.js';
import type { Recorder } from './recorder.js';

export async function tracePathFor(path: string, at: Date = new Date(), pid: number = process.pid): Promise<string> {
  const folder = path.endsWith('/') || (await stat(path).catch(() => undefined))?.isDirectory() === true;
  if (!folder) return resolve(path);
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return resolve(join(path, `berth-trace-${stamp}-${pid}.json`));
}

export async function writeTrace(path: string, from: Recorder): Promise<string> {
  const target = await tracePathFor(path);
  const document = toChromeTrace(from.spans(), { dropped: from.dropped });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, JSON.stringify(document));
    await rename(temporary, target);
  } catch (error) {
    throw new BerthError(`could not write the run's trace to ${target}: ${(error as Error).message}`, {
      cause: error,
      hint: 'BERTH_TRACE names the file to write; check its folder is writable',
      details: { path: target },
    });
  }
  return target;
}
