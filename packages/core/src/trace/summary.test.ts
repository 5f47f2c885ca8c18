import { describe, expect, it } from 'vitest';
import { sampleSpans } from './sample-spans.js';
import { costLine, costsOf, percentile, summarise } from './summary.js';

describe('trace summary', () => {
  it('nearest-rank percentiles', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.9)).toBe(9);
    expect(percentile(values, 0.99)).toBe(10);
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });

  const summary = summarise(sampleSpans);

  it('spans the run from the first start to the last end', () => {
    expect(summary.wallMs).toBe(2_750);
    expect(summary.services).toEqual(['db', 'cache']);
    expect(summary.workers).toEqual(['1', '2']);
    expect(summary.imageBytes).toBe(150 * 1024 * 1024);
  });

  it('lease waits per service: count and percentiles of requested → handed out', () => {
    expect(summary.leaseWaits).toEqual([{ service: 'db', count: 5, p50: 6, p90: 100, p99: 100, max: 100 }]);
  });

  it('pool misses against leases', () => {
    expect(summary.pools).toEqual([{ service: 'db', leases: 5, misses: 1 }]);
  });

  it('slowest readiness first, named by the strategy that ended it', () => {
    expect(summary.slowestReadiness).toEqual([
      { service: 'db', ms: 800, strategy: 'log line /ready/ ×2' },
      { service: 'cache', ms: 488, strategy: 'port 6379/tcp' },
    ]);
  });

  it('costs: start phases, setup once (not again inside the template), lease waits, teardown; no background pool work', () => {
    const costs = Object.fromEntries(costsOf(sampleSpans).map((c) => [c.what, c.ms]));
    expect(costs).toEqual({
      'finding the engine': 12,
      'pulling the image of db': 1_000,
      "creating db's container": 100,
      "starting db's container": 100,
      'readiness of db': 800,
      "db's template database": 188,
      "db's setup hook": 200,
      "creating cache's container": 100,
      "starting cache's container": 100,
      'readiness of cache': 488,
      'tests waiting for slices of db (5 leases)': 120,
      'stopping the services': 150,
    });
  });

  it('the end-of-run line gives the three biggest costs in words', () => {
    expect(costLine(sampleSpans)).toBe(
      'berth: most time went to pulling the image of db 1.0 s, readiness of db 800 ms, readiness of cache 488 ms',
    );
    expect(costLine([])).toBeUndefined();
  });
});
