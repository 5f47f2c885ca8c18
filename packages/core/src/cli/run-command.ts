/**
 * `berth run -- <command…>`: the run lifecycle of the runner adapters, around any command.
 *
 *   load berth.config.* -> start the services (one session, its reaper, the broker) -> spawn the
 *   command with the config's env + BERTH_SERVICES + BERTH_BROKER_URL/_TOKEN -> wait for it ->
 *   stop the services -> exit with the command's code
 *
 * Signals: SIGINT and SIGTERM are passed on to the command (as npm passes them to a script) and the
 * run exits 128 + n once everything is removed (130 on Ctrl-C), whenever the signal came, even
 * while the services were still starting. Core's session handler removes the run's resources on
 * the same signal; SIGKILL leaves it to the reaper, as for every run.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { isBerthError } from '../errors.js';
import { type ConfiguredRun, startConfiguredRun } from '../services/configured-run.js';
import type { CliArgs } from './args.js';
import type { Output } from './format.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The exit code of a process ended by `signal`, as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

function describe(error: unknown): string {
  if (isBerthError(error) || (error instanceof Error && typeof (error as { code?: unknown }).code === 'string')) {
    return (error as Error).message;
  }
  return String((error as Error)?.stack ?? error);
}

export async function runCommand(args: CliArgs, io: Output): Promise<number> {
  const root = process.cwd();
  let received: NodeJS.Signals | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
    // Passed on once; a command in our process group may also have it from the terminal.
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const forget = () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };

  let run: ConfiguredRun;
  try {
    run = await startConfiguredRun({ root, configFile: args.config, workers: args.workers });
  } catch (error) {
    forget();
    if (received) return signalExitCode(received);
    io.err(`berth run: ${describe(error)}`);
    return 1;
  }
  if (received) {
    await run.stop().catch(() => undefined);
    forget();
    return signalExitCode(received);
  }

  const [command, ...rest] = args.commandLine as [string, ...string[]];
  const env = { ...process.env, ...run.variables };
  const outcome = await new Promise<{ code: number } | { error: Error }>((resolve) => {
    child = spawn(command, rest, { stdio: 'inherit', env });
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? signalExitCode(signal) : 1) }));
  });

  let code: number;
  if ('error' in outcome) {
    const missing = (outcome.error as NodeJS.ErrnoException).code === 'ENOENT';
    io.err(`berth run: could not start ${JSON.stringify(command)}: ${missing ? 'no such command on PATH' : outcome.error.message}`);
    code = missing ? 127 : 126;
  } else code = outcome.code;

  try {
    await run.stop();
  } catch (error) {
    // After a signal, core's handler has been removing the same resources: what it took is gone.
    if (!received) {
      io.err(`berth run: ${describe(error)}`);
      if (code === 0) code = 1;
    }
  }
  forget();
  return received ? signalExitCode(received) : code;
}
