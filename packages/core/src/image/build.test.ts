/**
 * buildImage's validation and its reading of the build stream, over a fake engine. Real builds run
 * in test/engine/image.test.ts.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/engine.js';
import { AbortError, BuildError, InvalidImageReferenceError, InvalidSpecError } from '../errors.js';
import { buildImage } from './build.js';

const context = await mkdtemp(join(tmpdir(), 'berth-build-unit-'));
await writeFile(join(context, 'Dockerfile'), 'FROM scratch\n');
await writeFile(join(context, 'notes.txt'), 'x');

class FakeEngine {
  options: Record<string, unknown> | undefined;
  stream = new PassThrough();
  tagged = new Set<string>();
  async buildStream(tar: Readable, options: Record<string, unknown>) {
    tar.resume();
    this.options = options;
    return this.stream;
  }
  async inspectImage(ref: string) {
    return this.tagged.has(ref) ? { Id: `sha256:${'c'.repeat(64)}` } : undefined;
  }
  asEngine() {
    return this as unknown as Engine;
  }
}

const line = (value: unknown) => `${JSON.stringify(value)}\r\n`;

describe('buildImage validation', () => {
  it.each([
    [{ context: '' }, /`context`/],
    [{ context: join(context, 'missing') }, /does not exist/],
    [{ context: join(context, 'notes.txt') }, /not a directory/],
    [{ context, dockerfile: '../Dockerfile' }, /inside the context/],
    [{ context, dockerfile: 'Nope' }, /does not exist/],
    [{ context, buildArgs: { N: 1 as unknown as string } }, /buildArgs.N/],
  ])('%j is rejected', async (options, why) => {
    const error = await buildImage(new FakeEngine().asEngine(), options).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error.message).toMatch(why);
  });

  it('rejects a malformed tag', async () => {
    await expect(buildImage(new FakeEngine().asEngine(), { context, tag: 'Bad Tag' })).rejects.toThrow(InvalidImageReferenceError);
  });
});

describe('buildImage over a build stream', () => {
  it('passes the classic-builder options and resolves with the tag and id', async () => {
    const engine = new FakeEngine();
    engine.tagged.add('app:1');
    const output: string[] = [];
    const promise = buildImage(engine.asEngine(), {
      context,
      tag: 'app:1',
      buildArgs: { A: 'b' },
      target: 't',
      labels: { 'dev.berth.session': 's1' },
      removeAtSessionEnd: true,
      noCache: true,
      onOutput: (l) => output.push(l),
    });
    await until(() => engine.options !== undefined);
    engine.stream.end(line({ stream: 'Step 1/1 : FROM scratch\n' }) + line({ stream: 'Successfully tagged app:1\n' }));
    await expect(promise).resolves.toEqual({ ref: 'app:1', id: `sha256:${'c'.repeat(64)}` });
    expect(engine.options).toMatchObject({
      t: 'app:1',
      dockerfile: 'Dockerfile',
      version: '1',
      forcerm: true,
      buildargs: { A: 'b' },
      target: 't',
      nocache: true,
      labels: { 'dev.berth.session': 's1', 'dev.berth.remove-at-end': 'true' },
    });
    expect(output).toEqual(['Step 1/1 : FROM scratch', 'Successfully tagged app:1']);
  });

  it('names the image berth-build-<hash>:latest, stable for the same inputs', async () => {
    const names: unknown[] = [];
    for (const args of [{ X: '1' }, { X: '1' }, { X: '2' }]) {
      const engine = new FakeEngine();
      const promise = buildImage(engine.asEngine(), { context, buildArgs: args }).catch(() => undefined);
      await until(() => engine.options !== undefined);
      names.push(engine.options?.t);
      engine.stream.end();
      await promise;
    }
    expect(names[0]).toMatch(/^berth-build-[0-9a-f]{12}:latest$/);
    expect(names[1]).toBe(names[0]);
    expect(names[2]).not.toBe(names[0]);
  });

  it('an error in the stream is a BuildError with the step, its output (no ANSI, no builder noise) and the last good image', async () => {
    const engine = new FakeEngine();
    const promise = buildImage(engine.asEngine(), { context, tag: 'app:2' });
    await until(() => engine.options !== undefined);
    engine.stream.write(line({ stream: 'Step 1/2 : FROM busybox\n' }));
    engine.stream.write(line({ stream: ' ---> 0123456789ab\n' }));
    engine.stream.write(line({ stream: 'Step 2/2 : RUN make\n' }));
    engine.stream.write(line({ stream: ' ---> Running in fedcba987654\n' }));
    engine.stream.write(line({ stream: 'compiling\n' }));
    engine.stream.write(line({ stream: '\u001b[91mmake: *** [all] Error 2\n\u001b[0m' }));
    engine.stream.write(line({ error: "The command '/bin/sh -c make' returned a non-zero code: 2", errorDetail: { code: 2 } }));
    const error = (await promise.catch((e) => e)) as BuildError;
    expect(error).toBeInstanceOf(BuildError);
    expect(error.summary).toBe("building app:2 failed at Step 2/2 : RUN make: The command '/bin/sh -c make' returned a non-zero code: 2");
    expect(error.details.logTail).toEqual(['compiling', 'make: *** [all] Error 2']);
    expect(error.details.lastImageId).toBe('0123456789ab');
    expect(error.hint).toContain('docker run -it --rm 0123456789ab sh');
    expect(engine.stream.destroyed).toBe(true);
  });

  it('abort destroys the stream and rejects with AbortError', async () => {
    const engine = new FakeEngine();
    const controller = new AbortController();
    const promise = buildImage(engine.asEngine(), { context, tag: 'app:3', signal: controller.signal });
    await until(() => engine.options !== undefined);
    controller.abort();
    await expect(promise).rejects.toThrow(AbortError);
    expect(engine.stream.destroyed).toBe(true);
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
