/**
 * Writes the run's spans to BERTH_TRACE (Chrome trace event format) when the run ends. The file is
 * written whole, through a temporary file renamed into place, so a viewer never opens half of it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BerthError } from '../errors.js';
import { toChromeTrace } from './chrome.js';
import type { Recorder } from './recorder.js';

export async function writeTrace(path: string, from: Recorder): Promise<string> {
  const target = resolve(path);
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
