/** The one test boundary of this package: Bun's hooks, the run's variables. */

import { afterAll, beforeAll } from 'bun:test';
import { readRunVariables, testBoundary } from '@berth/core/broker';

/**
 * Bun gives every hook 5 s unless told otherwise; a service start (an image pull, a template) or a
 * slice under load takes longer. berth's own deadlines (scaled by BERTH_TIMEOUT_SCALE) bound that
 * work and explain what ran late, so the hooks get a limit well beyond them.
 */
export const HOOK_TIMEOUT_MS = 30 * 60_000;

export const boundary = testBoundary('bun', {
  handoff: () => readRunVariables(),
  beforeAll: (fn) => beforeAll(fn, HOOK_TIMEOUT_MS),
  afterAll: (fn) => afterAll(fn, HOOK_TIMEOUT_MS),
});
