/**
 * Images against the real engine and a real registry (Debian's docker-registry with htpasswd on
 * loopback, from test/support/registry.ts): pulls with credentials from DOCKER_CONFIG and
 * DOCKER_AUTH_CONFIG, typed and fast failures, pull policies, abort, shared pulls, builds with
 * .dockerignore, build args, target stages and failing steps, and secrets kept out of debug output.
 *
 * Needs: bash scripts/engine-up && node scripts/provision-images.mjs busybox:latest
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BerthConfig, readConfig } from '../../packages/core/src/config.js';
import type { Engine } from '../../packages/core/src/engine/engine.js';
import { getEngine } from '../../packages/core/src/engine/index.js';
import {
  AbortError,
  BuildError,
  ImageNotFoundError,
  InvalidImageReferenceError,
  RegistryAuthError,
} from '../../packages/core/src/errors.js';
import { buildImage, ensureImage } from '../../packages/core/src/image/index.js';
import { Labels } from '../../packages/core/src/session/labels.js';
import { budget } from '../support/budget.js';
import { pushToRegistry, startRegistry } from '../support/registry.js';

const run = promisify(execFile);
const RUN_ID = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

type Registry = Awaited<ReturnType<typeof startRegistry>>;

let engine: Engine;
let registry: Registry;
let scratch: string;
/** Every image reference a test may have created; all removed in afterAll. */
const created = new Set<string>();
/**
 * Step images the classic builder keeps as cache (it also builds stages the result does not
 * use); removed after `created`, when those that were parents of a tag are already gone.
 */
const stepImages = new Set<string>();
const collectStepImages = (line: string) => {
  const id = /^ ---> ([0-9a-f]{12,64})$/.exec(line)?.[1];
  if (id) stepImages.add(id);
};
/** Small image in the registry (busybox), and a big one of random bytes for the abort test. */
let small: string;
let big: string;

/** Config whose DOCKER_CONFIG dir holds `doc` as config.json (undefined: an empty dir). */
async function configWith(doc: unknown | undefined, env: Record<string, string> = {}): Promise<BerthConfig> {
  const dir = await mkdtemp(join(scratch, 'cfg-'));
  if (doc !== undefined) await writeFile(join(dir, 'config.json'), JSON.stringify(doc));
  return readConfig({ DOCKER_CONFIG: dir, ...env }, scratch);
}

const goodAuths = () => ({ auths: { [registry.host]: { auth: b64(`${registry.username}:${registry.password}`) } } });

