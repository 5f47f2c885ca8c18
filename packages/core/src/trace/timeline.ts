/**
 * One service's timeline as text lines, for the error of a service that failed to start, so a CI
 * log alone shows where its time went:
 *
 *        0 ms  +    3 ms  discover
 *        3 ms  +  212 ms  create
 *      215 ms  +   41 ms  start
 *      256 ms  + 30001 ms  wait (log line /ready/) — failed here
 *
 * Offsets count from the service's first span. Lease and pool spans are left out (they come after
 * a start, never before its failure).
 */
import type { Span } from './recorder.js';

const MAX_LINES = 20;

export function timelineLines(spans: readonly Span[], track: string): string[] {
  const own = spans
    .filter((s) => s.track === track && s.cat !== 'lease' && s.cat !== 'pool' && s.cat !== 'run')
    .sort((a, b) => a.start - b.start);
  const first = own[0];
  if (!first) return [];
  const shown = own.length > MAX_LINES ? own.slice(own.length - MAX_LINES) : own;
  const width = String(Math.round(Math.max(...own.map((s) => s.end - first.start)))).length;
  const lines = shown.map((span) => {
    const at = String(Math.round(span.start - first.start)).padStart(width);
    const took = String(Math.round(span.end - span.start)).padStart(width);
    const detail = describe(span);
    return `${at} ms  + ${took} ms  ${span.name}${detail ? ` (${detail})` : ''}${span.args?.failed === true ? ' — failed here' : ''}`;
  });
  if (shown.length < own.length) lines.unshift(`(${own.length - shown.length} earlier spans left out)`);
  return lines;
}

function describe(span: Span): string | undefined {
  const args = span.args ?? {};
  if (typeof args.strategy === 'string') return args.strategy;
  if (typeof args.image === 'string')
    return typeof args.bytes === 'number' && args.bytes > 0 ? `${args.image}, ${bytes(args.bytes)}` : args.image;
  if (typeof args.file === 'string') return args.file;
  return undefined;
}

export function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}
