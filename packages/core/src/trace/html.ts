/**
 * `berth report`'s page: one self-contained HTML file (inline CSS and SVG, no script, no request to
 * anywhere) with the run's summary and a timeline per service and per worker. Pure: spans in,
 * text out.
 *
 * Every track is an SVG group `<g class="track" data-track="service:db">` with its label, so a test
 * (or a reader's browser search) finds each service; each span is a rectangle with a tooltip
 * (`<title>`) giving its name, duration and arguments.
 */
import { trackLabel } from './chrome.js';
import type { Span } from './recorder.js';
import { summarise, type TraceSummary } from './summary.js';
import { bytes } from './timeline.js';

const COLOURS: Record<string, string> = {
  run: '#94a3b8',
  engine: '#a78bfa',
  image: '#f59e0b',
  container: '#3b82f6',
  setup: '#10b981',
  template: '#14b8a6',
  pool: '#f472b6',
  lease: '#ef4444',
  worker: '#64748b',
};

const WIDTH = 1100;
const LABEL = 160;
const LANE = 14;
const MAX_LANES = 8;

export interface ReportOptions {
  /** Shown as the page's title: usually the trace file's name. */
  title: string;
}

export function renderReport(spans: readonly Span[], options: ReportOptions): string {
  const summary = summarise(spans);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>berth run: ${escapeHtml(options.title)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #0f172a; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.facts { color: #475569; margin-bottom: 12px; }
table { border-collapse: collapse; margin-bottom: 8px; } td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { color: #475569; font-weight: 600; white-space: nowrap; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { display: inline-block; height: 10px; background: #3b82f6; border-radius: 2px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 0 32px; } h3 { font-size: 14px; margin: 12px 0 6px; }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
svg text { font: 12px system-ui, sans-serif; fill: #0f172a; } svg .axis { fill: #64748b; font-size: 11px; }
.empty { color: #64748b; }
</style>
</head>
<body>
<h1>berth run timeline</h1>
<div class="facts">${escapeHtml(options.title)} · ${seconds(summary.wallMs)} from first to last span · ${spans.length} spans · ${summary.services.length} services · ${summary.workers.length} workers${summary.imageBytes > 0 ? ` · images ${bytes(summary.imageBytes)}` : ''}</div>
${summarySection(summary)}
<h2>Timeline</h2>
<div class="legend">${Object.entries(COLOURS)
    .filter(([cat]) => spans.some((s) => s.cat === cat))
    .map(([cat, colour]) => `<span><i style="background:${colour}"></i>${cat}</span>`)
    .join('')}</div>
${timeline(spans)}
</body>
</html>
`;
}

function summarySection(summary: TraceSummary): string {
  const top = summary.costs.filter((cost) => cost.ms >= 1).slice(0, 10);
  const most = top[0]?.ms ?? 1;
  const costs =
    top.length === 0
      ? '<p class="empty">nothing on the critical path was recorded</p>'
      : table(
          ['cost', 'time', ''],
          top.map((cost) => [
            escapeHtml(cost.what),
            num(seconds(cost.ms)),
            `<span class="bar" style="width:${Math.max(1, Math.round((cost.ms / most) * 200))}px"></span>`,
          ]),
        );
  const readiness =
    summary.slowestReadiness.length === 0
      ? '<p class="empty">no readiness waits recorded</p>'
      : table(
          ['service', 'readiness', 'ended by'],
          summary.slowestReadiness.slice(0, 10).map((r) => [escapeHtml(r.service), num(seconds(r.ms)), escapeHtml(r.strategy)]),
        );
  const waits =
    summary.leaseWaits.length === 0
      ? '<p class="empty">no leases recorded</p>'
      : table(
          ['service', 'leases', 'p50', 'p90', 'p99', 'max'],
          summary.leaseWaits.map((w) => [
            escapeHtml(w.service),
            num(String(w.count)),
            num(ms(w.p50)),
            num(ms(w.p90)),
            num(ms(w.p99)),
            num(ms(w.max)),
          ]),
        );
  const pools =
    summary.pools.length === 0
      ? '<p class="empty">no pools recorded</p>'
      : table(
          ['service', 'leases', 'pool misses', 'miss rate'],
          summary.pools.map((p) => [
            escapeHtml(p.service),
            num(String(p.leases)),
            num(String(p.misses)),
            num(p.leases > 0 ? `${Math.round((p.misses / p.leases) * 100)} %` : '–'),
          ]),
        );
  const categories = table(
    ['category', 'span time'],
    summary.byCategory.map((c) => [escapeHtml(c.category), num(seconds(c.ms))]),
  );
  return `<h2>Summary</h2>
<section><h3>Where the time went (the critical path, biggest first)</h3>${costs}</section>
<div class="grid">
<section><h3>Slowest readiness</h3>${readiness}</section>
<section><h3>Lease waits (requested → handed out)</h3>${waits}</section>
<section><h3>Pools</h3>${pools}</section>
<section><h3>Span time by category (parallel spans each count)</h3>${categories}</section>
</div>`;
}

/** Tracks in order: the run, then services, then workers, each as they first appear. */
function orderedTracks(spans: readonly Span[]): string[] {
  const firsts = new Map<string, number>();
  for (const span of spans) firsts.set(span.track, Math.min(firsts.get(span.track) ?? Number.POSITIVE_INFINITY, span.start));
  const rank = (track: string) => (track === 'run' ? 0 : track.startsWith('service:') ? 1 : track.startsWith('worker:') ? 2 : 3);
  return [...firsts.keys()].sort((a, b) => rank(a) - rank(b) || (firsts.get(a) as number) - (firsts.get(b) as number));
}

function timeline(spans: readonly Span[]): string {
  if (spans.length === 0) return '<p class="empty">the trace holds no spans</p>';
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  const total = Math.max(end - start, 1);
  const plot = WIDTH - LABEL - 10;
  const x = (t: number) => LABEL + ((t - start) / total) * plot;
  let y = 24;
  const rows: string[] = [];
  for (const track of orderedTracks(spans)) {
    const own = spans.filter((s) => s.track === track).sort((a, b) => a.start - b.start);
    // Overlapping spans (a phase inside a service's start, concurrent leases) go on lanes below each other.
    const laneEnds: number[] = [];
    const placed = own.map((span) => {
      let lane = laneEnds.findIndex((laneEnd) => laneEnd <= span.start);
      if (lane === -1) lane = laneEnds.length < MAX_LANES ? laneEnds.length : MAX_LANES - 1;
      laneEnds[lane] = Math.max(laneEnds[lane] ?? 0, span.end);
      return { span, lane };
    });
    const height = Math.max(1, laneEnds.length) * LANE + 8;
    const kind = track === 'run' ? 'run' : track.startsWith('service:') ? 'service' : 'worker';
    const rects = placed
      .map(({ span, lane }) => {
        const left = x(span.start);
        const width = Math.max(1, x(span.end) - left);
        const colour = COLOURS[span.cat] ?? '#64748b';
        const failed = span.args?.failed === true ? ' stroke="#b91c1c" stroke-width="2"' : '';
        return `<rect x="${left.toFixed(1)}" y="${y + lane * LANE}" width="${width.toFixed(1)}" height="${LANE - 3}" rx="2" fill="${colour}"${failed}><title>${escapeHtml(tooltip(span, start))}</title></rect>`;
      })
      .join('');
    rows.push(
      `<g class="track" data-track="${escapeHtml(track)}"><rect x="0" y="${y - 4}" width="${WIDTH}" height="${height}" fill="${rows.length % 2 ? '#f8fafc' : '#fff'}"/>` +
        `<text x="4" y="${y + 9}">${escapeHtml(kind === 'run' ? 'run' : `${kind} ${trackLabel(track)}`)}</text>${rects}</g>`,
    );
    y += height;
  }
  const ticks = axisTicks(total)
    .map((t) => `<text class="axis" x="${x(start + t).toFixed(1)}" y="14">${escapeHtml(seconds(t))}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 4}" viewBox="0 0 ${WIDTH} ${y + 4}" role="img" aria-label="run timeline">${ticks}${rows.join('')}</svg>`;
}

function tooltip(span: Span, origin: number): string {
  const args = Object.entries(span.args ?? {})
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ');
  return `${span.name} (${span.cat}) at +${seconds(span.start - origin)} for ${ms(span.end - span.start)}${args ? ` — ${args}` : ''}`;
}

function axisTicks(total: number): number[] {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000];
  const step = steps.find((s) => total / s <= 10) ?? total / 10;
  const ticks: number[] = [];
  for (let t = 0; t <= total; t += step) ticks.push(t);
  return ticks;
}

/** A cell: HTML as it is, or a number (right-aligned). */
type Cell = string | { n: string };

function table(head: string[], rows: Cell[][]): string {
  const cell = (c: Cell) => (typeof c === 'string' ? `<td>${c}</td>` : `<td class="n">${escapeHtml(c.n)}</td>`);
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function num(text: string): Cell {
  return { n: text };
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function seconds(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
