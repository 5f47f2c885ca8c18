/**
 * Projects configured by one plugin instance (an inline project list that reuses it) share one set
 * of services: the first project to run starts them, each gets the hand-off provided, and the last
 * teardown stops them. A start that failed is forgotten, so a later run (watch mode) tries again.
 */
import type { Handoff, StartedRun } from '@berth/core/adapter';

/** The part of vitest's TestProject this needs. */
export interface ProvidingProject {
  provide(key: 'berth', value: Handoff): void;
}

export interface SharedRun<P extends ProvidingProject> {
  /** Starts the services on the first call; every caller gets the hand-off and its own teardown. */
  join(project: P): Promise<() => Promise<void>>;
}

export function sharedRun<P extends ProvidingProject>(start: (first: P) => Promise<StartedRun>): SharedRun<P> {
  let current: { users: number; ready: Promise<StartedRun> } | undefined;
  return {
    async join(project) {
      const state = current ?? { users: 0, ready: start(project) };
      current = state;
      state.users += 1;
      let started: StartedRun;
      try {
        started = await state.ready;
      } catch (error) {
        state.users -= 1;
        if (current === state) current = undefined;
        throw error;
      }
      project.provide('berth', started.handoff);
      let left = false;
      return async () => {
        if (left) return;
        left = true;
        state.users -= 1;
        if (state.users > 0) return;
        if (current === state) current = undefined;
        await started.stop();
      };
    },
  };
}
