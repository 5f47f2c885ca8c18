import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { toChromeTrace } from '../trace/chrome.js';
import { sampleSpans } from '../trace/sample-spans.js';
import { report, reportPath } from './report.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function output() {
  const lines: string[] = [];
  return { lines, io: { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) } };
}

describe('berth report', () => {
  it('writes the page next to the trace, or where -o says', async () => {
    expect(reportPath('/t/run.json', undefined)).toBe('/t/run.html');
    expect(reportPath('/t/run.trace', undefined)).toBe('/t/run.trace.html');
    expect(reportPath('/t/run.json', '/o/page.html')).toBe('/o/page.html');

    const trace = join(dir, 'run.json');
    writeFileSync(trace, JSON.stringify(toChromeTrace(sampleSpans)));
    const { lines, io } = output();
    expect(await report(trace, undefined, io)).toBe(0);
    expect(lines).toEqual([
      `berth: wrote ${join(dir, 'run.html')} (${sampleSpans.length} spans)`,
      'berth: most time went to pulling the image of db 1.0 s, readiness of db 800 ms, readiness of cache 488 ms',
    ]);
    expect(readFileSync(join(dir, 'run.html'), 'utf8')).toContain('data-track="service:cache"');
  });

  it('a missing file, a file that is not JSON, or not a trace: InvalidSpecError with a hint', async () => {
    const { io } = output();
    const missing = await report(join(dir, 'nope.json'), undefined, io).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidSpecError);
    expect((missing as InvalidSpecError).hint).toMatch(/BERTH_TRACE=path.json/);
    writeFileSync(join(dir, 'bad.json'), '{"traceEvents": [');
    await expect(report(join(dir, 'bad.json'), undefined, io)).rejects.toThrow(/is not JSON/);
    writeFileSync(join(dir, 'other.json'), '{"events": []}');
    await expect(report(join(dir, 'other.json'), undefined, io)).rejects.toThrow(/is not a Chrome trace/);
  });
});
