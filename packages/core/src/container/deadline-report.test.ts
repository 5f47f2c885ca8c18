import { describe, expect, it } from 'vitest';
import { deadlineReport, suggestScale } from './deadline-report.js';

const base = { budgetMs: 60_000, elapsedMs: 60_010, scale: 1, cores: 2 };

describe('deadlineReport', () => {
  it('names the phases by the time they took, the load and the engine, and a scale for a busy machine', () => {
    const report = deadlineReport({
      ...base,
      load1: 15.1,
      engineContainers: 14,
      phases: { discover: 12, pull: 6_000, create: 1_200, start: 300, wait: 52_498 },
    });
    expect(report.line).toBe(
      'the 60.0 s start budget went to wait 52.5 s, pull 6.0 s, create 1.2 s, start 0.3 s, discover 0.0 s; load average 15.1 on 2 cores, 14 containers running on the engine',
    );
    expect(report.suggestedScale).toBe(8);
    expect(report.hint).toBe(
      'the machine is busy (load average 15.1 on 2 cores, 14 containers running on the engine): BERTH_TIMEOUT_SCALE=8 gives every wait 8× its time (now 1×)',
    );
  });

  it('on a quiet machine says the service is more likely stuck, and still gives a scale', () => {
    const report = deadlineReport({ ...base, load1: 0.4, phases: { wait: 60_000 } });
    expect(report.line).toBe('the 60.0 s start budget went to wait 60.0 s; load average 0.4 on 2 cores');
    expect(deadlineReport({ ...base, load1: 0.4, engineContainers: 1, phases: {} }).line).toBe(
      'the 60.0 s start budget went to nothing measurable; load average 0.4 on 2 cores, 1 container running on the engine',
    );
    expect(report.hint).toMatch(/^the machine is not busy \(load average 0\.4 on 2 cores\), so the service is more likely stuck than slow/);
    expect(report.hint).toMatch(/BERTH_TIMEOUT_SCALE=2 gives every wait 2× its time \(now 1×\)$/);
  });
});

describe('suggestScale', () => {
  it('is at least twice the current scale', () => {
    expect(suggestScale({ ...base, load1: 0, scale: 1 })).toBe(2);
    expect(suggestScale({ ...base, load1: 0, scale: 3 })).toBe(6);
  });

  it('grows with the load per core and with how far past its budget the start ran', () => {
    expect(suggestScale({ ...base, load1: 9, cores: 2 })).toBe(5);
    expect(suggestScale({ ...base, load1: 1, elapsedMs: 150_000 })).toBe(5);
    expect(suggestScale({ ...base, load1: 40, cores: 2, scale: 2 })).toBe(40);
  });
});
