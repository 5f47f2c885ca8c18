/** The one test boundary of this package: Bun's hooks, the run's variables. */

import { afterAll, beforeAll } from 'bun:test';
import { readRunVariables, testBoundary } from '@berth/core/broker';

export const boundary = testBoundary('bun', {
  handoff: () => readRunVariables(),
  beforeAll: (fn) => beforeAll(fn),
  afterAll: (fn) => afterAll(fn),
});
