import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from './abort.js';

describe('onAbort', () => {
  it('puts one listener on a signal for any number of calls, and removes it with the last', () => {
    const controller = new AbortController();
    const offs = Array.from({ length: 50 }, () => onAbort(controller.signal, () => undefined));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const off of offs.slice(1)) off();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    offs[0]?.();
    offs[0]?.();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('calls every registered callback once when the signal fires, and none that left', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('a'));
    const off = onAbort(controller.signal, () => calls.push('b'));
    onAbort(controller.signal, () => calls.push('c'));
    off();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'c']);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a new call after the signal fired and the set emptied starts afresh', () => {
    const controller = new AbortController();
    const off = onAbort(controller.signal, () => undefined);
    off();
    let fired = false;
    const again = onAbort(controller.signal, () => {
      fired = true;
    });
    controller.abort();
    expect(fired).toBe(true);
    again();
  });
});
