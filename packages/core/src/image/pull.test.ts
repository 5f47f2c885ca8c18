/**
 * Pull logic over a fake engine (no Docker): policy decisions, substitution and mirror, stream
 * errors becoming typed errors at once, abort, and shared in-flight pulls. The real engine and
 * registry are exercised in test/engine/image.test.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type BerthConfig, readConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { engineFailure } from '../engine/failure.js';
import { AbortError, ImageNotFoundError, InvalidImageReferenceError, PullError, RegistryAuthError } from '../errors.js';
import { ensureImage, resolveImage, setImageSubstitution } from './pull.js';
import { familiarReference } from './reference.js';

const emptyDir = await mkdtemp(join(tmpdir(), 'berth-pull-'));
const cfg = (env: Record<string, string> = {}): BerthConfig => readConfig({ DOCKER_CONFIG: emptyDir, ...env }, '/nonexistent');

class FakeEngine {
  present = new Set<string>();
  pulls: Array<{ ref: string; stream: PassThrough; signal: AbortSignal | undefined }> = [];
  inspects = 0;
  pullError: unknown;

  async inspectImage(ref: string) {
    this.inspects++;
    return this.present.has(ref) ? { Id: `sha256:${'1'.repeat(64)}` } : undefined;
  }

  async pullStream(ref: string, _auth: unknown, _platform: unknown, signal?: AbortSignal) {
    if (this.pullError) throw this.pullError;
    const stream = new PassThrough();
    this.pulls.push({ ref, stream, signal });
    return stream;
  }

  asEngine(): Engine {
    return this as unknown as Engine;
  }
}

const line = (value: unknown) => `${JSON.stringify(value)}\r\n`;

afterEach(() => setImageSubstitution(undefined));

describe('resolveImage', () => {
  it('applies the mirror from config or option to Docker Hub names only', () => {
    expect(familiarReference(resolveImage('redis:7', { config: cfg({ BERTH_HUB_MIRROR: 'mirror.local:5000/' }) }))).toBe(
      'mirror.local:5000/library/redis:7',
    );
    expect(familiarReference(resolveImage('redis:7', { mirror: 'm.example', config: cfg({ BERTH_HUB_MIRROR: 'x.example' }) }))).toBe(
      'm.example/library/redis:7',
    );
    expect(familiarReference(resolveImage('redis:7', { mirror: false, config: cfg({ BERTH_HUB_MIRROR: 'x.example' }) }))).toBe('redis:7');
    expect(familiarReference(resolveImage('ghcr.io/o/a:1', { mirror: 'm.example', config: cfg() }))).toBe('ghcr.io/o/a:1');
  });

  it('substitutes first (option beats the global hook), then mirrors', () => {
    setImageSubstitution((ref) => ref.replace('redis', 'valkey'));
    expect(familiarReference(resolveImage('redis:7', { config: cfg() }))).toBe('valkey:7');
    expect(familiarReference(resolveImage('redis:7', { substitute: (r) => `ghcr.io/acme/${r}`, config: cfg() }))).toBe(
      'ghcr.io/acme/redis:7',
    );
    expect(familiarReference(resolveImage('redis:7', { mirror: 'm.example', config: cfg() }))).toBe('m.example/library/valkey:7');
  });

  it('validates the input and what the substitution returns', () => {
    expect(() => resolveImage('Bad Name', { config: cfg() })).toThrow(InvalidImageReferenceError);
    expect(() => resolveImage('redis', { substitute: () => 'NOPE', config: cfg() })).toThrow(/"NOPE"/);
    expect(() => resolveImage('redis', { substitute: () => '', config: cfg() })).toThrow(InvalidImageReferenceError);
  });
});

describe('ensureImage', () => {
  it('missing: uses a present image without pulling', async () => {
    const engine = new FakeEngine();
    engine.present.add('redis:7');
    const result = await ensureImage(engine.asEngine(), 'redis:7', { config: cfg(), tty: false });
    expect(result).toMatchObject({ ref: 'redis:7', pulled: false });
    expect(engine.pulls).toHaveLength(0);
  });

  it('never: a missing image is ImageNotFoundError with a hint, without pulling', async () => {
    const engine = new FakeEngine();
    const error = await ensureImage(engine.asEngine(), 'redis:7', { pullPolicy: 'never', config: cfg(), tty: false }).catch((e) => e);
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect(error.hint).toMatch(/docker pull redis:7/);
    expect(engine.pulls).toHaveLength(0);
  });

  it('BERTH_PULL_POLICY is the default policy', async () => {
    const engine = new FakeEngine();
    await expect(ensureImage(engine.asEngine(), 'redis:7', { config: cfg({ BERTH_PULL_POLICY: 'never' }), tty: false })).rejects.toThrow(
      ImageNotFoundError,
    );
  });

  it('rejects an unknown policy and a malformed reference before touching the engine', async () => {
    const engine = new FakeEngine();
    await expect(ensureImage(engine.asEngine(), 'redis', { pullPolicy: 'sometimes' as never, config: cfg() })).rejects.toThrow(
      /pullPolicy/,
    );
    await expect(ensureImage(engine.asEngine(), 'UPPER:case', { config: cfg() })).rejects.toThrow(InvalidImageReferenceError);
    expect(engine.inspects).toBe(0);
  });

  it('always: pulls even when present, reports progress, and shares one pull between callers', async () => {
    const engine = new FakeEngine();
    const events: string[] = [];
    const a = ensureImage(engine.asEngine(), 'redis:7', {
      pullPolicy: 'always',
      config: cfg(),
      tty: false,
      onProgress: (e) => events.push(e.status),
    });
    const b = ensureImage(engine.asEngine(), 'docker.io/library/redis:7', { pullPolicy: 'always', config: cfg(), tty: false });
    await until(() => engine.pulls.length === 1);
    const pull = engine.pulls[0]!;
    expect(pull.ref).toBe('redis:7');
    pull.stream.write(line({ status: 'Pulling from library/redis', id: '7' }));
    pull.stream.write(line({ status: 'Downloading', id: 'abc', progressDetail: { current: 5, total: 10 } }));
    pull.stream.write(line({ status: 'Pull complete', id: 'abc' }));
    engine.present.add('redis:7');
    pull.stream.end();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.pulled && rb.pulled).toBe(true);
    expect(engine.pulls).toHaveLength(1);
    expect(events).toEqual(['Pulling from library/redis', 'Downloading', 'Pull complete']);
  });

  it.each([
    [{ error: 'manifest for r.example/x:nope not found: manifest unknown' }, ImageNotFoundError],
    [
      { errorDetail: { message: 'unauthorized: authentication required' }, error: 'unauthorized: authentication required' },
      RegistryAuthError,
    ],
    [{ error: 'denied: requested access to the resource is denied' }, RegistryAuthError],
    [{ error: 'invalid tag format' }, PullError],
    [{ error: 'something odd' }, PullError],
  ])('an error inside the stream (%j) rejects at once, stream still open', async (message, type) => {
    const engine = new FakeEngine();
    const promise = ensureImage(engine.asEngine(), 'r.example/x:nope', { config: cfg(), tty: false });
    await until(() => engine.pulls.length === 1);
    const pull = engine.pulls[0]!;
    pull.stream.write(line({ status: 'Pulling from x', id: 'nope' }));
    pull.stream.write(line(message));
    const error = await promise.catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(pull.stream.destroyed).toBe(true);
  });

  it.each([
    [404, 'pull access denied for nope, repository does not exist', ImageNotFoundError],
    [401, 'who are you', RegistryAuthError],
    [500, 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', PullError],
    [500, 'Head "https://r.example/v2/x/manifests/1": unauthorized: incorrect username or password', RegistryAuthError],
  ])('HTTP %d from the initial request becomes a typed error', async (statusCode, message, type) => {
    const engine = new FakeEngine();
    engine.pullError = engineFailure(statusCode, message, 'pulling r.example/x:1', { kind: 'image', ref: 'r.example/x:1' });
    const error = await ensureImage(engine.asEngine(), 'r.example/x:1', { config: cfg(), tty: false }).catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(message);
    expect(error.details.httpStatus).toBe(statusCode);
  });

  it('abort destroys the stream and rejects promptly; a lone waiter aborting stops the pull', async () => {
    const engine = new FakeEngine();
    const controller = new AbortController();
    const promise = ensureImage(engine.asEngine(), 'r.example/x:1', { config: cfg(), tty: false, signal: controller.signal });
    await until(() => engine.pulls.length === 1);
    const pull = engine.pulls[0]!;
    pull.stream.write(line({ status: 'Downloading', id: 'l1', progressDetail: { current: 1, total: 100 } }));
    const t0 = performance.now();
    controller.abort();
    await expect(promise).rejects.toThrow(AbortError);
    expect(performance.now() - t0).toBeLessThan(100);
    await until(() => pull.stream.destroyed);
    expect(pull.signal?.aborted).toBe(true);
  });

  it('one of two waiters aborting does not stop the shared pull', async () => {
    const engine = new FakeEngine();
    const controller = new AbortController();
    const a = ensureImage(engine.asEngine(), 'r.example/x:1', { config: cfg(), tty: false, signal: controller.signal });
    const b = ensureImage(engine.asEngine(), 'r.example/x:1', { config: cfg(), tty: false });
    await until(() => engine.pulls.length === 1);
    controller.abort();
    await expect(a).rejects.toThrow(AbortError);
    const pull = engine.pulls[0]!;
    expect(pull.stream.destroyed).toBe(false);
    engine.present.add('r.example/x:1');
    pull.stream.end(line({ status: 'Status: Downloaded newer image for r.example/x:1' }));
    await expect(b).resolves.toMatchObject({ pulled: true });
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
