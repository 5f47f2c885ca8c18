import { describe, expect, it } from 'vitest';
import { currentTrack, inTrack, isSpan, MAX_SPANS, processTrack, Recorder, workerName } from './recorder.js';

describe('trace recorder', () => {
  it('records a span on the track of the enclosing inTrack, through awaits', async () => {
    const trace = new Recorder();
    await inTrack('service:db', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const span = trace.begin('create', 'container', { container: 'berth-db' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      span.end({ strategy: 'log line' });
      span.end({ ignored: true });
    });
    expect(currentTrack()).toBe(processTrack());
    const [span] = trace.spans();
    expect(trace.spans()).toHaveLength(1);
    expect(span).toMatchObject({
      name: 'create',
      cat: 'container',
      track: 'service:db',
      pid: process.pid,
      args: { container: 'berth-db', strategy: 'log line' },
    });
    expect((span?.end ?? 0) - (span?.start ?? 0)).toBeGreaterThan(3);
    // Wall-clock milliseconds: comparable across processes.
    expect(Math.abs((span?.start ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('keeps what end() was given as it was then', () => {
    const trace = new Recorder();
    const args: Record<string, string> = {};
    trace.begin('validate', 'container').end(args);
    args.strategy = 'later';
    expect(trace.spans()[0]?.args).toEqual({});
  });

  it('keeps at most MAX_SPANS and counts what it drops', () => {
    const trace = new Recorder();
    const span = { name: 'x', cat: 'pool' as const, track: 'run', start: 1, end: 2 };
    for (let i = 0; i < MAX_SPANS + 3; i++) trace.record(span);
    expect(trace.spans()).toHaveLength(MAX_SPANS);
    expect(trace.dropped).toBe(3);
  });

  it('hands each span to the broker once, a bounded batch at a time; ignores its own spans coming back', () => {
    const worker = new Recorder();
    for (let i = 0; i < 5; i++) worker.record({ name: `s${i}`, cat: 'container', track: 'run', start: i, end: i + 1 });
    const first = worker.takeUnforwarded(3);
    const second = worker.takeUnforwarded(3);
    expect(first.map((s) => s.name)).toEqual(['s0', 's1', 's2']);
    expect(second.map((s) => s.name)).toEqual(['s3', 's4']);
    expect(worker.takeUnforwarded(3)).toEqual([]);

    const broker = new Recorder();
    broker.add(worker.id, [...first, { name: 'bad', cat: 'nonsense', track: 'run', start: 2, end: 1, pid: 1 } as never]);
    expect(broker.spans().map((s) => s.name)).toEqual(['s0', 's1', 's2']);
    broker.add(broker.id, second);
    expect(broker.spans()).toHaveLength(3);
  });

  it("a worker's own spans go on its worker's row, the main process's on run", () => {
    expect(processTrack({ VITEST_POOL_ID: '2' })).toBe('worker:2');
    expect(processTrack({ JEST_WORKER_ID: '3' })).toBe('worker:3');
    expect(processTrack({ BERTH_BROKER_URL: 'http://127.0.0.1:1' })).toMatch(/^worker:pid \d+$/);
    expect(processTrack({})).toBe('run');
    expect(workerName({}, 42)).toBe('pid 42');
  });

  it('checks spans that arrive over the wire field by field', () => {
    expect(isSpan({ name: 'a', cat: 'lease', track: 'worker:1', start: 1, end: 2, pid: 3 })).toBe(true);
    expect(isSpan({ name: 'a', cat: 'lease', track: 'worker:1', start: 2, end: 1, pid: 3 })).toBe(false);
    expect(isSpan({ name: 'a', cat: 'bogus', track: 'worker:1', start: 1, end: 2, pid: 3 })).toBe(false);
    expect(isSpan(null)).toBe(false);
  });
});
