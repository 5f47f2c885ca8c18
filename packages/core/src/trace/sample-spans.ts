/** A small run's spans for the trace tests (two services, two workers, five leases). Test-only. */
import type { Span } from './recorder.js';

const T0 = 1_800_000_000_000;

function span(track: string, cat: Span['cat'], name: string, start: number, end: number, args?: Span['args']): Span {
  return { name, cat, track, start: T0 + start, end: T0 + end, pid: 100, ...(args ? { args } : {}) };
}

export const sampleSpans: Span[] = [
  span('run', 'engine', 'discover engine', 0, 12),
  span('service:db', 'run', 'start service', 0, 2_400, { image: 'postgres:15' }),
  span('service:db', 'container', 'discover', 0, 12),
  span('service:db', 'container', 'pull', 12, 1_012, { container: 'berth-db' }),
  span('service:db', 'image', 'pull', 14, 1_010, { image: 'postgres:15', bytes: 150 * 1024 * 1024 }),
  span('service:db', 'container', 'create', 1_012, 1_112),
  span('service:db', 'container', 'start', 1_112, 1_212),
  span('service:db', 'container', 'wait', 1_212, 2_012, { strategy: 'log line /ready/ ×2' }),
  span('service:db', 'template', 'template', 2_012, 2_400),
  span('service:db', 'setup', 'setup hook', 2_100, 2_300),
  span('service:db', 'pool', 'fill', 2_400, 2_500, { slot: 'berth_fresh_1' }),
  span('service:db', 'pool', 'miss', 2_450, 2_500),
  span('service:db', 'pool', 'reset', 2_700, 2_750, { slot: 'berth_fresh_1', outcome: 'gone' }),
  span('service:cache', 'run', 'start service', 0, 700, { image: 'redis:7' }),
  span('service:cache', 'container', 'create', 12, 112),
  span('service:cache', 'container', 'start', 112, 212),
  span('service:cache', 'container', 'wait', 212, 700, { strategy: 'port 6379/tcp' }),
  span('worker:1', 'lease', 'wait db', 2_400, 2_402, { service: 'db', test: 'a > b', lease: 'l1' }),
  span('worker:1', 'lease', 'lease db', 2_402, 2_600, { service: 'db', test: 'a > b', lease: 'l1' }),
  span('worker:1', 'lease', 'wait db', 2_600, 2_604, { service: 'db', lease: 'l2' }),
  span('worker:2', 'lease', 'wait db', 2_400, 2_406, { service: 'db', lease: 'l3' }),
  span('worker:2', 'lease', 'wait db', 2_410, 2_418, { service: 'db', lease: 'l4' }),
  span('worker:2', 'lease', 'wait db', 2_420, 2_520, { service: 'db', lease: 'l5' }),
  span('run', 'run', 'stop services', 2_600, 2_750),
];
