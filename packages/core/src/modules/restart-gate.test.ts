import { describe, expect, it } from 'vitest';
import { ContainerNotRunningError } from '../errors.js';
import { RestartGate } from './restart-gate.js';

describe('RestartGate', () => {
  it('holds work while a restart is under way and lets it go after', async () => {
    const gate = new RestartGate();
    await gate.pass();
    gate.close();
    let passed = false;
    const waiting = gate.pass().then(() => {
      passed = true;
    });
    await Promise.resolve();
    expect(passed).toBe(false);
    gate.open();
    await waiting;
    expect(passed).toBe(true);
    expect(gate.epoch).toBe(1);
  });

  it('redoes work once when a restart cut it off, never otherwise', async () => {
    const gate = new RestartGate();
    let calls = 0;
    const cut = await gate.redo(async () => {
      calls += 1;
      if (calls === 1) {
        gate.close();
        setTimeout(() => gate.open(), 5);
        throw new Error('Connection terminated unexpectedly');
      }
      return 'made';
    });
    expect(cut).toBe('made');
    expect(calls).toBe(2);
    let plain = 0;
    await expect(
      gate.redo(async () => {
        plain += 1;
        throw new Error('syntax error');
      }),
    ).rejects.toThrow('syntax error');
    expect(plain).toBe(1);
  });

  it('fails waiting and later work with the reason when the server did not come back', async () => {
    const gate = new RestartGate();
    gate.close();
    const waiting = gate.pass();
    gate.break(new ContainerNotRunningError('did not come back'));
    await expect(waiting).rejects.toBeInstanceOf(ContainerNotRunningError);
    await expect(gate.pass()).rejects.toThrow('did not come back');
  });
});
