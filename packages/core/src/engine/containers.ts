/**
 * Container lifecycle calls: create, start, inspect, stop, restart, remove, wait, list. "Already
 * gone" and "already stopped" count as success where the caller wants the end state, not the act.
 */
import { scaledTimeout } from '../config.js';
import { AbortError, ContainerNotFoundError, EngineError } from '../errors.js';
import { debug } from '../log.js';
import { onAbort } from './abort.js';
import { adaptCreateBody } from './api-versions.js';
import { httpStatusOf, shortId as short } from './failure.js';
import { labelFilters } from './filters.js';
import type { Transport } from './transport.js';
import type { ContainerCreateBody, ContainerInspect, ContainerSummary } from './types.js';

/** How long an aborted create may still take to answer before berth stops waiting and cleans up by name. */
const CREATE_GRACE_MS = 5000;
/** How long a removal waits for another removal of the same container already under way. */
const REMOVAL_WAIT_MS = 30_000;

const log = debug('engine');
const path = (id: string, rest = '') => `/containers/${encodeURIComponent(id)}${rest}`;

/**
 * Creates a container and returns its id. An abort does not cut the request: the engine may finish a
 * create whose client went away, after any cleanup could have seen it. Instead the call waits for the
 * answer (milliseconds), removes what was made, and then throws AbortError; only if the engine takes
 * longer than CREATE_GRACE_MS does it give up on the answer and remove the container by its name.
 */
export async function createContainer(t: Transport, body: ContainerCreateBody, signal?: AbortSignal): Promise<string> {
  const adapted = adaptCreateBody(body, t.prefix);
  for (const note of adapted.notes) log('%s', note);
  const { name, platform, ...rest } = adapted.body;
  const what = `creating container${name ? ` ${name}` : ''}`;
  if (signal?.aborted) throw new AbortError(`${what} was aborted`, { cause: signal.reason });
  const cut = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const unlisten = onAbort(signal, () => {
    grace = setTimeout(() => cut.abort(signal?.reason), CREATE_GRACE_MS);
  });
  let id: string | undefined;
  // Whether the engine answered with an error (then it made nothing, and the name may be someone else's).
  let refused = false;
  try {
    // name and platform are query parameters; env values stay out of the URL, in the body.
    const created = await t.json<{ Id: string; Warnings?: string[] | null }>({
      method: 'POST',
      path: '/containers/create',
      query: { name, platform },
      json: rest,
      signal: cut.signal,
      what,
      subject: { kind: 'container', ref: name ?? '' },
    });
    id = created.Id;
    // Usually none (Docker 20.10 and 26, Podman 5 answer []); any there is goes to the debug log.
    for (const warning of created.Warnings ?? []) log('creating container %s: engine warning: %s', short(id), warning);
  } catch (error) {
    if (!signal?.aborted) throw error;
    // Any answer from the engine (409 name in use, 404 no such image, ...) means it made nothing, so
    // there is nothing to remove, least of all another process's container of that name.
    refused = httpStatusOf(error) !== undefined;
  } finally {
    unlisten();
    if (grace) clearTimeout(grace);
  }
  if (signal?.aborted) {
    const target = id ?? (refused ? undefined : name);
    if (target) await removeContainer(t, target).catch(() => undefined);
    throw new AbortError(`${what} was aborted; the container was removed`, { cause: signal.reason });
  }
  return id as string;
}

export async function startContainer(t: Transport, id: string, signal?: AbortSignal): Promise<void> {
  await t.call({
    method: 'POST',
    path: path(id, '/start'),
    signal,
    what: `starting container ${short(id)}`,
    subject: { kind: 'container', ref: id },
  });
}

export async function inspectContainer(t: Transport, id: string, signal?: AbortSignal): Promise<ContainerInspect | undefined> {
  try {
    return await t.json<ContainerInspect>({
      method: 'GET',
      path: path(id, '/json'),
      signal,
      what: `inspecting container ${short(id)}`,
      subject: { kind: 'container', ref: id },
    });
  } catch (error) {
    if (error instanceof ContainerNotFoundError) return undefined;
    throw error;
  }
}

export async function stopContainer(t: Transport, id: string, timeoutSeconds?: number, signal?: AbortSignal): Promise<void> {
  try {
    await t.call({
      method: 'POST',
      path: path(id, '/stop'),
      query: { t: timeoutSeconds },
      signal,
      what: `stopping container ${short(id)}`,
      subject: { kind: 'container', ref: id },
    });
  } catch (error) {
    if (error instanceof ContainerNotFoundError) return;
    throw error;
  }
}

