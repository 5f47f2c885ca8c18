/** Summaries of timing samples. Medians and p95 only: means are dragged around by a noisy neighbour. */

export function quantile(samples, q) {
  const values = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (values.length === 0) return Number.NaN;
  const pos = (values.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return values[lo] + (values[hi] - values[lo]) * (pos - lo);
}

export const median = (samples) => quantile(samples, 0.5);
export const p95 = (samples) => quantile(samples, 0.95);

export function summarise(samples) {
  const ok = samples.filter(Number.isFinite);
  return { n: ok.length, median: median(ok), p95: p95(ok), min: Math.min(...ok), max: Math.max(...ok), samples: ok };
}

/**
 * Paired differences a[i] - b[i] of samples taken in the same iteration: the engine's own drift
 * (other work on the machine) hits both members of a pair alike, so their difference is steadier
 * than the difference of two medians.
 */
export function pairedDelta(a, b) {
  const deltas = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) deltas.push(a[i] - b[i]);
  }
  return summarise(deltas);
}

/** Iteration i runs the subjects in a rotated order, so no subject always goes first. */
export function rotation(subjects, i) {
  const k = i % subjects.length;
  return [...subjects.slice(k), ...subjects.slice(0, k)];
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (Math.abs(ms) >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtRatio(r) {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '–';
}
