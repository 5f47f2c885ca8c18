import { describe, expect, it } from 'vitest';
import { sampleSpans } from './sample-spans.js';
import { bytes, timelineLines } from './timeline.js';

describe('service timeline in errors', () => {
  it('lists the service own steps from its first, with offsets and durations, leases and pools left out', () => {
    const failed = sampleSpans
      .filter((s) => s.track === 'service:cache')
      .map((s) => (s.name === 'wait' ? { ...s, args: { ...s.args, failed: true } } : s));
    expect(timelineLines(failed, 'service:cache')).toEqual([
      '  0 ms  + 100 ms  create',
      '100 ms  + 100 ms  start',
      '200 ms  + 488 ms  wait (port 6379/tcp) — failed here',
    ]);
  });

  it('names the image and its size', () => {
    const lines = timelineLines(sampleSpans, 'service:db');
    expect(lines).toContain('  14 ms  +  996 ms  pull (postgres:15, 150.0 MiB)');
    expect(lines.some((line) => line.includes('fill') || line.includes('miss'))).toBe(false);
    expect(timelineLines(sampleSpans, 'service:nope')).toEqual([]);
  });

  it('bytes', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(2048)).toBe('2.0 KiB');
  });
});
