import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  it('lets `count` holders in and serves `now` waiters before `later` ones', async () => {
    const slots = new Slots(1);
    const order: string[] = [];
    await slots.take();
    const waiting = [
      slots.take('later').then(() => order.push('later-1')),
      slots.take('now').then(() => order.push('now-1')),
      slots.take('later').then(() => order.push('later-2')),
      slots.take('now').then(() => order.push('now-2')),
    ];
    for (let i = 0; i < waiting.length; i++) {
      slots.give();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waiting);
    expect(order).toEqual(['now-1', 'now-2', 'later-1', 'later-2']);
  });

  it('frees a slot when nobody waits', async () => {
    const slots = new Slots(1);
    await slots.take();
    slots.give();
    await expect(slots.take()).resolves.toBeUndefined();
  });

  it('add() lets more holders in, serving waiters first', async () => {
    const slots = new Slots(1);
    await slots.take();
    const waiting = [slots.take(), slots.take()];
    slots.add(3);
    await Promise.all(waiting);
    await expect(slots.take()).resolves.toBeUndefined();
    let fifth = false;
    void slots.take().then(() => {
      fifth = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fifth).toBe(false);
  });
});
