/** Volume calls: create, remove, inspect, list. */
import { EngineError } from '../errors.js';
import { labelFilters } from './filters.js';
import type { Transport } from './transport.js';
import type { VolumeSummary } from './types.js';

const path = (name: string) => `/volumes/${encodeURIComponent(name)}`;
const gone = (error: unknown) => error instanceof EngineError && error.status === 404;

export async function createVolume(
  t: Transport,
  options: { name: string; labels: Record<string, string>; driver?: string; driverOpts?: Record<string, string> },
): Promise<string> {
  const created = await t.json<VolumeSummary>({
    method: 'POST',
    path: '/volumes/create',
    json: {
      Name: options.name,
      Labels: options.labels,
      Driver: options.driver ?? 'local',
      ...(options.driverOpts ? { DriverOpts: options.driverOpts } : {}),
    },
    what: `creating volume ${options.name}`,
    subject: { kind: 'volume', ref: options.name },
  });
  return created?.Name ?? options.name;
}

export async function removeVolume(t: Transport, name: string): Promise<void> {
  try {
    await t.call({
      method: 'DELETE',
      path: path(name),
      query: { force: true },
      what: `removing volume ${name}`,
      subject: { kind: 'volume', ref: name },
    });
  } catch (error) {
    if (!gone(error)) throw error;
  }
}

export async function inspectVolume(t: Transport, name: string): Promise<VolumeSummary | undefined> {
  try {
    return await t.json<VolumeSummary>({
      method: 'GET',
      path: path(name),
      what: `inspecting volume ${name}`,
      subject: { kind: 'volume', ref: name },
    });
  } catch (error) {
    if (gone(error)) return undefined;
    throw error;
  }
}

export async function listVolumes(t: Transport, labels: Record<string, string | true>): Promise<VolumeSummary[]> {
  const result = await t.json<{ Volumes: VolumeSummary[] | null }>({
    method: 'GET',
    path: '/volumes',
    query: { filters: labelFilters(labels) },
    what: 'listing volumes',
  });
  return result?.Volumes ?? [];
}
