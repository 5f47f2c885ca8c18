import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Recorder } from './recorder.js';
import { tracePathFor, writeTrace } from './write.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-trace-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writing the trace', () => {
  it('BERTH_TRACE as a file: that file, its folder made', async () => {
    const trace = new Recorder();
    trace.record({ name: 'create', cat: 'container', track: 'service:db', start: 1, end: 2 });
    const written = await writeTrace(join(dir, 'deep/run.json'), trace);
    expect(written).toBe(join(dir, 'deep/run.json'));
    const document = JSON.parse(readFileSync(written, 'utf8'));
    expect(document.traceEvents.filter((e: { ph: string }) => e.ph === 'X')).toHaveLength(1);
    expect(document.metadata).toMatchObject({ producer: 'berth', dropped: 0 });
  });

  it('BERTH_TRACE as a folder (trailing slash, or one that exists): a file per run, named by time and pid', async () => {
    const at = new Date('2026-12-07T11:20:30.456Z');
    expect(await tracePathFor(`${dir}/runs/`, at, 42)).toBe(join(dir, 'runs/berth-trace-20261207T112030Z-42.json'));
    expect(await tracePathFor(dir, at, 7)).toBe(join(dir, 'berth-trace-20261207T112030Z-7.json'));
  });
});
