import { describe, expect, it } from 'vitest';
import { CleanupError, ModuleError, NotSerialisableError, RunStoppingError } from '../errors.js';
import { acquireLease } from './broker.js';
import type { RunningService, ServiceDefinition, ServiceDetailsBase } from './definition.js';
import { startServices } from './start-services.js';

function fake(name: string, events: string[], extra: { details?: object; failRelease?: boolean } = {}): ServiceDefinition {
  return {
    kind: 'fake',
    image: 'fake:1',
    async start(): Promise<RunningService> {
      const details = { kind: 'fake', host: '127.0.0.1', port: 1, containerName: name, ...extra.details } as ServiceDetailsBase;
      return {
        details,
        isolation: {
          acquire: async () => ({ id: `${name}-1`, details }),
          release: async () => {
            if (extra.failRelease) throw new ModuleError(`${name}: release failed`);
          },
        },
        stop: async () => {
          events.push(`stop ${name}`);
        },
      };
    },
  };
}

describe('startServices', () => {
  it('stops every service even when closing the broker fails, and reports both', async () => {
    const events: string[] = [];
    const running = await startServices({ services: { a: fake('a', events, { failRelease: true }), b: fake('b', events) } });
    // An outstanding lease whose release fails makes broker.close() throw.
    await acquireLease(running.handoff.broker as NonNullable<typeof running.handoff.broker>, 'a');
    const error = await running.stop().catch((e: unknown) => e);
    expect(events).toEqual(['stop b', 'stop a']);
    expect(error).toBeInstanceOf(CleanupError);
  });

  it('refuses details that are not JSON before anything is handed off, and stops what started', async () => {
    const events: string[] = [];
    const error = await startServices({
      services: { ok: fake('ok', events), bad: fake('bad', events, { details: { connect: () => undefined } }) },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSerialisableError);
    expect(error).toMatchObject({ details: { service: 'bad', path: 'details.connect' } });
    expect(events.sort()).toEqual(['stop bad', 'stop ok']);
  });

  it('answers every request with the one stopping error once the run stops', async () => {
    const events: string[] = [];
    const running = await startServices({ services: { a: fake('a', events) } });
    running.stopping(new RunStoppingError('the test run is stopping (SIGINT)'));
    const error = await acquireLease(running.handoff.broker as NonNullable<typeof running.handoff.broker>, 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStoppingError);
    expect(error).toMatchObject({ code: 'BERTH_RUN_STOPPING' });
    await running.stop();
  });
});
