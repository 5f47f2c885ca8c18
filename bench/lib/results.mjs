/**
 * The result model: a case has subjects (each a list of samples in ms, one per iteration, in
 * iteration order so samples of different subjects pair up) and comparisons between two subjects,
 * each optionally held against a target from the issue it belongs to.
 */
import { fmtMs, median, pairedDelta, summarise } from './stats.mjs';

export function newCase({ id, suite, title, what }) {
  return { id, suite, title, what, subjects: {}, comparisons: [], breakdown: {}, calls: {}, notes: [], errors: [] };
}

/** Samples stay index-aligned with the iteration: a failed run leaves NaN in its slot. */
export function addSample(entry, subject, label, iteration, ms) {
  entry.subjects[subject] ??= { label, samples: [] };
  entry.subjects[subject].samples[iteration] = ms;
}

export function addBreakdown(entry, subject, part, iteration, ms) {
  entry.breakdown[subject] ??= {};
  entry.breakdown[subject][part] ??= [];
  entry.breakdown[subject][part][iteration] = ms;
}

/**
 * target: { kind: 'delta', limitMs } — median paired difference a − b at most limitMs;
 *         { kind: 'ratio', limit }   — median(a) / median(b) at most limit;
 *         { kind: 'value', limitMs } — median(a) at most limitMs (b unused).
 */
export function compare(entry, a, b, target) {
  entry.comparisons.push({ a, b, target });
}

export function finalise(entry) {
  const subjects = {};
  for (const [key, { label, samples }] of Object.entries(entry.subjects)) {
    const filled = Array.from({ length: samples.length }, (_, i) => samples[i] ?? Number.NaN);
    subjects[key] = { label, ...summarise(filled), aligned: filled };
  }
  const comparisons = entry.comparisons
    .filter(({ a, b }) => subjects[a] && (b === undefined || subjects[b]))
    .map(({ a, b, target }) => {
      const ratio = b === undefined ? Number.NaN : subjects[a].median / subjects[b].median;
      const delta = b === undefined ? undefined : pairedDelta(subjects[a].aligned, subjects[b].aligned);
      let met;
      let targetText;
      if (target?.kind === 'delta') {
        met = delta.median <= target.limitMs;
        targetText = `≤ ${subjects[b].label} + ${target.limitMs} ms`;
      } else if (target?.kind === 'ratio') {
        met = ratio <= target.limit;
        targetText = `≤ ${target.limit.toFixed(2)}× ${subjects[b].label}`;
      } else if (target?.kind === 'value') {
        met = subjects[a].median <= target.limitMs;
        targetText = `median ≤ ${target.limitMs} ms`;
      }
      return {
        a,
        b,
        ratio,
        delta: delta && { n: delta.n, median: delta.median, p95: delta.p95 },
        ...(target ? { target: targetText, met } : {}),
      };
    });
  const breakdown = Object.fromEntries(
    Object.entries(entry.breakdown).map(([subject, parts]) => [
      subject,
      Object.fromEntries(Object.entries(parts).map(([part, samples]) => [part, median(samples.filter(Number.isFinite))])),
    ]),
  );
  for (const s of Object.values(subjects)) delete s.aligned;
  return { ...entry, subjects, comparisons, breakdown };
}

/** Time spent in engine calls matching `pattern` (e.g. create and start), by their headers time. */
export function callTime(calls, pattern) {
  return (calls ?? []).filter((c) => pattern.test(c.call) && c.ms !== null).reduce((sum, c) => sum + c.ms, 0);
}

/**
 * A one-line description of a traced start: "7 calls: GET /images/:ref/json 3.1 ms, …" in order,
 * or, past a dozen calls (polling), a count per kind of call.
 */
export function describeCalls(calls) {
  if (!calls?.length) return '';
  const head = `${calls.length} call${calls.length === 1 ? '' : 's'}`;
  if (calls.length <= 12) {
    return `${head}: ${calls.map((c) => `${c.call}${c.ms === null ? ' (open)' : ` ${fmtMs(c.ms)}`}`).join(', ')}`;
  }
  const byKind = new Map();
  for (const c of calls) {
    const kind = byKind.get(c.call) ?? { count: 0, ms: 0 };
    kind.count += 1;
    kind.ms += c.ms ?? 0;
    byKind.set(c.call, kind);
  }
  const kinds = [...byKind].sort((a, b) => b[1].count - a[1].count);
  return `${head}: ${kinds.map(([call, k]) => `${call} ×${k.count} (${fmtMs(k.ms)} in all)`).join(', ')}`;
}
