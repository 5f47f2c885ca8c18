/** Image calls: inspect, the pull stream, remove, list. Builds live in build.ts. */
import type { Readable } from 'node:stream';
import { EngineError, ImageNotFoundError } from '../errors.js';
import { labelFilters } from './filters.js';
import type { Transport } from './transport.js';
import type { ImageInspect, ImageSummary } from './types.js';

// Image references go into the path as they are (the engine's router reads "registry:5000/a/b:tag" whole).
const path = (ref: string, rest = '') => `/images/${ref}${rest}`;

export async function inspectImage(t: Transport, ref: string, signal?: AbortSignal): Promise<ImageInspect | undefined> {
  try {
    return await t.json<ImageInspect>({
      method: 'GET',
      path: path(ref, '/json'),
      signal,
      what: `inspecting image ${ref}`,
      subject: { kind: 'image', ref },
    });
  } catch (error) {
    if (error instanceof ImageNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Starts a pull and returns the engine's progress stream (JSON lines; see image/pull.ts). Credentials
 * travel in the X-Registry-Auth header as URL-safe base64 of their JSON, as the engine expects.
 */
export async function pullStream(
  t: Transport,
  ref: string,
  auth: Record<string, unknown> | undefined,
  platform: string | undefined,
  signal?: AbortSignal,
): Promise<Readable> {
  const headers: Record<string, string> = {};
  if (auth) headers['x-registry-auth'] = Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const { body } = await t.request({
    method: 'POST',
    path: '/images/create',
    query: { fromImage: ref, platform },
    headers,
    signal,
    what: `pulling ${ref}`,
    subject: { kind: 'image', ref },
  });
  return body;
}

export async function removeImage(t: Transport, ref: string, force = false): Promise<void> {
  try {
    await t.call({ method: 'DELETE', path: path(ref), query: { force }, what: `removing image ${ref}`, subject: { kind: 'image', ref } });
  } catch (error) {
    if (error instanceof ImageNotFoundError) return;
    if (error instanceof EngineError && error.status === 404) return;
    throw error;
  }
}

/**
 * Images carrying every one of `labels`. The engine is asked for the first label only and the rest
 * are checked here: Podman 4.3's /images/json answers nothing at all for two label filters (and
 * either of them in the map form), which would let a session's built images outlive it.
 */
export async function listImages(t: Transport, labels: Record<string, string | true>): Promise<ImageSummary[]> {
  const entries = Object.entries(labels);
  const first = entries.slice(0, 1);
  const found = await t.json<ImageSummary[]>({
    method: 'GET',
    path: '/images/json',
    query: { filters: labelFilters(Object.fromEntries(first)) },
    what: 'listing images',
  });
  return (found ?? []).filter((image) =>
    entries.every(([key, value]) => {
      const actual = image.Labels?.[key];
      return value === true ? actual !== undefined : actual === value;
    }),
  );
}
