/**
 * Records the engine requests a subject makes, through node's http diagnostics channels, so the
 * report can say how many round trips a start costs and where its time goes. Works for any client
 * built on node:http (dockerode's modem, the raw client) without touching its code.
 */
import dc from 'node:diagnostics_channel';

const ID = /[0-9a-f]{64}|[0-9a-f]{12}\b/g;
const started = new WeakMap();
let current;

dc.subscribe('http.client.request.start', ({ request }) => {
  if (!current) return;
  const entry = {
    call: `${request.method} ${normalise(request.path)}`,
    atMs: performance.now() - current.origin,
    ms: undefined,
  };
  current.calls.push(entry);
  started.set(request, entry);
});

dc.subscribe('http.client.response.finish', ({ request }) => {
  const entry = started.get(request);
  if (entry && current) entry.ms = performance.now() - current.origin - entry.atMs;
});

/** Starts recording; the returned function stops and gives [{ call, atMs, ms }] in request order. */
export function traceCalls() {
  const recording = { origin: performance.now(), calls: [] };
  current = recording;
  return () => {
    if (current === recording) current = undefined;
    return recording.calls.map((c) => ({ call: c.call, atMs: round(c.atMs), ms: c.ms === undefined ? null : round(c.ms) }));
  };
}

/** "/v1.41/containers/3f…/json?x=1" → "/containers/:id/json"; a container named instead → ":name". */
function normalise(path) {
  return path
    .replace(/^\/v\d+\.\d+/, '')
    .split('?')[0]
    .replace(ID, ':id')
    .replace(/^\/containers\/(?!:id\/|json$|create$)[^/]+\//, '/containers/:name/')
    .replace(/\/images\/[^/]+(?:\/[^/]+)*\/json$/, '/images/:ref/json');
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}
