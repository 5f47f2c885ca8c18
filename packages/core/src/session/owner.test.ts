import { describe, expect, it } from 'vitest';
import { Labels } from './labels.js';
import { judgeOwner, ownerFromLabels, type ProcessProbe, parseStartTime, procStartTime } from './owner.js';

const STAT = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 5 1 0 0 20 0 11 0 987654 1000000 2000';

function probe(alive: Record<number, string | undefined>): ProcessProbe {
  return { alive: (pid) => pid in alive, startTime: (pid) => alive[pid] };
}

describe('parseStartTime', () => {
  it('reads field 22 even when the command name holds spaces and parentheses', () => {
    expect(parseStartTime(STAT)).toBe('987654');
  });

  it('rejects text that is not a stat line', () => {
    expect(parseStartTime('garbage')).toBeUndefined();
    expect(parseStartTime('1 (x) S 1 2')).toBeUndefined();
  });

  it('reads this process on Linux', () => {
    if (process.platform !== 'linux') return;
    expect(procStartTime('self')).toMatch(/^\d+$/);
    expect(procStartTime(process.pid)).toBe(procStartTime('self'));
  });
});

describe('judgeOwner', () => {
  const here = { host: 'box', probe: probe({ 10: '500', 11: undefined }) };

  it('calls a running owner with a matching start time alive', () => {
    expect(judgeOwner({ pid: 10, host: 'box', start: '500' }, here).state).toBe('alive');
  });

  it('calls a vanished pid dead', () => {
    expect(judgeOwner({ pid: 99, host: 'box', start: '500' }, here)).toEqual({ state: 'dead', reason: 'pid 99 is gone' });
  });

  it('calls a reused pid dead', () => {
    expect(judgeOwner({ pid: 10, host: 'box', start: '123' }, here).state).toBe('dead');
  });

  it('does not call a pid dead when its start time cannot be read', () => {
    expect(judgeOwner({ pid: 11, host: 'box', start: '123' }, here).state).toBe('alive');
  });

  it('never judges another host', () => {
    expect(judgeOwner({ pid: 99, host: 'elsewhere', start: undefined }, here).state).toBe('other-host');
  });

  it('needs pid and host labels', () => {
    expect(judgeOwner({ pid: undefined, host: 'box', start: undefined }, here).state).toBe('unknown');
    expect(judgeOwner({ pid: 99, host: undefined, start: undefined }, here).state).toBe('unknown');
  });
});

describe('ownerFromLabels', () => {
  it('reads the owner labels and ignores junk', () => {
    expect(ownerFromLabels({ [Labels.ownerPid]: '12', [Labels.ownerHost]: 'h', [Labels.ownerStart]: '7' })).toEqual({
      pid: 12,
      host: 'h',
      start: '7',
    });
    expect(ownerFromLabels({ [Labels.ownerPid]: 'x' })).toEqual({ pid: undefined, host: undefined, start: undefined });
    expect(ownerFromLabels(null).pid).toBeUndefined();
  });
});
