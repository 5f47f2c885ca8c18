/**
 * The fresh-process scripts' side of the protocol: one JSON line on stdout the moment the
 * container runs (the parent stops its clock when it reads it), then a second line after cleanup.
 * `performance.now()` in a child counts from its own process start, so `importedMs` is how long
 * node took to boot and load the library.
 */
const runId = process.env.BENCH_RUN_ID ?? `${process.pid}`;

export function report(fields) {
  process.stdout.write(`${JSON.stringify(fields)}\n`);
}

/** The container every fresh-process subject starts: a sleep with nothing to wait for. */
export const BUSYBOX = { image: 'busybox:latest', command: ['sleep', '3600'], labels: { 'berth-bench.run': runId } };

/** A script that hangs after its work is done must not hang the bench. */
export function exitSoon(ms = 15_000) {
  setTimeout(() => process.exit(2), ms).unref();
}
