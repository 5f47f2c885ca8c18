import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { fromChromeTrace, toChromeTrace } from './chrome.js';
import { sampleSpans } from './sample-spans.js';

describe('Chrome trace event format', () => {
  const trace = toChromeTrace(sampleSpans, { dropped: 0 });

  it('writes one complete event per span, in microseconds', () => {
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(complete).toHaveLength(sampleSpans.length);
    const wait = complete.find((e) => e.name === 'wait' && e.args?.strategy === 'log line /ready/ ×2');
    expect(wait).toMatchObject({ cat: 'container', ts: (1_800_000_000_000 + 1_212) * 1000, dur: 800_000 });
    expect(trace.displayTimeUnit).toBe('ms');
    expect(trace.metadata).toMatchObject({ producer: 'berth', dropped: 0 });
  });

  it('names a process per kind of track and a thread per service and worker', () => {
    const names = (name: string) =>
      trace.traceEvents.filter((e) => e.ph === 'M' && e.name === name).map((e) => [e.pid, e.tid, e.args?.name]);
    expect(names('process_name')).toEqual([
      [1, 0, 'berth run'],
      [2, 0, 'services'],
      [3, 0, 'workers'],
    ]);
    expect(names('thread_name')).toEqual([
      [1, 1, 'run'],
      [2, 1, 'db'],
      [2, 2, 'cache'],
      [3, 1, '1'],
      [3, 2, '2'],
    ]);
    // Every complete event sits on a named thread.
    const named = new Set(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => `${e.pid}/${e.tid}`));
    for (const event of trace.traceEvents.filter((e) => e.ph === 'X')) expect(named.has(`${event.pid}/${event.tid}`)).toBe(true);
  });

  it('survives JSON and reads back to the same spans', () => {
    const back = fromChromeTrace(JSON.parse(JSON.stringify(trace)));
    const key = (s: { track: string; name: string; start: number }) => `${s.track}|${s.name}|${s.start}`;
    expect(back.map(key).sort()).toEqual(sampleSpans.map(key).sort());
    const wait = back.find((s) => s.track === 'service:cache' && s.name === 'wait');
    expect(wait).toMatchObject({ pid: 100, args: { strategy: 'port 6379/tcp' } });
    expect((wait?.end ?? 0) - (wait?.start ?? 0)).toBeCloseTo(488, 3);
  });

  it('refuses what is not a trace, or a trace of another tool, with a hint', () => {
    expect(() => fromChromeTrace({ nope: 1 }, 'x.json')).toThrow(InvalidSpecError);
    expect(() => fromChromeTrace({ nope: 1 }, 'x.json')).toThrow(/x.json is not a Chrome trace/);
    const foreign = { traceEvents: [{ name: 'v8', ph: 'X', pid: 1, tid: 1, ts: 1, dur: 1 }] };
    expect(() => fromChromeTrace(foreign)).toThrow(/none that berth recorded/);
    expect(fromChromeTrace({ traceEvents: [] })).toEqual([]);
  });
});
