/** The one test boundary of this package: Bun's hooks, the run's variables. */
import { readRunVariables, testBoundary } from '@berth/core/broker';
import { afterAll, beforeAll } from 'bun:test';

export const boundary = testBoundary('bun', {
  handoff: () => readRunVariables(),
  beforeAll: (fn) => beforeAll(fn),
  afterAll: (fn) => afterAll(fn),
});