async function present(ref: string): Promise<boolean> {
  return (await engine.inspectImage(ref)) !== undefined;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    await fn();
    return { error: undefined, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

beforeAll(async () => {
  engine = await getEngine();
  scratch = await mkdtemp(join(tmpdir(), 'berth-image-it-'));
  registry = await startRegistry({ auth: true });
  small = await pushToRegistry(registry, 'busybox:latest', `berth-it/busybox:${RUN_ID}`);
  // The abort test needs a pull that really downloads: layers the engine already has (anything
  // pushed from it) are "Already exists" at once. So build a layer of random bytes, push it, and
  // delete it locally.
  const bigContext = join(scratch, 'big-context');
  await mkdir(bigContext);
  await writeFile(join(bigContext, 'Dockerfile'), 'FROM busybox:latest\nRUN head -c 150000000 /dev/urandom > /blob\n');
  const bigLocal = `berth-it/big-local:${RUN_ID}`;
  created.add(bigLocal);
  await buildImage(engine, { context: bigContext, tag: bigLocal, noCache: true, onOutput: collectStepImages });
  big = await pushToRegistry(registry, bigLocal, `berth-it/big:${RUN_ID}`);
  created.add(small).add(big);
  await engine.removeImage(bigLocal, true);
  // The helper removes its local tags; make sure we start from "not present locally" anyway.
  await engine.removeImage(small);
  await engine.removeImage(big);
}, budget(300_000));

afterAll(async () => {
  const results = await Promise.allSettled([...created].map((ref) => engine?.removeImage(ref, true)));
  // Latest step first (children before parents), and only untagged ones: the id printed for a
  // FROM step is the base image itself.
  for (const id of [...stepImages].reverse()) {
    const info = await engine?.inspectImage(id);
    if (info && (info.RepoTags ?? []).length === 0) {
      results.push(...(await Promise.allSettled([engine.removeImage(id)])));
    }
  }
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  const failures = results.filter((r) => r.status === 'rejected');
  expect(failures).toEqual([]);
}, budget(120_000));

describe('ensureImage against a registry with authentication', () => {
  it('malformed reference: InvalidImageReferenceError without touching the engine', async () => {
    const untouchable = new Proxy({} as Engine, {
      get: (_t, prop) => {
        throw new Error(`the engine was touched (${String(prop)})`);
      },
    });
    const { error, ms } = await timed(() => ensureImage(untouchable, 'Not A/Valid::Ref'));
    expect(error).toBeInstanceOf(InvalidImageReferenceError);
    expect((error as Error).message).toContain('"Not A/Valid::Ref"');
    expect(ms).toBeLessThan(budget(1000)); // no network round trip; typically 1-2 ms
    console.info(`malformed reference rejected in ${ms.toFixed(1)} ms`);
  });

  it('pulls with credentials from $DOCKER_CONFIG/config.json (auths)', async () => {
    const cfg = await configWith(goodAuths());
    const events: string[] = [];
    const result = await ensureImage(engine, small, { config: cfg, tty: false, onProgress: (e) => events.push(e.status) });
    expect(result).toMatchObject({ ref: small, pulled: true });
    expect(events.length).toBeGreaterThan(0);
    expect(await present(small)).toBe(true);
    await engine.removeImage(small, true);
  });

  it('pulls with credentials from DOCKER_AUTH_CONFIG', async () => {
    const cfg = await configWith(undefined, { DOCKER_AUTH_CONFIG: JSON.stringify(goodAuths()) });
    const result = await ensureImage(engine, small, { config: cfg, tty: false });
    expect(result.pulled).toBe(true);
    expect(await present(small)).toBe(true);
    await engine.removeImage(small, true);
  });

  it('wrong credentials: RegistryAuthError in under 5 s', async () => {
    const cfg = await configWith({ auths: { [registry.host]: { auth: b64(`${registry.username}:wrong-password`) } } });
    const { error, ms } = await timed(() => ensureImage(engine, small, { config: cfg, tty: false }));
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as RegistryAuthError).hint).toMatch(/were refused/);
    expect(ms).toBeLessThan(budget(5000));
    console.info(`wrong credentials rejected in ${ms.toFixed(0)} ms`);
  });

  it('no credentials: RegistryAuthError in under 5 s, hint says none were found', async () => {
    const cfg = await configWith(undefined);
    const { error, ms } = await timed(() => ensureImage(engine, small, { config: cfg, tty: false }));
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as RegistryAuthError).hint).toMatch(/no credentials/);
    expect(ms).toBeLessThan(budget(5000));
    console.info(`missing credentials rejected in ${ms.toFixed(0)} ms`);
  });

  it('unknown tag and unknown repository: ImageNotFoundError in under 5 s', async () => {
    const cfg = await configWith(goodAuths());
    for (const ref of [`${registry.host}/berth-it/busybox:no-such-tag-${RUN_ID}`, `${registry.host}/berth-it/no-such-repo-${RUN_ID}:1`]) {
      created.add(ref);
      const { error, ms } = await timed(() => ensureImage(engine, ref, { config: cfg, tty: false }));
      expect(error, ref).toBeInstanceOf(ImageNotFoundError);
      expect(ms).toBeLessThan(budget(5000));
      console.info(`${ref}: not found in ${ms.toFixed(0)} ms`);
    }
  });

  it('pull policies: never, missing, always', async () => {
    const cfg = await configWith(goodAuths());
    const opts = { config: cfg, tty: false } as const;

    const never = await timed(() => ensureImage(engine, small, { ...opts, pullPolicy: 'never' }));
    expect(never.error).toBeInstanceOf(ImageNotFoundError);
    expect((never.error as ImageNotFoundError).hint).toMatch(/pull or build it first/);
    expect(await present(small)).toBe(false);

    expect(await ensureImage(engine, small, { ...opts, pullPolicy: 'missing' })).toMatchObject({ pulled: true });
    expect(await ensureImage(engine, small, { ...opts, pullPolicy: 'missing' })).toMatchObject({ pulled: false });
    expect(await ensureImage(engine, small, { ...opts, pullPolicy: 'never' })).toMatchObject({ pulled: false });
    expect(await ensureImage(engine, small, { ...opts, pullPolicy: 'always' })).toMatchObject({ pulled: true });
    await engine.removeImage(small, true);
  });

  it('pulls by digest, and by tag plus digest (the digest wins)', async () => {
    const cfg = await configWith(goodAuths());
    await ensureImage(engine, small, { config: cfg, tty: false });
    const pinned = (await engine.inspectImage(small))?.RepoDigests?.find((d) => d.startsWith(`${registry.host}/`));
    expect(pinned).toMatch(/@sha256:[0-9a-f]{64}$/);
    await engine.removeImage(small, true);
    const digest = String(pinned).split('@')[1];

    const byDigest = await ensureImage(engine, String(pinned), { config: cfg, tty: false });
    expect(byDigest).toMatchObject({ ref: pinned, pulled: true });
    const withTag = await ensureImage(engine, `${registry.host}/berth-it/busybox:ignored-tag@${digest}`, { config: cfg, tty: false });
    expect(withTag).toMatchObject({ ref: pinned, pulled: false });
    await engine.removeImage(String(pinned), true);
  });

  it('concurrent calls for the same image share one pull', async () => {
    const cfg = await configWith(goodAuths());
    let pulls = 0;
    const counting = {
      inspectImage: (ref: string, signal?: AbortSignal) => engine.inspectImage(ref, signal),
      pullStream: (...args: Parameters<Engine['pullStream']>) => {
        pulls++;
        return engine.pullStream(...args);
      },
    } as unknown as Engine;
    const results = await Promise.all([1, 2, 3].map(() => ensureImage(counting, small, { config: cfg, tty: false })));
    expect(results.every((r) => r.pulled)).toBe(true);
    expect(pulls).toBe(1);
    await engine.removeImage(small, true);
  });

  it('abort during a pull rejects promptly and leaves no image behind', async () => {
    const cfg = await configWith(goodAuths());
    const controller = new AbortController();
    let abortedAt = 0;
    const { error, ms } = await timed(() =>
      ensureImage(engine, big, {
        config: cfg,
        tty: false,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.status === 'Downloading' && !controller.signal.aborted) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(abortedAt).toBeGreaterThan(0);
    const afterAbort = performance.now() - abortedAt;
    expect(afterAbort).toBeLessThan(budget(1000));
    console.info(`abort: rejected ${afterAbort.toFixed(0)} ms after abort() (${ms.toFixed(0)} ms in all)`);
    // The daemon cancels the pull when the request goes away; give it a moment to unwind.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await present(big)).toBe(false);
  });
});

