/**
 * `berth report <trace.json> [-o report.html]`: the HTML page of a run's timeline (trace/html.ts)
 * from the file BERTH_TRACE made. Without -o the page goes next to the trace (`run.json` →
 * `run.html`). Prints where it wrote and the run's three biggest costs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { BerthError, InvalidSpecError } from '../errors.js';
import { fromChromeTrace } from '../trace/chrome.js';
import { renderReport } from '../trace/html.js';
import { costLine } from '../trace/summary.js';
import type { Output } from './format.js';

export function reportPath(trace: string, output: string | undefined): string {
  if (output) return resolve(output);
  const full = resolve(trace);
  return full.endsWith('.json') ? `${full.slice(0, -'.json'.length)}.html` : `${full}.html`;
}

export async function report(trace: string, output: string | undefined, io: Output): Promise<number> {
  const source = resolve(trace);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw new InvalidSpecError(`cannot read the trace ${source}: ${(error as Error).message}`, {
      cause: error,
      hint: 'run the tests with BERTH_TRACE=path.json first; berth report reads that file',
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InvalidSpecError(`the trace ${source} is not JSON: ${(error as Error).message}`, {
      cause: error,
      hint: 'a run stopped while writing leaves no file rather than half of one; was this file written by berth?',
    });
  }
  const spans = fromChromeTrace(document, `the trace ${source}`);
  const target = reportPath(trace, output);
  try {
    await writeFile(target, renderReport(spans, { title: basename(source) }));
  } catch (error) {
    throw new BerthError(`cannot write the report ${target}: ${(error as Error).message}`, { cause: error });
  }
  io.out(`berth: wrote ${target} (${spans.length} spans)`);
  const costs = costLine(spans);
  if (costs) io.out(costs);
  return 0;
}
