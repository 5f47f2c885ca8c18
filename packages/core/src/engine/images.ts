/** Image calls: inspect, the pull stream, remove, list. Builds live in build.ts (they need dockerode). */
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

export async function listImages(t: Transport, labels: Record<string, string | true>): Promise<ImageSummary[]> {
  return t.json<ImageSummary[]>({ method: 'GET', path: '/images/json', query: { filters: labelFilters(labels) }, what: 'listing images' });
}
