/**
 * What a run's spans say, in numbers: where the time went, the slowest readiness, how long tests
 * waited for their slices (percentiles), how often a pool had nothing ready, and the three biggest
 * costs in words (the end-of-run line). Pure: spans in, numbers out.
 *
 * Span names this reads (recorded by the code that does the work):
 *   container phases  cat `container`, name = the start phase (discover, pull, create, copy, start, wait),
 *                     `wait` with args.strategy
 *   images            cat `image` (`pull`, `build`) with args.image and args.bytes
 *   setup             cat `setup` (the setup hook, setupSql files), cat `template` (the template database)
 *   pools             cat `pool`: `fill` (a slot made), `reset` (a slot recycled), `miss` (a request found no slot ready)
 *   leases            cat `lease` on a worker's track: `wait <service>` (requested → handed out), `lease <service>` (held)
 */
import type { Span } from './recorder.js';

export interface Cost {
  /** In words: "readiness of db (log line /ready/)". */
  what: string;
  ms: number;
}

export interface LeaseWaits {
  service: string;
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PoolUse {
  service: string;
  leases: number;
  misses: number;
}

export interface Readiness {
  service: string;
  ms: number;
  strategy: string;
}

export interface TraceSummary {
  /** First span's start to last span's end. */
  wallMs: number;
  /** Where the time went: every span's duration added up by category, biggest first (parallel work counts once per span). */
  byCategory: { category: string; ms: number }[];
  /** The costs that make a run slow, biggest first (see costsOf). */
  costs: Cost[];
  slowestReadiness: Readiness[];
  leaseWaits: LeaseWaits[];
  pools: PoolUse[];
  /** Bytes pulled and built (from the image spans). */
  imageBytes: number;
  services: string[];
  workers: string[];
}

/** The nearest-rank percentile (q in 0..1) of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

const ms = (span: Span) => span.end - span.start;
const argString = (span: Span, key: string): string | undefined => {
  const value = span.args?.[key];
  return typeof value === 'string' ? value : undefined;
};
const label = (track: string) => track.slice(track.indexOf(':') + 1);

export function summarise(spans: readonly Span[]): TraceSummary {
  const wallMs = spans.length === 0 ? 0 : Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start));
  const byCategory = new Map<string, number>();
  for (const span of spans) byCategory.set(span.cat, (byCategory.get(span.cat) ?? 0) + ms(span));

  const services = unique(spans.filter((s) => s.track.startsWith('service:')).map((s) => label(s.track)));
  const workers = unique(spans.filter((s) => s.track.startsWith('worker:')).map((s) => label(s.track)));

  const slowestReadiness = spans
    .filter((s) => s.cat === 'container' && s.name === 'wait' && s.track.startsWith('service:'))
    .map((s) => ({ service: label(s.track), ms: ms(s), strategy: argString(s, 'strategy') ?? 'readiness' }))
    .sort((a, b) => b.ms - a.ms);

  const waits = new Map<string, number[]>();
  for (const span of spans) {
    if (span.cat !== 'lease' || !span.name.startsWith('wait ')) continue;
    const service = argString(span, 'service') ?? span.name.slice(5);
    const list = waits.get(service) ?? [];
    list.push(ms(span));
    waits.set(service, list);
  }
  const leaseWaits = [...waits].map(([service, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return {
      service,
      count: sorted.length,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? 0,
    };
  });

  const pools = unique([...waits.keys(), ...spans.filter((s) => s.cat === 'pool').map((s) => label(s.track))]).map((service) => ({
    service,
    leases: waits.get(service)?.length ?? 0,
    misses: spans.filter((s) => s.cat === 'pool' && s.name === 'miss' && label(s.track) === service).length,
  }));

  const imageBytes = spans
    .filter((s) => s.cat === 'image')
    .reduce((sum, s) => sum + (typeof s.args?.bytes === 'number' ? s.args.bytes : 0), 0);

  return {
    wallMs,
    byCategory: [...byCategory].map(([category, total]) => ({ category, ms: total })).sort((a, b) => b.ms - a.ms),
    costs: costsOf(spans),
    slowestReadiness,
    leaseWaits,
    pools,
    imageBytes,
    services,
    workers,
  };
}

const PHASE_WORDS: Record<string, (service: string) => string> = {
  discover: () => 'finding the engine',
  pull: (service) => `pulling the image of ${service}`,
  build: (service) => `building the image of ${service}`,
  create: (service) => `creating ${service}'s container`,
  copy: (service) => `copying files into ${service}`,
  start: (service) => `starting ${service}'s container`,
};

/**
 * The costs on a run's critical path, each added up over its spans: a service's start phases, its
 * setup hook and template, the time tests waited for its slices, and stopping the services at the
 * end. Background work (pool fills and resets) is left out: tests only pay for it as waits. Which
 * strategy ended a readiness wait is in `slowestReadiness`.
 */
export function costsOf(spans: readonly Span[]): Cost[] {
  const costs = new Map<string, number>();
  const add = (what: string, value: number) => costs.set(what, (costs.get(what) ?? 0) + value);
  const leases = new Map<string, number>();
  for (const span of spans) {
    const service = label(span.track);
    if (span.cat === 'container' && span.track.startsWith('service:')) {
      if (span.name === 'wait') add(`readiness of ${service}`, ms(span));
      else if (PHASE_WORDS[span.name]) add((PHASE_WORDS[span.name] as (s: string) => string)(service), ms(span));
    } else if (span.cat === 'setup') {
      add(`${service}'s ${span.name}`, ms(span));
    } else if (span.cat === 'run' && span.name === 'stop services') {
      add('stopping the services', ms(span));
    } else if (span.cat === 'template') {
      // The setup hook and setupSql run inside the template's span: counted once, as themselves.
      const inside = spans.filter((s) => s.cat === 'setup' && s.track === span.track && s.start >= span.start && s.end <= span.end);
      add(`${service}'s template database`, ms(span) - inside.reduce((sum, s) => sum + ms(s), 0));
    } else if (span.cat === 'lease' && span.name.startsWith('wait ')) {
      const leased = argString(span, 'service') ?? span.name.slice(5);
      add(`tests waiting for slices of ${leased}`, ms(span));
      leases.set(leased, (leases.get(leased) ?? 0) + 1);
    }
  }
  return [...costs]
    .map(([what, total]) => {
      const match = /^tests waiting for slices of (.+)$/.exec(what);
      const count = match ? leases.get(match[1] as string) : undefined;
      return { what: count ? `${what} (${count} leases)` : what, ms: total };
    })
    .sort((a, b) => b.ms - a.ms);
}

/** The end-of-run line: `berth: most time went to readiness of db (…) 2.1 s, …` (undefined when nothing was recorded). */
export function costLine(spans: readonly Span[]): string | undefined {
  const top = costsOf(spans)
    .filter((cost) => cost.ms >= 1)
    .slice(0, 3);
  if (top.length === 0) return undefined;
  return `berth: most time went to ${top.map((cost) => `${cost.what} ${seconds(cost.ms)}`).join(', ')}`;
}

export function seconds(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
