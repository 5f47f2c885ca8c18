/**
 * What `berth up` keeps, recorded on the engine: one small volume per service it started, named
 * `berth-up-<hash16>-<config8>` and labelled with the reused container's identity hash, the config
 * file (absolute path) and the service name. No session label: it outlives the `berth up` process.
 *
 * - A test run adopts an up-marked container: a declared service whose identity matches a marker is
 *   started through reuse even when reuse is off for the run (container/start.ts).
 * - `berth down` removes the markers of its config, and the containers no other config's marker
 *   names (cli/down.ts).
 * - The reuse sweep lists the markers with their group, and keeps the group for the TTL that was in
 *   force when `berth up` ran (a later run with a shorter BERTH_REUSE_TTL does not cut it short);
 *   an expired group goes with its markers (session/reuse-sweep.ts).
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { BERTH_VERSION, Labels } from './labels.js';

export interface UpMarker {
  name: string;
  hash: string;
  configFile: string;
  service: string | undefined;
  /** The reuse TTL in force when `berth up` made it. */
  ttlMs: number | undefined;
  createdMs: number | undefined;
}

export function upMarkerName(hash: string, configFile: string): string {
  const config = createHash('sha256').update(configFile).digest('hex').slice(0, 8);
  return `berth-up-${hash.slice(0, 16)}-${config}`;
}

/** Records (again, dated now) that `berth up` of `configFile` keeps the reused container `hash`. */
export async function markUp(
  engine: Engine,
  marker: { hash: string; configFile: string; service: string; ttlMs: number },
): Promise<string> {
  const name = upMarkerName(marker.hash, marker.configFile);
  await engine.removeVolume(name);
  await engine.createVolume({
    name,
    labels: {
      [Labels.up]: marker.hash,
      [Labels.upConfig]: marker.configFile,
      [Labels.upTtl]: String(marker.ttlMs),
      [Labels.service]: marker.service,
      [Labels.created]: new Date().toISOString(),
      [Labels.version]: BERTH_VERSION,
    },
  });
  return name;
}

/** Every up marker on the engine, or those of one config file / one service name. */
export async function listUpMarkers(engine: Engine, filter: { configFile?: string; service?: string } = {}): Promise<UpMarker[]> {
  const volumes = await engine.listVolumes({ [Labels.up]: true });
  return volumes
    .map((v): UpMarker => {
      const labels = v.Labels ?? {};
      const ttl = Number(labels[Labels.upTtl]);
      const created = Date.parse(labels[Labels.created] ?? v.CreatedAt ?? '');
      return {
        name: v.Name,
        hash: labels[Labels.up] ?? '',
        configFile: labels[Labels.upConfig] ?? '',
        service: labels[Labels.service],
        ttlMs: Number.isFinite(ttl) && ttl >= 0 ? ttl : undefined,
        createdMs: Number.isNaN(created) ? undefined : created,
      };
    })
    .filter(
      (m) =>
        m.hash !== '' &&
        (filter.configFile === undefined || m.configFile === filter.configFile) &&
        (filter.service === undefined || m.service === filter.service),
    );
}
