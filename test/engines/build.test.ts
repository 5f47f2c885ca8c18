// Image builds on any Docker-API engine (scripts/test-engines runs this file beside the contract):
// POST /build with the classic builder, a tar context honouring .dockerignore, build args, a target
// stage, labels, a failing RUN step, and what the engine says to BuildKit-only syntax. The images
// belong to the session and go with it. The docker CLI (same environment) is the oracle.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildError, buildImage, currentSession, endSession, getEngine, start } from '@berth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../support/docker.js';

const RUN_ID = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const ENGINE = process.env.DOCKER_HOST ?? 'default socket';
let context: string;
const built: string[] = [];
/**
 * Step images the builder keeps as cache: a stage the result does not use stays behind untagged
 * (Docker prints " ---> id" after each step, Podman "--> id"). Removed in afterAll, newest first.
 */
const stepImages: string[] = [];
const collect = (line: string) => {
  const id = /^ ?--->? ([0-9a-f]{12,64})$/.exec(line)?.[1];
  if (id) stepImages.push(id);
};

beforeAll(() => {
  context = mkdtempSync(join(tmpdir(), 'berth-engines-build-'));
  mkdirSync(join(context, 'src'));
  mkdirSync(join(context, 'logs'));
  writeFileSync(
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
  writeFileSync(join(context, 'Dockerfile.fail'), 'FROM busybox:latest\nRUN echo before-failure && echo on-stderr >&2 && exit 7\n');
  writeFileSync(
    join(context, 'Dockerfile.mount'),
    'FROM busybox:latest\nRUN --mount=type=tmpfs,target=/scratch touch /scratch/x && echo mounted > /m\n',
  );
  writeFileSync(join(context, '.dockerignore'), 'secret.txt\nlogs/\n**/*.tmp\n!src/keep.tmp\n');
  writeFileSync(join(context, 'secret.txt'), 'do not ship');
  writeFileSync(join(context, 'logs', 'a.log'), 'log');
  writeFileSync(join(context, 'src', 'app.txt'), 'app');
  writeFileSync(join(context, 'src', 'junk.tmp'), 'junk');
  writeFileSync(join(context, 'src', 'keep.tmp'), 'keep');
});

afterAll(async () => {
  await endSession();
  // removeAtSessionEnd: the session's cleanup removed every image built here.
  for (const ref of built) expect(await docker('images', '-q', ref), ref).toBe('');
  for (const id of stepImages.reverse()) {
    const tags = await docker('image', 'inspect', '--format', '{{len .RepoTags}}', id).catch(() => 'gone');
    if (tags === '0') await docker('rmi', id).catch(() => undefined);
  }
});

async function output(image: string, script: string): Promise<string> {
  await using c = await start({ image, command: ['sh', '-c', 'echo up; exec sleep 3600'] });
  const result = await c.exec(['sh', '-c', script]);
  return result.stdout.trim();
}

describe(`image builds (${ENGINE})`, () => {
  it('build args, the last stage, .dockerignore and labels', async () => {
    const tag = `berth-engines/build:${RUN_ID}`;
    built.push(tag);
    const lines: string[] = [];
    const result = await buildImage(await getEngine(), {
      context,
      tag,
      buildArgs: { GREETING: 'bonjour' },
      removeAtSessionEnd: true,
      onOutput: (l) => {
        lines.push(l);
        collect(l);
      },
    });
    expect(result.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      lines.some((l) => /^(?:\[1\/\d+\] )?(?:Step|STEP) 1\/\d+ ?: FROM busybox/.test(l)),
      lines.join('\n'),
    ).toBe(true);
    expect(await output(tag, 'cat /greeting /stage')).toBe('bonjour\nfinal');
    expect((await output(tag, 'cd /ctx && find . -type f | sort')).split('\n')).toEqual([
      './.dockerignore',
      './Dockerfile',
      './Dockerfile.fail',
      './Dockerfile.mount',
      './src/app.txt',
      './src/keep.tmp',
    ]);
    const labels = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Config.Labels}}', tag)) as Record<string, string>;
    expect(labels['dev.berth.session']).toBe((await currentSession())?.id);
  });

  it('a target stage', async () => {
    const tag = `berth-engines/build-extra:${RUN_ID}`;
    built.push(tag);
    await buildImage(await getEngine(), { context, tag, target: 'extra', removeAtSessionEnd: true, onOutput: collect });
    expect(await output(tag, 'cat /greeting /stage')).toBe('hello\nextra');
  });

  it('a failing RUN step is a BuildError with the step and its output', async () => {
    const tag = `berth-engines/build-fail:${RUN_ID}`;
    const error = (await buildImage(await getEngine(), {
      context,
      tag,
      dockerfile: 'Dockerfile.fail',
      removeAtSessionEnd: true,
      onOutput: collect,
    }).catch((e) => e)) as BuildError;
    expect(error).toBeInstanceOf(BuildError);
    expect(error.summary).toMatch(/failed at (?:Step|STEP) 2\/\d+ ?: RUN echo before-failure/);
    expect(error.details.logTail).toEqual(expect.arrayContaining(['before-failure', 'on-stderr']));
    expect(await docker('images', '-q', tag)).toBe('');
  });

  it('RUN --mount: built where the engine understands it (Podman), else a BuildError that says BuildKit is needed (Docker)', async () => {
    const tag = `berth-engines/build-mount:${RUN_ID}`;
    built.push(tag);
    const outcome = await buildImage(await getEngine(), {
      context,
      tag,
      dockerfile: 'Dockerfile.mount',
      removeAtSessionEnd: true,
      onOutput: collect,
    }).catch((e) => e);
    if (outcome instanceof BuildError) {
      expect(outcome.details.needsBuildKit, outcome.message).toBe(true);
      expect(outcome.hint).toMatch(/docker buildx build/);
    } else {
      expect(await output(tag, 'cat /m')).toBe('mounted');
    }
    console.info(`${ENGINE}: RUN --mount ${outcome instanceof BuildError ? 'refused: BuildKit needed' : 'built'}`);
  });
});
