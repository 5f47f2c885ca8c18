/**
 * One listener per AbortSignal, however many calls are in flight on it. A test suite that hands one
 * signal to a dozen parallel starts would otherwise put a dozen listeners on it (each start holds a
 * log stream open) and node would print a MaxListenersExceededWarning. Here the first call on a
 * signal adds the one listener, the calls register in a set, and the last one out removes it.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

function fire(this: AbortSignal): void {
  const callbacks = waiting.get(this);
  waiting.delete(this);
  for (const callback of callbacks ?? []) callback();
}

/** Calls `callback` once when `signal` fires; returns the function that unregisters it (idempotent). */
export function onAbort(signal: AbortSignal | undefined, callback: () => void): () => void {
  if (!signal) return () => undefined;
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    callbacks = new Set();
    waiting.set(signal, callbacks);
    signal.addEventListener('abort', fire, { once: true });
  }
  const own = () => callback();
  callbacks.add(own);
  return () => {
    const current = waiting.get(signal);
    if (!current?.delete(own) || current.size > 0) return;
    waiting.delete(signal);
    signal.removeEventListener('abort', fire);
  };
}
