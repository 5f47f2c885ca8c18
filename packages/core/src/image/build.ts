/**
 * `buildImage`: build an image from a context directory with the engine's classic builder
 * (`POST /build` with version '1': no BuildKit session needed, on Docker and on Podman's Docker
 * API). The context is packed honouring `.dockerignore`; a failing step becomes a BuildError naming
 * the step and its output; a Dockerfile that needs BuildKit is refused with a hint saying so.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { BerthConfig } from '../config.js';
import type { BuildParameters, RegistryConfig } from '../engine/build.js';
import type { Engine } from '../engine/engine.js';
import { engineMessageOf } from '../engine/failure.js';
import { AbortError, BuildError, InvalidSpecError, isBerthError, throwIfAborted } from '../errors.js';
import { debug } from '../log.js';
import { Labels } from '../session/labels.js';
import { ensureSession } from '../session/session.js';
import { recorder } from '../trace/recorder.js';
import { DOCKER_HUB_AUTH_KEY, resolveRegistryAuth } from './auth.js';
import { readJsonLines, streamError } from './json-lines.js';
import { parseImageReference } from './reference.js';

const log = debug('image:build');

/** How many output lines of the failing step a BuildError carries. */
const TAIL_LINES = 30;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
/** The builder's own bookkeeping lines, left out of a failing step's output. */
const BUILDER_NOISE = /^(?: ---> |--> |Removing intermediate container |Successfully (?:built|tagged) |COMMIT )/;
/**
 * A step's first line: Docker's classic builder says "Step 2/5 : RUN x"; Podman's buildah says
 * "STEP 2/5: RUN x", with "[1/3] " before it in a multi-stage build.
 */
const STEP_LINE = /^(?:\[\d+\/\d+\] )?(?:Step|STEP) \d+\/\d+ ?: /;
/** What the engines answer to syntax only BuildKit understands. */
const NEEDS_BUILDKIT = /requires BuildKit|--mount option requires|unknown flag: (?:mount|security|network)|heredoc|Unknown flag: mount/i;

export interface BuildImageOptions {
  /** The context directory. */
  context: string;
  /** Dockerfile path relative to the context. Default `Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  /** Stage to build in a multi-stage Dockerfile. */
  target?: string;
  /** Name for the result; default `berth-build-<hash of the inputs>:latest`. */
  tag?: string;
  /** Labels put on the image (a session's labels when the image belongs to one). */
  labels?: Record<string, string>;
  /** Adds `dev.berth.remove-at-end=true` so that the session's cleanup removes the image. */
  removeAtSessionEnd?: boolean;
  /** Always try to pull newer base images. */
  pull?: boolean;
  noCache?: boolean;
  /** Configuration to read registry credentials for base images from; default: the process's. */
  config?: BerthConfig;
  /** Platform to build for (`linux/amd64`, `linux/arm64/v8`); default: the engine's own. */
  platform?: string;
  signal?: AbortSignal;
  /** Each line of build output, as the engine sends it. */
  onOutput?: (line: string) => void;
}

export interface BuildImageResult {
  /** The tag given to the image. */
  ref: string;
  /** Image id (`sha256:...`). */
  id: string;
}

export async function buildImage(engine: Engine, options: BuildImageOptions): Promise<BuildImageResult> {
  const checked = await validate(options);
  const span = recorder().begin('build', 'image', { image: checked.tag });
  try {
    const { result, bytes } = await buildChecked(engine, options, checked);
    span.end({ bytes });
    return result;
  } catch (error) {
    span.end({ failed: true });
    throw error;
  }
}