export async function restartContainer(t: Transport, id: string, timeoutSeconds?: number, signal?: AbortSignal): Promise<void> {
  await t.call({
    method: 'POST',
    path: path(id, '/restart'),
    query: { t: timeoutSeconds },
    signal,
    what: `restarting container ${short(id)}`,
    subject: { kind: 'container', ref: id },
  });
}

/**
 * Sends SIGKILL; a container that is gone or not running counts as killed (Docker and Podman answer
 * 404 and 409 for those).
 */
async function killContainer(t: Transport, id: string): Promise<void> {
  try {
    await t.call({
      method: 'POST',
      path: path(id, '/kill'),
      what: `killing container ${short(id)}`,
      subject: { kind: 'container', ref: id },
    });
  } catch (error) {
    if (error instanceof ContainerNotFoundError || httpStatusOf(error) === 409) return;
    throw error;
  }
}

/**
 * Kills and removes, by default with anonymous volumes; idempotent (gone, or removal already under
 * way). The kill comes first because a forced DELETE means different things: Docker kills at once,
 * Podman 5 stops gracefully (SIGTERM, then its stop timeout, 10 s by default) before removing.
 */
export async function removeContainer(t: Transport, id: string, options: { volumes?: boolean } = {}): Promise<void> {
  try {
    await killContainer(t, id);
    await t.call({
      method: 'DELETE',
      path: path(id),
      query: { force: true, v: options.volumes ?? true },
      what: `removing container ${short(id)}`,
      subject: { kind: 'container', ref: id },
    });
  } catch (error) {
    if (error instanceof ContainerNotFoundError) return;
    if (error instanceof EngineError && error.status === 409 && /already in progress/i.test(error.engineMessage ?? '')) {
      // Someone else's removal (a service's own stop beside the session's cleanup on a signal) is
      // under way: "removed" means gone, so wait for it rather than report success early, or a
      // process exits while its containers still show in `docker ps -a`.
      await waitUntilRemoved(t, id);
      return;
    }
    throw error;
  }
}

/**
 * Resolves once the container no longer exists (one long poll; a container already gone is fine).
 * Bounded: if the other removal fails, the container stays, and that removal reports it.
 */
async function waitUntilRemoved(t: Transport, id: string): Promise<void> {
  const signal = AbortSignal.timeout(scaledTimeout(REMOVAL_WAIT_MS));
  try {
    await t.call({
      method: 'POST',
      path: path(id, '/wait'),
      query: { condition: 'removed' },
      signal,
      what: `waiting for container ${short(id)} to be removed`,
      subject: { kind: 'container', ref: id },
    });
  } catch (error) {
    if (error instanceof ContainerNotFoundError || signal.aborted) return;
    throw error;
  }
}

/** Resolves with the exit code once the container is not running (one long poll). */
export async function waitForExit(t: Transport, id: string, signal?: AbortSignal): Promise<number> {
  const result = await t.json<{ StatusCode: number }>({
    method: 'POST',
    path: path(id, '/wait'),
    signal,
    what: `waiting for container ${short(id)} to exit`,
    subject: { kind: 'container', ref: id },
  });
  return result.StatusCode;
}

export async function listContainers(
  t: Transport,
  labels: Record<string, string | true>,
  all = true,
  signal?: AbortSignal,
): Promise<ContainerSummary[]> {
  return t.json<ContainerSummary[]>({
    method: 'GET',
    path: '/containers/json',
    query: { all, filters: labelFilters(labels) },
    signal,
    what: 'listing containers',
  });
}

/**
 * Commits a container's filesystem to a new image `repo:tag` (the container is paused meanwhile).
 * `labels` are laid over the container's own (the engine merges, it cannot drop one). Returns the
 * image id.
 */
export async function commitContainer(
  t: Transport,
  id: string,
  options: { repo: string; tag: string; labels: Record<string, string> },
  signal?: AbortSignal,
): Promise<string> {
  const result = await t.json<{ Id?: string }>({
    method: 'POST',
    path: '/commit',
    query: { container: id, repo: options.repo, tag: options.tag, pause: true },
    json: { Labels: options.labels },
    signal,
    what: `committing container ${short(id)}`,
    subject: { kind: 'container', ref: id },
  });
  return result?.Id ?? '';
}
