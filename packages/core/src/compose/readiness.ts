/**
 * What "ready" means per service, and the watch that fails a compose start when a service that was
 * already ready exits or turns unhealthy before the whole project is up.
 *
 * A service is ready by the caller's wait override; else, when a dependent asks for
 * `service_completed_successfully`, by exiting with 0; else, when a dependent asks for
 * `service_healthy`, by its health check; else by the service's own: its health check (the file's or
 * the image's), else listeners on the ports the file declares (`ports`, `expose` — not every port the
 * image EXPOSEs, which a compose service often does not use), else running.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StartedContainer } from '../container/handle.js';
import type { Engine } from '../engine/engine.js';
import { ComposeStartError, WaitAttemptError, WaitFailedError } from '../errors.js';
import { poll } from '../wait/backoff.js';
import { exit } from '../wait/exit.js';
import { healthy } from '../wait/healthy.js';
import { ports } from '../wait/ports.js';
import type { WaitStrategy } from '../wait/strategy.js';
import type { ComposeService } from './model.js';

export function readinessFor(order: ComposeService[], overrides: Record<string, WaitStrategy>): Map<string, WaitStrategy> {
  const needs = new Map<string, Set<string>>();
  for (const service of order) {
    for (const [dep, condition] of Object.entries(service.dependsOn)) {
      needs.set(dep, (needs.get(dep) ?? new Set()).add(condition));
    }
  }
  const out = new Map<string, WaitStrategy>();
  for (const service of order) {
    const conditions = needs.get(service.name) ?? new Set();
    out.set(
      service.name,
      overrides[service.name] ??
        (conditions.has('service_completed_successfully')
          ? exit(0)
          : conditions.has('service_healthy')
            ? healthy()
            : serviceDefault(service)),
    );
  }
  return out;
}

/** Strategies under which a service that finishes with exit code 0 is done, not failed. */
const CLEAN_EXIT_IS_DONE = new WeakSet<WaitStrategy>();

/**
 * Health check when the container has one, else the file's TCP ports, else running — where a
 * service without ports that finishes with exit code 0 (a seed or migration job nobody waits for)
 * counts as done, as it does for compose. Decided once the container runs.
 */
export function serviceDefault(service: ComposeService): WaitStrategy {
  const declared = [
    ...new Set(
      [...service.ports, ...service.expose.map((e) => ({ target: e.port, protocol: e.protocol }))]
        .filter((p) => p.protocol === 'tcp')
        .map((p) => p.target),
    ),
  ];
  if (declared.length > 0) {
    const byPorts = ports({ ports: declared });
    return {
      description: `health check if any, else ${byPorts.description}`,
      async wait(target, context) {
        const state = await target.inspect(context.signal);
        await (state.health && state.health.status !== 'none' ? healthy() : byPorts).wait(target, context);
      },
    };
  }
  const strategy: WaitStrategy = {
    description: 'health check if any, else running (or done with exit code 0)',
    expectsExit: true,
    async wait(target, context) {
      const first = await target.inspect(context.signal);
      if (first.health && first.health.status !== 'none') return healthy().wait(target, context);
      await poll(context, async (signal) => {
        const state = await target.inspect(signal);
        if (state.running) return;
        if (state.status !== 'exited' && state.status !== 'dead') throw new WaitAttemptError(`container is ${state.status}`);
        if (state.exitCode === 0 && !state.oomKilled) return;
        throw new WaitFailedError(`container ${state.oomKilled ? 'was OOM-killed' : `exited with code ${state.exitCode}`}`, {
          details: { exitCode: state.exitCode, oomKilled: state.oomKilled },
        });
      });
    },
  };
  CLEAN_EXIT_IS_DONE.add(strategy);
  return strategy;
}

const POLL_MS = 500;
const TAIL = 20;

/** Until `signal` fires (the whole project is up, or the start failed), report an exit or an unhealthy turn. */
export function watchExits(
  engine: Engine,
  service: ComposeService,
  replicas: StartedContainer[],
  strategy: WaitStrategy | undefined,
  signal: AbortSignal,
  fail: (error: unknown) => void,
): void {
  const cleanExitIsDone = strategy !== undefined && CLEAN_EXIT_IS_DONE.has(strategy);
  if ((strategy?.expectsExit && !cleanExitIsDone) || signal.aborted) return;
  for (const container of replicas) {
    void (async () => {
      try {
        while (!signal.aborted) {
          const info = await engine.inspectContainer(container.id, signal);
          if (signal.aborted) return;
          const state = info?.State as { Running?: boolean; ExitCode?: number; Health?: { Status?: string } } | undefined;
          if (cleanExitIsDone && state && !state.Running && state.ExitCode === 0) return;
          if (!state?.Running || state.Health?.Status === 'unhealthy') {
            const what = !state ? 'disappeared' : !state.Running ? `exited with code ${state.ExitCode}` : 'turned unhealthy';
            const tail = await container.logs({ tail: TAIL }).then(
              (logs) =>
                `${logs.stdout}${logs.stderr}`
                  .split('\n')
                  .filter((l) => l !== '')
                  .slice(-TAIL),
              () => [],
            );
            fail(
              new ComposeStartError(`service ${service.name} ${what} while the project was starting`, {
                details: {
                  service: service.name,
                  containerId: container.id,
                  ...(state?.Running === false ? { exitCode: state.ExitCode } : {}),
                  logTail: tail,
                },
                hint: `the services that depend on ${service.name} were not started; its log lines are above`,
              }),
            );
            return;
          }
          await sleep(POLL_MS, undefined, { signal });
        }
      } catch {
        // Aborted (the start finished or failed): nothing to report.
      }
    })();
  }
}
