/**
 * `berth doctor`: every discovery strategy in order with what it found (each resolvable endpoint is
 * pinged, so the report also shows engines discovery would fall back to), then the choice discovery
 * really makes: endpoint, engine and API version, host for published ports, and whether the reaper
 * script is in place. Exit 1 when no engine answers.
 */
import type { BerthConfig } from '../config.js';
import { candidates } from '../engine/discovery.js';
import type { EngineEndpoint } from '../engine/endpoint.js';
import { connect, realDiscoveryIO } from '../engine/index.js';
import { BerthError } from '../errors.js';
import { reaperScript } from '../session/reaper.js';
import { columns, type Output } from './format.js';

export interface StrategyReport {
  strategy: string;
  endpoint: string | undefined;
  outcome: 'answers' | 'skipped' | 'failed';
  reason: string | undefined;
}

export interface DoctorReport {
  strategies: StrategyReport[];
  used:
    | {
        strategy: string;
        endpoint: string;
        version: string;
        apiVersion: string;
        platform?: string;
        os?: string;
        arch?: string;
        portHost: string;
      }
    | undefined;
  error: string | undefined;
  reaper: { enabled: boolean; script: string | undefined };
}

export async function doctor(cfg: BerthConfig, engine: string | undefined): Promise<DoctorReport> {
  const strategies: StrategyReport[] = [];
  for (const candidate of candidates(cfg, realDiscoveryIO, engine)) {
    let endpoint: EngineEndpoint;
    try {
      const resolved = candidate.resolve();
      if ('skip' in resolved) {
        strategies.push({ strategy: candidate.strategy, endpoint: undefined, outcome: 'skipped', reason: resolved.skip });
        continue;
      }
      endpoint = resolved;
    } catch (error) {
      strategies.push({ strategy: candidate.strategy, endpoint: undefined, outcome: 'failed', reason: summaryOf(error) });
      continue;
    }
    try {
      const v = await realDiscoveryIO.ping(endpoint);
      strategies.push({ strategy: candidate.strategy, endpoint: endpoint.display, outcome: 'answers', reason: `engine ${v.version}` });
    } catch (error) {
      strategies.push({ strategy: candidate.strategy, endpoint: endpoint.display, outcome: 'failed', reason: summaryOf(error) });
    }
  }
  const reaper = { enabled: cfg.reaperEnabled, script: reaperScript() };
  try {
    const found = await connect(cfg, engine);
    const { endpoint, strategy, version } = found.facts;
    return {
      strategies,
      used: { strategy, endpoint: endpoint.display, ...version, portHost: found.portHost },
      error: undefined,
      reaper,
    };
  } catch (error) {
    return { strategies, used: undefined, error: (error as Error).message, reaper };
  }
}

export function printDoctor(report: DoctorReport, io: Output): void {
  io.out('discovery, in order:');
  for (const line of columns(
    report.strategies.map((s) => [s.strategy, s.outcome, [s.endpoint, s.reason].filter(Boolean).join(' — ')]),
    '  ',
  )) {
    io.out(line);
  }
  io.out('');
  const used = report.used;
  if (!used) {
    io.out(
      report.strategies.length === 1 ? 'the engine chosen explicitly cannot be used (berth tries nothing else)' : 'no engine answered',
    );
    for (const line of (report.error ?? '').split('\n')) io.out(`  ${line}`);
  } else {
    const platform = [used.platform, used.os && used.arch ? `${used.os}/${used.arch}` : undefined].filter(Boolean).join(', ');
    for (const line of columns([
      ['endpoint', `${used.endpoint} (via ${used.strategy})`],
      ['engine', `${used.version}, API ${used.apiVersion}${platform ? ` (${platform})` : ''}`],
      ['ports', `published ports are reached on ${used.portHost}`],
    ])) {
      io.out(line);
    }
  }
  const reaper = !report.reaper.enabled
    ? 'off (BERTH_REAPER=off): a killed runner leaves its resources to `berth prune`'
    : report.reaper.script
      ? `watcher script ${report.reaper.script}`
      : 'watcher script not found next to the bundle: a killed runner leaves its resources to the next sweep';
  io.out(`reaper    ${reaper}`);
}

function summaryOf(error: unknown): string {
  return error instanceof BerthError ? error.summary : (error as Error).message;
}
