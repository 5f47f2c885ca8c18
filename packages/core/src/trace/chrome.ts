/**
 * Spans to and from the Chrome trace event format (the JSON object form: `{ traceEvents: [...] }`),
 * which Perfetto (ui.perfetto.dev) and chrome://tracing open.
 *
 * Each span is one complete event (`ph: "X"`, `ts`/`dur` in microseconds). Tracks become the
 * viewer's rows: every service a thread of the process "services", every worker a thread of
 * "workers", the run's own spans (engine discovery, teardown) the thread "run" of "berth run".
 * Metadata events (`ph: "M"`) name them. The span's own track and OS pid travel in `args`
 * (`track`, `osPid`), so `berth report` reads back exactly what was recorded.
 */
import { InvalidSpecError } from '../errors.js';
import { isSpan, type Span, type SpanArgs } from './recorder.js';

export interface ChromeEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  cat?: string;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ms';
  /** Facts about the run (berth's version, spans dropped past the recorder's bound). */
  metadata?: Record<string, unknown>;
}

const GROUPS = [
  { prefix: 'run', pid: 1, name: 'berth run' },
  { prefix: 'service:', pid: 2, name: 'services' },
  { prefix: 'worker:', pid: 3, name: 'workers' },
] as const;

function groupOf(track: string) {
  return GROUPS.find((group) => track === group.prefix || track.startsWith(group.prefix)) ?? GROUPS[0];
}

/** The part of a track after its kind: `service:db` → `db`. */
export function trackLabel(track: string): string {
  const colon = track.indexOf(':');
  return colon === -1 ? track : track.slice(colon + 1);
}

export function toChromeTrace(spans: readonly Span[], metadata: Record<string, unknown> = {}): ChromeTrace {
  const tids = new Map<string, { pid: number; tid: number }>();
  const events: ChromeEvent[] = [];
  const usedGroups = new Set<number>();
  // Tracks in order of first appearance in time, so the viewer lists services as they started.
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  for (const span of ordered) {
    if (tids.has(span.track)) continue;
    const group = groupOf(span.track);
    const tid = [...tids.values()].filter((t) => t.pid === group.pid).length + 1;
    tids.set(span.track, { pid: group.pid, tid });
    if (!usedGroups.has(group.pid)) {
      usedGroups.add(group.pid);
      events.push({ name: 'process_name', ph: 'M', pid: group.pid, tid: 0, args: { name: group.name } });
      events.push({ name: 'process_sort_index', ph: 'M', pid: group.pid, tid: 0, args: { sort_index: group.pid } });
    }
    events.push({ name: 'thread_name', ph: 'M', pid: group.pid, tid, args: { name: trackLabel(span.track) } });
  }
  for (const span of ordered) {
    const place = tids.get(span.track) as { pid: number; tid: number };
    events.push({
      name: span.name,
      cat: span.cat,
      ph: 'X',
      pid: place.pid,
      tid: place.tid,
      ts: Math.round(span.start * 1000),
      dur: Math.max(0, Math.round((span.end - span.start) * 1000)),
      args: { ...span.args, track: span.track, osPid: span.pid },
    });
  }
  return { traceEvents: events, displayTimeUnit: 'ms', metadata: { producer: 'berth', ...metadata } };
}

/** Reads a trace berth wrote back into spans; anything else is a typed error saying what is wrong. */
export function fromChromeTrace(document: unknown, source = 'the trace'): Span[] {
  const events = (document as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) {
    throw new InvalidSpecError(`${source} is not a Chrome trace: expected an object with a \`traceEvents\` array`, {
      hint: 'pass the file a run wrote with BERTH_TRACE=path.json',
    });
  }
  const spans: Span[] = [];
  for (const event of events as ChromeEvent[]) {
    if (event?.ph !== 'X' || typeof event.args?.track !== 'string') continue;
    const { track, osPid, ...rest } = event.args as { track: string; osPid?: unknown } & SpanArgs;
    const start = Number(event.ts) / 1000;
    const span = {
      name: event.name,
      cat: event.cat,
      track,
      start,
      end: start + Number(event.dur ?? 0) / 1000,
      pid: typeof osPid === 'number' ? osPid : event.pid,
      ...(Object.keys(rest).length > 0 ? { args: rest } : {}),
    };
    if (isSpan(span)) spans.push(span);
  }
  if (spans.length === 0 && events.length > 0) {
    throw new InvalidSpecError(`${source} holds ${events.length} trace events but none that berth recorded`, {
      hint: 'berth report reads the traces berth writes (BERTH_TRACE=path.json), not traces of other tools',
    });
  }
  return spans;
}