async function buildChecked(
  engine: Engine,
  options: BuildImageOptions,
  { contextDir, dockerfile, tag }: { contextDir: string; dockerfile: string; tag: string },
): Promise<{ result: BuildImageResult; bytes: number }> {
  const started = performance.now();
  throwIfAborted(options.signal, `building ${tag}`);
  const elapsed = () => Math.round(performance.now() - started);

  // The context packer (tar-fs, dockerignore) is loaded on the first build only.
  const { packContext, readDockerignore, selectContextFiles } = await import('./context.js');
  const patterns = await readDockerignore(contextDir);
  const files = await selectContextFiles(contextDir, patterns, dockerfile);
  log(
    'building %s from %s (%s; %d paths sent, %d left out by .dockerignore)',
    tag,
    contextDir,
    dockerfile,
    files.included.size,
    files.excludedCount,
  );

  // An image removed at session end must belong to the session: the cleanup finds it by both labels.
  const sessionLabels = options.removeAtSessionEnd && !options.labels?.[Labels.session] ? (await ensureSession(engine)).labels : {};
  const labels = { ...(options.labels ?? {}), ...sessionLabels, ...(options.removeAtSessionEnd ? { [Labels.removeImage]: 'true' } : {}) };
  const registryConfig = await baseImageCredentials(contextDir, dockerfile, options);
  const buildOptions: BuildParameters = {
    t: tag,
    dockerfile,
    version: '1',
    rm: true,
    // Remove intermediate containers of a failed step too: a failed build leaves nothing running.
    forcerm: true,
    ...(options.buildArgs && Object.keys(options.buildArgs).length > 0 ? { buildargs: options.buildArgs } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(options.pull ? { pull: true } : {}),
    ...(options.noCache ? { nocache: true } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(registryConfig ? { registryConfig } : {}),
  };

  // The image of the last step that succeeded: where to look when the next one fails.
  let lastImageId: string | undefined;
  const fail = (message: string, step: string | undefined, tail: string[], cause?: unknown) => {
    const buildkit = NEEDS_BUILDKIT.test(message);
    return new BuildError(`building ${tag} failed${step ? ` at ${step}` : ''}: ${message.trim()}`, {
      details: {
        image: tag,
        phase: 'build',
        elapsedMs: elapsed(),
        context: contextDir,
        dockerfile,
        ...(step ? { step } : {}),
        ...(lastImageId ? { lastImageId } : {}),
        ...(buildkit ? { needsBuildKit: true } : {}),
        logTail: tail,
      },
      ...(buildkit
        ? {
            hint: `berth builds with the engine's classic builder, and this Dockerfile uses BuildKit-only syntax (RUN --mount, heredocs, ...): build it with \`docker buildx build -t ${tag} ${contextDir}\` before the run and use the tag as the image, or keep to classic syntax`,
          }
        : lastImageId
          ? { hint: `the last step that worked produced image ${lastImageId}; docker run -it --rm ${lastImageId} sh looks inside` }
          : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  };

  const signal = options.signal;
  let stream: Awaited<ReturnType<Engine['buildStream']>>;
  try {
    stream = await engine.buildStream(packContext(contextDir, files), buildOptions, signal);
  } catch (error) {
    if (signal?.aborted) throw new AbortError(`building ${tag} was aborted`, { cause: signal.reason });
    throw fail(engineMessageOf(error), undefined, [], error);
  }

  let step: string | undefined;
  let stepLines: string[] = [];
  try {
    for await (const message of readJsonLines(stream, signal, `building ${tag}`)) {
      const error = streamError(message);
      if (error !== undefined) throw fail(error, step, stepLines.slice(-TAIL_LINES));
      const text = message.stream ?? message.status;
      if (!text) continue;
      for (const raw of text.split('\n')) {
        // The classic builder colours a step's stderr with ANSI escapes.
        const line = raw.replace(ANSI, '').trimEnd();
        if (line === '') continue;
        options.onOutput?.(line);
        log('%s | %s', tag, line);
        if (STEP_LINE.test(line)) {
          step = line;
          stepLines = [];
        } else if (BUILDER_NOISE.test(line)) {
          const layer = /^ ?--->? ([0-9a-f]{12,64})$/.exec(line);
          if (layer) lastImageId = layer[1];
        } else {
          stepLines.push(line);
          if (stepLines.length > TAIL_LINES * 4) stepLines = stepLines.slice(-TAIL_LINES);
        }
      }
    }
  } catch (error) {
    if (isBerthError(error)) throw error;
    throw fail(engineMessageOf(error), step, stepLines.slice(-TAIL_LINES), error);
  }

  // Inspecting the tag confirms the build landed and gives the full id.
  const inspected = await engine.inspectImage(tag);
  if (!inspected) throw fail('the build stream ended without an error, but the image is not there', step, stepLines.slice(-TAIL_LINES));
  log('built %s (%s) in %d ms', tag, inspected.Id.slice(7, 19), elapsed());
  // The image's size stands for the bytes a build costs (the engine reports no transfer figure).
  return { result: { ref: tag, id: inspected.Id }, bytes: inspected.Size ?? 0 };
}

async function validate(options: BuildImageOptions): Promise<{ contextDir: string; dockerfile: string; tag: string }> {
  if (!options || typeof options.context !== 'string' || options.context === '') {
    throw new InvalidSpecError('expected `context` to be a directory path, got ' + JSON.stringify(options?.context));
  }
  const contextDir = resolve(options.context);
  const info = await stat(contextDir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new InvalidSpecError(
      `expected \`context\` to be a directory, got "${options.context}" (${info ? 'not a directory' : 'does not exist'})`,
    );

  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const dockerfilePath = resolve(contextDir, dockerfile);
  const inside = relative(contextDir, dockerfilePath);
  if (isAbsolute(dockerfile) || inside.startsWith('..')) {
    throw new InvalidSpecError(`expected \`dockerfile\` to be a path inside the context, got "${dockerfile}"`);
  }
  if (!(await stat(dockerfilePath).catch(() => undefined))?.isFile()) {
    throw new InvalidSpecError(`expected \`dockerfile\` to name a file, but "${dockerfilePath}" does not exist`);
  }

  if (
    options.platform !== undefined &&
    (typeof options.platform !== 'string' || !/^[a-z0-9_]+\/[a-z0-9_]+(?:\/[a-z0-9_]+)?$/.test(options.platform))
  ) {
    throw new InvalidSpecError(
      `expected \`platform\` to be os/arch[/variant] such as linux/amd64, got ${JSON.stringify(options.platform)}`,
    );
  }
  for (const [key, value] of Object.entries(options.buildArgs ?? {})) {
    if (typeof value !== 'string') throw new InvalidSpecError(`expected \`buildArgs.${key}\` to be a string, got ${JSON.stringify(value)}`);
  }

  let tag = options.tag ?? `berth-build-${inputHash(contextDir, inside, options)}:latest`;
  const ref = parseImageReference(tag);
  if (ref.digest) throw new InvalidSpecError(`expected \`tag\` to be a name[:tag] without a digest, got "${tag}"`);
  if (!/:[\w][\w.-]*$/.test(tag.slice(tag.lastIndexOf('/') + 1))) tag = `${tag}:latest`;
  return { contextDir, dockerfile: inside.split('\\').join('/'), tag };
}

/** A stable name for the same inputs: context, Dockerfile, target and build args. */
function inputHash(contextDir: string, dockerfile: string, options: BuildImageOptions): string {
  const args = Object.entries(options.buildArgs ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([contextDir, dockerfile, options.target ?? '', args]))
    .digest('hex')
    .slice(0, 12);
}

/**
 * Credentials for the registries the Dockerfile's FROM lines name, so that the engine can pull
 * private base images (sent as X-Registry-Config; the engine uses the entry of the registry it
 * pulls from). Stage names and references built from ARGs are left to the engine as they are.
 */
async function baseImageCredentials(
  contextDir: string,
  dockerfile: string,
  { config, signal }: Pick<BuildImageOptions, 'config' | 'signal'>,
): Promise<RegistryConfig | undefined> {
  const text = await readFile(resolve(contextDir, dockerfile), 'utf8');
  const registries = new Set<string>();
  const stages = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from?.[1]) continue;
    const ref = from[1];
    if (!ref.includes('$') && ref !== 'scratch' && !stages.has(ref.toLowerCase())) {
      try {
        registries.add(parseImageReference(ref).registry);
      } catch {
        // The engine reports a malformed reference in its own words.
      }
    }
    if (from[2]) stages.add(from[2].toLowerCase());
  }
  const credentials: RegistryConfig = {};
  for (const registry of registries) {
    const found = await resolveRegistryAuth(registry, { ...(config ? { config } : {}), ...(signal ? { signal } : {}) });
    if (!found) continue;
    const key = registry === 'docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
    credentials[key] = found.auth;
  }
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}
