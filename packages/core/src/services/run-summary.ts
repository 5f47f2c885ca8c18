/**
 * The one line a run says without DEBUG: which services it started, how long they took to be ready,
 * and what reuse did, e.g.
 *
 *   berth: db (postgres:15), cache (redis:7) ready in 3.2 s
 *   berth: db (postgres:15) ready in 0.4 s; reused db (running since ...; template found, no migrations)
 *
 * Written to stderr by the run lifecycle (run.ts), so every adapter prints the same line: by default
 * when stderr is a terminal or CI is set, never with BERTH_QUIET. Where it is not printed, the reuse
 * part still is when reuse was asked for (as before this line existed), unless BERTH_QUIET.
 */
import type { BerthConfig } from '../config.js';
import { reuseParts, type ServiceReuse } from '../container/reuse-report.js';

export interface SummaryService {
  name: string;
  /** What the definition starts: an image, or a label such as `compose:compose.yaml`. */
  image: string;
  reuse: ServiceReuse | undefined;
}

/** Whether the summary is printed: a terminal or CI, and not BERTH_QUIET. */
export function summaryWanted(cfg: Pick<BerthConfig, 'quiet' | 'ci'>, stderrIsTty: boolean): boolean {
  return !cfg.quiet && (stderrIsTty || cfg.ci);
}

export function summaryLine(services: readonly SummaryService[], readyMs: number): string {
  const started = services.map((service) => `${service.name} (${service.image})`).join(', ');
  const reuse = reuseParts(services);
  return `berth: ${started} ready in ${(readyMs / 1000).toFixed(1)} s${reuse ? `; ${reuse}` : ''}`;
}

/** The line to write for this run, if any (see the file's comment). */
export function runLine(
  services: readonly SummaryService[],
  readyMs: number,
  cfg: Pick<BerthConfig, 'quiet' | 'ci'>,
  stderrIsTty: boolean,
): string | undefined {
  if (cfg.quiet) return undefined;
  if (summaryWanted(cfg, stderrIsTty)) return summaryLine(services, readyMs);
  const reuse = reuseParts(services);
  return reuse ? `berth: ${reuse}` : undefined;
}
