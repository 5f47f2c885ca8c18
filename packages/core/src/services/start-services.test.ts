import { describe, expect, it } from 'vitest';
import { CleanupError, ConfigError, ModuleError, NotSerialisableError, RunStoppingError } from '../errors.js';
import { acquireLease } from './broker.js';
import { defineConfig } from './config.js';
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

  it('sets numbers and booleans from env as their string form', async () => {
    const events: string[] = [];
    // Type-checked too (pnpm typecheck): `(s) => s.a.port` is a number, `() => true` a boolean.
    const config = defineConfig({
      services: { a: fake('a', events) },
      env: { A_PORT: (s) => s.a.port, A_TUNED: () => true, A_URL: (s) => `http://${s.a.host}` },
    });
    const running = await startServices(config);
    try {
      expect(running.handoff.env).toEqual({ A_PORT: '1', A_TUNED: 'true', A_URL: 'http://127.0.0.1' });
    } finally {
      await running.stop();
    }
  });

  it('refuses an env function that returns nothing, with a ConfigError naming the key, and stops what started', async () => {
    const events: string[] = [];
    const env = { A_MISSING: () => undefined } as unknown as Record<string, () => string>;
    const error = await startServices({ services: { a: fake('a', events) }, env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('`env.A_MISSING` to return a string, a finite number or a boolean, got undefined');
    expect(events).toEqual(['stop a']);
  });
});
