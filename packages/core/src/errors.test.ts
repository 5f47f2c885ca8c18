import { describe, expect, it } from 'vitest';
import * as errors from './errors.js';
import { BerthError, CleanupError } from './errors.js';
import * as brokerEntry from './public/broker.js';
import * as mainEntry from './public/index.js';

type ErrorClass = (new (message: string, ...rest: never[]) => BerthError) & { code: string };

/** The berth error classes among a module's exports, by export name. */
function errorClasses(module: Record<string, unknown>): Map<string, ErrorClass> {
  const found = new Map<string, ErrorClass>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function') continue;
    if (value === BerthError || value.prototype instanceof BerthError) found.set(name, value as ErrorClass);
  }
  return found;
}

function instance(Ctor: ErrorClass): BerthError {
  if ((Ctor as unknown) === CleanupError) return new CleanupError('x', []);
  return new (Ctor as unknown as new (message: string) => BerthError)('x');
}

const inErrorsModule = errorClasses(errors);

describe('the error hierarchy', () => {
  it('has the classes it is known for (the check below is not vacuous)', () => {
    expect(inErrorsModule.size).toBeGreaterThanOrEqual(23);
    expect([...inErrorsModule.keys()]).toEqual(
      expect.arrayContaining(['BerthError', 'BrokerError', 'RedisReplyError', 'WaitTimeoutError']),
    );
  });

  it.each([...inErrorsModule])('%s: the static code is the instance code, the name is the class name', (name, Ctor) => {
    const error = instance(Ctor);
    expect(Ctor.code).toMatch(/^BERTH_[A-Z_]+$/);
    expect(error.code).toBe(Ctor.code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
  });

  it('gives every class its own code (the broker rebuilds errors by code)', () => {
    const byCode = new Map<string, string[]>();
    for (const [name, Ctor] of inErrorsModule) byCode.set(Ctor.code, [...(byCode.get(Ctor.code) ?? []), name]);
    const shared = [...byCode].filter(([, names]) => names.length > 1);
    expect(shared).toEqual([]);
  });
});

describe('the public entries', () => {
  it.each([
    ['@berth/core', mainEntry],
    ['@berth/core/broker', brokerEntry],
  ])('%s exports every error class of errors.ts, and no other', (_entry, module) => {
    const exported = errorClasses(module as Record<string, unknown>);
    expect([...exported.keys()].sort()).toEqual([...inErrorsModule.keys()].sort());
    for (const [name, Ctor] of exported) expect(Ctor).toBe(inErrorsModule.get(name));
  });

  // setImageSubstitution was documented in 0.1: it stays as a deprecated alias until 0.3 (CHANGELOG.md).
  it('keeps internal helpers out of @berth/core', () => {
    const names = Object.keys(mainEntry);
    for (const internal of [
      'runWait',
      'withDetails',
      'throwIfAborted',
      'resolveImage',
      'parseImageReference',
      'canonicalReference',
      'familiarName',
      'familiarReference',
      'fullName',
      'pullReference',
      'withHubMirror',
      'DOCKER_HUB',
      'defaultWaitStrategy',
      'readConfig',
      'resolveRegistryAuth',
    ]) {
      expect(names).not.toContain(internal);
    }
    expect(names).toEqual(
      expect.arrayContaining(['start', 'wait', 'getEngine', 'buildImage', 'createNetwork', 'createVolume', 'defineConfig']),
    );
  });
});

describe('an error with a timeline', () => {
  it("prints the service's timeline before the log tail", () => {
    const error = new errors.ContainerStartError('container failed during wait: no ready line', {
      details: {
        service: 'db',
        phase: 'wait',
        timeline: ['  0 ms  +  3 ms  discover', '  3 ms  + 40 ms  wait (log line /ready/) — failed here'],
        logTail: ['FATAL: bad config'],
      },
    });
    expect(error.message).toBe(
      [
        'container failed during wait: no ready line',
        '  service: db, phase: wait',
        '  timeline of service db (from its first step):',
        '      0 ms  +  3 ms  discover',
        '      3 ms  + 40 ms  wait (log line /ready/) — failed here',
        '  last 1 log lines:',
        '    | FATAL: bad config',
      ].join('\n'),
    );
  });
});
