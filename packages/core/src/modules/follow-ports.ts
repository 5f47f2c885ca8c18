/**
 * For modules whose only tie to their container's address is the details they hand out (redis,
 * rabbitmq, nats): after `container.restart()` the details berth hands out from then on carry the
 * new host ports (the engine may publish others). A details object read before keeps the old ones.
 * Work on the server during the restart waits for it, and work the restart cut off runs once more
 * (the returned gate: RestartGate.redo); a container that does not come back fails it at once.
 */
import type { StartedContainer } from '../container/handle.js';
import { ContainerNotRunningError } from '../errors.js';
import { RestartGate } from './restart-gate.js';

export function followPorts<D>(container: StartedContainer, kind: string, state: { details: D }, remap: (details: D) => D): RestartGate {
  const gate = new RestartGate();
  container.onRestart({
    before: () => gate.close(),
    after: async ({ error }) => {
      if (error === undefined) {
        state.details = remap(state.details);
        gate.open();
        return;
      }
      gate.break(notBackFromRestart(kind, container, error));
    },
  });
  return gate;
}

/** The error every later request of a module gets when its container did not come back from restart(). */
export function notBackFromRestart(kind: string, container: StartedContainer, cause: unknown): ContainerNotRunningError {
  return new ContainerNotRunningError(`${kind} container ${container.name} did not come back from restart()`, {
    cause,
    hint: 'stop() it and start a new one; the error above says why the restart failed',
    details: { containerName: container.name, image: container.image },
  });
}
