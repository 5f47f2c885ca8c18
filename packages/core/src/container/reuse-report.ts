/**
 * The first line of a run: which services were reused or created, and why. Modules record what
 * their start did against the running service they return (`recordReuse`); the run lifecycle asks
 * `reuseLine(...)` once every service is up and prints it before anything else. A WeakMap keyed by
 * the running service keeps the record beside it without widening the services contract.
 */
import type { ReuseOutcome } from './spec.js';

export interface ServiceReuse {
  /** What the container start did; absent when reuse was not asked for. */
  container?: ReuseOutcome;
  /** Why reuse was not used although asked ("CI is set ..."). */
  skipped?: string;
  /** Databases: whether the template came from an earlier run ('found': no migrations ran). */
  template?: 'found' | 'built' | 'per-run';
  /** Databases with `cache: true`: what the initialised-image cache did. */
  cache?: string;
}

const records = new WeakMap<object, ServiceReuse>();

export function recordReuse(running: object, reuse: ServiceReuse): void {
  records.set(running, reuse);
}

export function reuseOf(running: object): ServiceReuse | undefined {
  return records.get(running);
}

const TEMPLATE_TEXT = { found: 'template found, no migrations', built: 'template built', 'per-run': 'template per run (setup not keyed)' };

/**
 * "berth: reused db (running since 2026-11-30T05:04:26Z; template found, no migrations); created
 * cache (none with this identity yet)" — or undefined when no service asked for reuse.
 */
export function reuseLine(services: readonly { name: string; reuse: ServiceReuse | undefined }[]): string | undefined {
  const parts = reuseParts(services);
  return parts ? `berth: ${parts}` : undefined;
}

/** What reuseLine says after `berth: ` ("reused db (...), created cache (...)"), or undefined. */
export function reuseParts(services: readonly { name: string; reuse: ServiceReuse | undefined }[]): string | undefined {
  const parts: string[] = [];
  for (const { name, reuse } of services) {
    if (!reuse) continue;
    if (reuse.cache && !reuse.container) {
      parts.push(
        `created ${name} (${[reuse.skipped ? `not reused: ${reuse.skipped}` : undefined, reuse.cache].filter(Boolean).join('; ')})`,
      );
    } else if (reuse.container) {
      const why = [reuse.container.reason, reuse.template ? TEMPLATE_TEXT[reuse.template] : undefined].filter(Boolean).join('; ');
      parts.push(`${reuse.container.action} ${name} (${why})`);
    } else if (reuse.skipped) {
      parts.push(`created ${name} (not reused: ${reuse.skipped})`);
    }
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}
