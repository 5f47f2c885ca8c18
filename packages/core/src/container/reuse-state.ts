/**
 * Can a container found under a reuse name stand in for a fresh one? Pure: judged from its inspect
 * data alone, so every rule is unit-tested without an engine. A container is never trusted on its
 * name: wrong identity, wrong image, stopped, unhealthy, restarting or missing a published port all
 * mean "replace". One still being made by another process (created, its creator's deadline not yet
 * passed) means "wait"; one whose creator died before starting it is replaced once that deadline is
 * past, so a killed process cannot wedge the next one.
 */
import type { ContainerInspect } from '../engine/engine.js';
import { Labels } from '../session/labels.js';
import type { DeclaredPort } from './reuse-identity.js';

export type ReuseVerdict = { verdict: 'usable' } | { verdict: 'wait'; untilMs: number } | { verdict: 'replace'; reason: string };

export interface Expected {
  hash: string;
  imageId: string;
  ports: readonly DeclaredPort[];
}

export function judgeReused(info: ContainerInspect, expected: Expected, nowMs: number): ReuseVerdict {
  const labels = info.Config?.Labels ?? {};
  if (labels[Labels.reuse] !== expected.hash) return { verdict: 'replace', reason: 'another identity under the same name' };
  if (info.Image !== expected.imageId) return { verdict: 'replace', reason: 'its image changed (the tag now names another image id)' };
  const state = info.State;
  const deadline = Number(labels[Labels.reuseDeadline]);
  if (state.Status === 'created') {
    if (Number.isFinite(deadline) && nowMs < deadline) return { verdict: 'wait', untilMs: deadline };
    return { verdict: 'replace', reason: 'it was created but never started (its creator stopped before finishing)' };
  }
  if (state.Restarting) return { verdict: 'replace', reason: 'it is restarting' };
  if (!state.Running || state.Paused) {
    return { verdict: 'replace', reason: `it was ${state.Paused ? 'paused' : `stopped (${state.Status}, exit code ${state.ExitCode})`}` };
  }
  if ((state as { Health?: { Status?: string } }).Health?.Status === 'unhealthy') return { verdict: 'replace', reason: 'it is unhealthy' };
  const published = info.NetworkSettings?.Ports ?? {};
  for (const port of expected.ports) {
    const bindings = published[`${port.container}/${port.protocol}`];
    if (!bindings?.some((b) => Number(b.HostPort) > 0)) {
      return { verdict: 'replace', reason: `its port ${port.container}/${port.protocol} is no longer published` };
    }
  }
  return { verdict: 'usable' };
}
