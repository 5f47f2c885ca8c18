/**
 * Who owns a session, and is that owner still running? A session's resources may only be swept when
 * its owner is provably dead on this host: the owner's host label is ours and its pid is gone, or the
 * pid now belongs to a process that started at a different time (pid reuse). Everything else (alive,
 * another host, labels missing) counts as "not provably dead" and is left alone.
 *
 * The process probe is an interface so the decision is unit-tested without real processes.
 */
import { readFileSync } from 'node:fs';
import { Labels } from './labels.js';

export interface ProcessProbe {
  /** False only when the pid certainly does not exist (ESRCH). */
  alive(pid: number): boolean;
  /** The process's start time as recorded in its owner label, or undefined when unknown. */
  startTime(pid: number): string | undefined;
}

export interface OwnerInfo {
  pid: number | undefined;
  host: string | undefined;
  start: string | undefined;
}

export type OwnerState = 'alive' | 'dead' | 'other-host' | 'unknown';

export interface OwnerVerdict {
  state: OwnerState;
  reason: string;
}

/**
 * Extracts the start time (field 22, clock ticks after boot) from the text of /proc/PID/stat. The
 * command name (field 2) is in parentheses and may itself contain spaces and parentheses, so fields
 * are counted from the last `)`.
 */
export function parseStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ")" come fields 3 (state), 4, ...; field 22 is therefore the 20th of them.
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const value = fields[19];
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

/** The start time of a process from /proc (Linux); undefined elsewhere or when unreadable. */
export function procStartTime(pid: number | 'self'): string | undefined {
  try {
    return parseStartTime(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export const realProbe: ProcessProbe = { alive: pidAlive, startTime: procStartTime };

export function ownerFromLabels(labels: Readonly<Record<string, string>> | null | undefined): OwnerInfo {
  const pid = Number(labels?.[Labels.ownerPid]);
  return {
    pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    host: labels?.[Labels.ownerHost] || undefined,
    start: labels?.[Labels.ownerStart] || undefined,
  };
}

/** Decides whether the owner runs, given this machine's host name and a process probe. */
export function judgeOwner(owner: OwnerInfo, here: { host: string; probe: ProcessProbe }): OwnerVerdict {
  if (owner.pid === undefined || owner.host === undefined) {
    return { state: 'unknown', reason: 'no owner labels' };
  }
  if (owner.host !== here.host) {
    return { state: 'other-host', reason: `owner runs on ${owner.host}` };
  }
  if (!here.probe.alive(owner.pid)) {
    return { state: 'dead', reason: `pid ${owner.pid} is gone` };
  }
  if (owner.start !== undefined) {
    const now = here.probe.startTime(owner.pid);
    if (now !== undefined && now !== owner.start) {
      return { state: 'dead', reason: `pid ${owner.pid} now belongs to another process` };
    }
  }
  return { state: 'alive', reason: `pid ${owner.pid} is running` };
}
