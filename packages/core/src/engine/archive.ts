/** Copying into and out of a container as tar archives (`/containers/{id}/archive`). */
import type { Readable } from 'node:stream';
import { shortId } from './failure.js';
import type { Transport } from './transport.js';

export async function putArchive(t: Transport, id: string, path: string, tar: Readable | Buffer, signal?: AbortSignal): Promise<void> {
  await t.call({
    method: 'PUT',
    path: `/containers/${encodeURIComponent(id)}/archive`,
    query: { path },
    body: tar,
    contentType: 'application/x-tar',
    signal,
    what: `copying into ${path} of container ${shortId(id)}`,
    subject: { kind: 'archive', ref: id, path },
  });
}

/** A tar stream of `path` (file or directory); a missing path is FileNotFoundInContainerError. */
export async function getArchive(t: Transport, id: string, path: string, signal?: AbortSignal): Promise<Readable> {
  const { body } = await t.request({
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/archive`,
    query: { path },
    signal,
    what: `copying ${path} out of container ${shortId(id)}`,
    subject: { kind: 'archive', ref: id, path },
  });
  return body;
}
