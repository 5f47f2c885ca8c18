/**
 * `berth up`: the services of berth.config.* for local work.
 *
 *   load the config -> start its services as `BERTH_REUSE=force` would (reused when the spec is
 *   unchanged, created otherwise) -> mark each one as kept by this config (session/up-markers.ts)
 *   -> print each service's URL and the config's `env` as `export` lines (`--env-file` writes them)
 *   -> end the run's session: the containers stay until `berth down` or the reuse TTL
 *
 * A later test run adopts them (container/start.ts), whatever its own reuse setting.
 *
 * `--attach` keeps the session open instead, follows the services' logs with a prefix per service,
 * and on Ctrl-C (SIGINT) or SIGTERM removes everything it started or adopted, as `berth down`
 * does, then exits 130 / 143.
 */
import { writeFileSync } from 'node:fs';
import type { BerthConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { connect } from '../engine/index.js';
import { type BerthError, ConfigError, isBerthError } from '../errors.js';
import { type ConfiguredRun, startConfiguredRun } from '../services/configured-run.js';
import type { ServiceDetailsBase } from '../services/definition.js';
import { removeResources } from '../session/cleanup.js';
import { Labels } from '../session/labels.js';
import { listReused } from '../session/reuse-sweep.js';
import { markUp } from '../session/up-markers.js';
import type { CliArgs } from './args.js';
import { followLogs } from './attach-logs.js';
import { configPath, down } from './down.js';
import type { Output } from './format.js';
import { signalExitCode } from './run-command.js';
import { checkVariableNames, dotenv, serviceUrl, upLines } from './up-output.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A berth error's message and hint (also from the lifecycle's own copy of core, which has its own classes). */
function describe(error: unknown): string {
  const coded = error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
  if (!isBerthError(error) && !coded) return String((error as Error)?.stack ?? error);
  const hint = (error as BerthError).hint;
  return `${(error as Error).message}${hint ? `\n  hint: ${hint}` : ''}`;
}

interface Served {
  service: string;
  details: ServiceDetailsBase;
  /** The container's id, when the service is one container. */
  container: string | undefined;
  /** Its reuse identity: present when it outlives the run. */
  hash: string | undefined;
  /** The container was created by this `berth up` (not found running). */
  created: boolean;
}

/**
 * The reused containers this `berth up` created, with their markers, when it then keeps nothing:
 * a refused config leaves nothing behind. Groups some `berth up` keeps are left alone.
 */
async function discardCreated(engine: Engine, hashes: readonly string[], ttlMs: number): Promise<void> {
  if (hashes.length === 0) return;
  const wanted = new Set(hashes);
  const groups = (await listReused(engine, { ttlMs })).filter((g) => wanted.has(g.hash) && g.up.length === 0);
  await removeResources(
    engine,
    groups.flatMap((g) => g.resources),
  );
}

export async function upCommand(args: CliArgs, io: Output, cfg: BerthConfig): Promise<number> {
  const root = process.cwd();
  let configFile: string;
  try {
    configFile = configPath(args.config, root);
  } catch (error) {
    io.err(`berth up: ${describe(error)}`);
    return 1;
  }
  // An explicit request to keep the services: reuse on for every declared service, under CI too.
  process.env.BERTH_REUSE = 'force';

  let received: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
    wake?.();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const forget = () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };

  const began = Date.now();
  // This side's own connection (markers, inspects, logs), found while the services start.
  const connecting = connect(cfg).catch((error: unknown) => error as Error);
  let run: ConfiguredRun;
  try {
    run = await startConfiguredRun({ root, configFile });
  } catch (error) {
    forget();
    if (received) return signalExitCode(received);
    io.err(`berth up: ${describe(error)}`);
    return 1;
  }
  const fail = async (error: unknown): Promise<number> => {
    await run.stop().catch(() => undefined);
    forget();
    if (received) return signalExitCode(received);
    io.err(`berth up: ${describe(error)}`);
    return 1;
  };

  const engine = await connecting;
  if (engine instanceof Error) return fail(engine);
  let served: Served[];
  try {
    checkVariableNames(run.handoff.env);
    served = await Promise.all(
      Object.entries(run.handoff.services as Record<string, ServiceDetailsBase>).map(async ([service, details]) => {
        const info = await engine.inspectContainer(details.containerName);
        const labels = info?.Config.Labels ?? {};
        const created = Date.parse(labels[Labels.created] ?? '') >= began;
        return { service, details, container: info?.Id, hash: labels[Labels.reuse], created };
      }),
    );
    const passing = served.filter((s) => s.hash === undefined).map((s) => s.service);
    if (passing.length > 0 && !args.attach) {
      await run.stop().catch(() => undefined);
      await discardCreated(
        engine,
        served.flatMap((s) => (s.hash && s.created ? [s.hash] : [])),
        cfg.reuseTtlMs,
      );
      return fail(
        new ConfigError(`berth up cannot keep ${passing.join(', ')}: not reusable across runs (\`reuse: false\`, or a compose service)`, {
          hint: '`berth up --attach` runs every service in the foreground until Ctrl-C; or drop `reuse: false`',
          details: { services: passing },
        }),
      );
    }
    await Promise.all(
      served.flatMap((s) => (s.hash ? [markUp(engine, { hash: s.hash, configFile, service: s.service, ttlMs: cfg.reuseTtlMs })] : [])),
    );
    if (args.envFile) writeFileSync(args.envFile, dotenv(run.handoff.env), { mode: 0o600 });
  } catch (error) {
    return fail(error);
  }

  if (args.json) {
    const services = Object.fromEntries(
      served.map((s) => [s.service, { url: serviceUrl(s.details), container: s.container ?? null, kept: Boolean(s.hash) }]),
    );
    io.out(JSON.stringify({ config: configFile, services, env: run.handoff.env }, null, 2));
  } else for (const line of upLines(Object.fromEntries(served.map((s) => [s.service, s.details])), run.handoff.env)) io.out(line);

  if (!args.attach) {
    await run.stop().catch((error: unknown) => io.err(`berth up: ${describe(error)}`));
    forget();
    if (received) return signalExitCode(received);
    const minutes = Math.round(cfg.reuseTtlMs / 60_000);
    io.err(`berth up: kept until \`berth down\` (or ${minutes} min unused)${args.envFile ? `; wrote ${args.envFile}` : ''}`);
    return 0;
  }

  let close = () => {};
  let gone: Promise<void> = new Promise(() => {});
  if (!received) {
    try {
      const following = await followLogs(
        engine,
        served.flatMap((s) => (s.container ? [{ service: s.service, container: s.container }] : [])),
        (line) => io.out(line),
        (service) => io.err(`berth up: the log of ${service} ended (its container stopped or was removed)`),
      );
      close = following.close;
      // No container to follow (a compose service): only a signal ends the attach.
      if (served.some((s) => s.container)) gone = following.allEnded;
      io.err('berth up: following the logs; Ctrl-C stops the services and removes them');
    } catch (error) {
      io.err(`berth up: could not follow the logs: ${describe(error)}`);
    }
  }
  // Until Ctrl-C / SIGTERM, or until every service's container is gone (`berth down` elsewhere).
  const ended = await new Promise<'signal' | 'gone'>((resolve) => {
    wake = () => resolve('signal');
    if (received) resolve('signal');
    void gone.then(() => resolve('gone'));
  });
  close();
  // Core's own signal handler has been removing the session's resources meanwhile; what it took is gone.
  await run.stop().catch(() => undefined);
  const removed = await down(engine, configFile, cfg.reuseTtlMs);
  forget();
  const containers = removed.removed.filter((r) => r.kind === 'container').length;
  for (const f of removed.failed) io.err(`berth up: could not remove ${f.resource.kind} ${f.resource.name}: ${f.error}`);
  if (ended === 'gone' && !received) {
    io.err(`berth up: every service is gone; removed what was left (${containers} kept container(s))`);
    return removed.failed.length > 0 ? 1 : 0;
  }
  io.err(`berth up: stopped on ${received}; removed ${containers} kept container(s)`);
  return signalExitCode(received as NodeJS.Signals);
}