describe('buildImage', () => {
  let context: string;

  beforeAll(async () => {
    context = join(scratch, 'build-context');
    await mkdir(join(context, 'logs'), { recursive: true });
    await mkdir(join(context, 'src'), { recursive: true });
    await writeFile(
      join(context, 'Dockerfile'),
      [
        'FROM busybox:latest AS base',
        'ARG GREETING=hello',
        'RUN echo "$GREETING" > /greeting',
        'COPY . /ctx/',
        'FROM base AS extra',
        'RUN echo extra > /stage',
        'FROM base AS final',
        'RUN echo final > /stage',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(context, 'Dockerfile.fail'),
      [
        'FROM busybox:latest',
        'RUN echo fine',
        'RUN echo "output-before-failure" && echo "to-stderr" >&2 && exit 7',
        'RUN echo never',
        '',
      ].join('\n'),
    );
    await writeFile(join(context, '.dockerignore'), ['secret.txt', 'logs/', '**/*.tmp', '!src/keep.tmp', ''].join('\n'));
    await writeFile(join(context, 'secret.txt'), 'do not ship');
    await writeFile(join(context, 'logs', 'a.log'), 'log');
    await writeFile(join(context, 'src', 'app.txt'), 'app');
    await writeFile(join(context, 'src', 'junk.tmp'), 'junk');
    await writeFile(join(context, 'src', 'keep.tmp'), 'keep');
  });

  async function runIn(ref: string, script: string): Promise<string> {
    const { stdout } = await run('docker', ['run', '--rm', ref, 'sh', '-c', script]);
    return stdout.trim();
  }

  it('honours .dockerignore, build args, labels and the default (last) stage', async () => {
    const tag = `berth-it/build:${RUN_ID}`;
    created.add(tag);
    const lines: string[] = [];
    const result = await buildImage(engine, {
      context,
      tag,
      buildArgs: { GREETING: 'bonjour' },
      labels: { [Labels.session]: `it-${RUN_ID}` },
      removeAtSessionEnd: true,
      onOutput: (line) => {
        lines.push(line);
        collectStepImages(line);
      },
    });
    expect(result.ref).toBe(tag);
    expect(result.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines.some((l) => l.startsWith('Step 1/'))).toBe(true);

    const files = (await runIn(tag, 'cd /ctx && find . -type f | sort')).split('\n');
    expect(files).toEqual(['./.dockerignore', './Dockerfile', './Dockerfile.fail', './src/app.txt', './src/keep.tmp']);
    expect(await runIn(tag, 'cat /greeting /stage')).toBe('bonjour\nfinal');

    const labels = (await engine.inspectImage(tag))?.Config.Labels ?? {};
    expect(labels[Labels.session]).toBe(`it-${RUN_ID}`);
    expect(labels[Labels.removeImage]).toBe('true');
  });

  it('builds a target stage, and names the image berth-build-<hash> by default', async () => {
    const result = await buildImage(engine, { context, target: 'extra', onOutput: collectStepImages });
    created.add(result.ref);
    expect(result.ref).toMatch(/^berth-build-[0-9a-f]{12}:latest$/);
    expect(await runIn(result.ref, 'cat /greeting /stage')).toBe('hello\nextra');
    expect((await engine.inspectImage(result.ref))?.Config.Labels?.[Labels.removeImage]).toBeUndefined();
  });

  it('a failing RUN step is a BuildError naming the step with its output', async () => {
    const tag = `berth-it/build-fail:${RUN_ID}`;
    created.add(tag);
    const { error, ms } = await timed(() =>
      buildImage(engine, { context, dockerfile: 'Dockerfile.fail', tag, onOutput: collectStepImages }),
    );
    expect(error).toBeInstanceOf(BuildError);
    const e = error as BuildError;
    expect(e.summary).toMatch(/at Step 3\/4 : RUN echo "output-before-failure"/);
    expect(e.summary).toMatch(/returned a non-zero code: 7/);
    expect(e.details.logTail).toEqual(expect.arrayContaining(['output-before-failure', 'to-stderr']));
    expect(e.message).toContain('| output-before-failure');
    expect(e.details.logTail?.join('\n')).not.toContain('never');
    expect(await present(tag)).toBe(false);
    // The image of the last good step is named so that it can be inspected (and removed here).
    expect(e.details.lastImageId).toMatch(/^[0-9a-f]{12,}$/);
    expect(e.hint).toContain(String(e.details.lastImageId));
    created.add(String(e.details.lastImageId));
    // forcerm: no intermediate container of the failed step is left behind.
    const { stdout } = await run('docker', ['ps', '-a', '--filter', 'status=exited', '--format', '{{.Command}}']);
    expect(stdout).not.toContain('output-before-failure');
    console.info(`failing build reported in ${ms.toFixed(0)} ms`);
  });
});

describe('buildImage: base images and builder limits', () => {
  it('pulls a private base image with the credentials the docker config holds (X-Registry-Config)', async () => {
    const context = await mkdtemp(join(scratch, 'private-base-'));
    await writeFile(join(context, 'Dockerfile'), `FROM ${small}\nRUN echo built-on-private > /marker\n`);
    await engine.removeImage(small, true);
    expect(await present(small)).toBe(false);
    const tag = `berth-it/private-base:${RUN_ID}`;
    created.add(tag);
    // Without credentials the engine's pull of the base image is refused: a BuildError.
    const refused = await timed(() => buildImage(engine, { context, tag, config: readConfig({ DOCKER_CONFIG: scratch }, scratch) }));
    expect(refused.error).toBeInstanceOf(BuildError);
    expect((refused.error as BuildError).message).toMatch(/unauthorized|authentication required|no basic auth/i);
    await buildImage(engine, { context, tag, config: await configWith(goodAuths()), onOutput: collectStepImages });
    expect(await present(small)).toBe(true);
    const { stdout } = await run('docker', ['run', '--rm', tag, 'cat', '/marker']);
    expect(stdout.trim()).toBe('built-on-private');
  });

  it('abort during a build rejects promptly; the engine stops the step and leaves no container', async () => {
    const context = await mkdtemp(join(scratch, 'abort-build-'));
    const marker = `berth-abort-${RUN_ID}`;
    await writeFile(join(context, 'Dockerfile'), `FROM busybox:latest\nRUN echo ${marker} && sleep 60\n`);
    const tag = `berth-it/aborted-build:${RUN_ID}`;
    created.add(tag);
    const controller = new AbortController();
    const promise = buildImage(engine, {
      context,
      tag,
      signal: controller.signal,
      onOutput: (line) => {
        collectStepImages(line);
        if (line.includes(marker)) controller.abort();
      },
    });
    const { error, ms } = await timed(() => promise);
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(30_000);
    expect(await present(tag)).toBe(false);
    const running = async () => (await run('docker', ['ps', '-a', '--format', '{{.Command}}'])).stdout.includes(marker);
    await expect.poll(running, { timeout: budget(20_000), interval: 200 }).toBe(false);
  });

  it('a Dockerfile that needs BuildKit (RUN --mount) is a BuildError that says so', async () => {
    const context = await mkdtemp(join(scratch, 'buildkit-'));
    await writeFile(join(context, 'Dockerfile'), 'FROM busybox:latest\nRUN --mount=type=tmpfs,target=/scratch echo hi\n');
    const tag = `berth-it/needs-buildkit:${RUN_ID}`;
    created.add(tag);
    const { error, ms } = await timed(() => buildImage(engine, { context, tag, onOutput: collectStepImages }));
    expect(error).toBeInstanceOf(BuildError);
    const e = error as BuildError;
    expect(e.details.needsBuildKit).toBe(true);
    expect(e.hint).toMatch(/classic builder.*BuildKit-only syntax.*docker buildx build -t berth-it\/needs-buildkit/);
    expect(await present(tag)).toBe(false);
    console.info(`BuildKit-only Dockerfile refused in ${ms.toFixed(0)} ms: ${e.summary}`);
  });
});

describe('credentials stay out of debug output', () => {
  it('DEBUG=berth:* output of a good and a bad pull holds no password', async () => {
    const requireFromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
    const createDebug = requireFromCore('debug') as { enable(ns: string): void; disable(): string };
    const secretPassword = registry.password;
    const inline = JSON.stringify({ auths: { [registry.host]: { username: registry.username, password: secretPassword } } });
    const cfg = await configWith(
      { auths: { [registry.host]: { auth: b64(`${registry.username}:${secretPassword}`) } } },
      { DOCKER_AUTH_CONFIG: inline },
    );
    const wrong = await configWith({ auths: { [registry.host]: { auth: b64(`${registry.username}:not-${secretPassword}`) } } });

    let captured = '';
    const original = process.stderr.write.bind(process.stderr);
    const previous = createDebug.disable();
    createDebug.enable('berth:*');
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      await ensureImage(engine, small, { config: cfg, tty: false, pullPolicy: 'always' });
      await ensureImage(engine, small, { config: wrong, tty: false, pullPolicy: 'always' }).catch((e) => {
        captured += `${String(e?.message)}\n${String(e?.hint)}\n`;
      });
    } finally {
      process.stderr.write = original;
      createDebug.disable();
      if (previous) createDebug.enable(previous);
      await engine.removeImage(small, true);
    }
    expect(captured).toMatch(/berth:image/);
    expect(captured).toContain('DOCKER_AUTH_CONFIG auths[');
    for (const leaked of [secretPassword, b64(`${registry.username}:${secretPassword}`), `not-${secretPassword}`]) {
      expect(captured).not.toContain(leaked);
    }
  });
});
