import type { Handoff, StartedRun } from '@berth/core/adapter';
import { describe, expect, it } from 'vitest';
import { type ProvidingProject, sharedRun } from './shared-run.js';

function project(): ProvidingProject & { provided: Handoff[] } {
  const provided: Handoff[] = [];
  return { provided, provide: (_key, value) => provided.push(value) };
}

function fakeRun() {
  const events: string[] = [];
  const handoff: Handoff = { services: {}, env: { A: '1' } };
  let starts = 0;
  const start = async (): Promise<StartedRun> => {
    starts += 1;
    events.push(`start ${starts}`);
    return {
      handoff,
      stop: async () => {
        events.push(`stop ${starts}`);
      },
    };
  };
  return { events, handoff, start, starts: () => starts };
}

describe('sharedRun', () => {
  it('starts once for every project that joins, provides to each, stops with the last teardown', async () => {
    const run = fakeRun();
    const shared = sharedRun(run.start);
    const [a, b] = [project(), project()];
    const [leaveA, leaveB] = await Promise.all([shared.join(a), shared.join(b)]);
    expect(run.starts()).toBe(1);
    expect(a.provided).toEqual([run.handoff]);
    expect(b.provided).toEqual([run.handoff]);

    await leaveA();
    await leaveA();
    expect(run.events).toEqual(['start 1']);
    await leaveB();
    expect(run.events).toEqual(['start 1', 'stop 1']);
  });

  it('starts again after everything was stopped (a watch-mode restart)', async () => {
    const run = fakeRun();
    const shared = sharedRun(run.start);
    await (await shared.join(project()))();
    await (await shared.join(project()))();
    expect(run.events).toEqual(['start 1', 'stop 1', 'start 2', 'stop 2']);
  });

  it('forgets a failed start so the next join tries again, and provides nothing', async () => {
    let attempt = 0;
    const shared = sharedRun(async (): Promise<StartedRun> => {
      attempt += 1;
      if (attempt === 1) throw new Error('engine down');
      return { handoff: { services: {}, env: {} }, stop: async () => undefined };
    });
    const first = project();
    await expect(shared.join(first)).rejects.toThrow('engine down');
    expect(first.provided).toEqual([]);
    await expect(shared.join(project())).resolves.toBeTypeOf('function');
    expect(attempt).toBe(2);
  });
});
