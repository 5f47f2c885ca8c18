/**
 * Request fields whose meaning depends on the Engine API version the call is spoken in. Callers build
 * one body (the newest shape berth speaks); this file adapts it to the negotiated version, so an
 * engine never silently drops what the caller asked for.
 *
 * - Healthcheck.StartInterval (API 1.44, Docker 25+): the probe interval during the start period.
 *   Older engines, and Podman 5 (which reports API 1.41), ignore the field, so the first probe comes
 *   only after the full Interval (30 s by default) and readiness on `wait.healthy()` waits that long.
 *   There the start interval becomes the interval: readiness is as quick as on a newer engine, and
 *   the check keeps running at that pace afterwards (a throwaway container's lifetime).
 */
import { compareApi } from './system.js';
import type { ContainerCreateBody, HealthcheckConfig } from './types.js';

/** The Healthcheck.StartInterval field: API 1.44. */
export const START_INTERVAL_API = '1.44';

/** The API version a transport prefix speaks ("/v1.41" → "1.41"; "" is the engine's own, the newest). */
export function prefixVersion(prefix: string): string | undefined {
  return /^\/v(\d+\.\d+)$/.exec(prefix)?.[1];
}

/** Whether a call under `prefix` speaks at least `version`. */
export function speaksAtLeast(prefix: string, version: string): boolean {
  const spoken = prefixVersion(prefix);
  return spoken === undefined || compareApi(spoken, version) >= 0;
}

export interface AdaptedCreateBody {
  body: ContainerCreateBody;
  /** What was changed, for the debug log. */
  notes: string[];
}

/** Adapts a container-create body to the API version `prefix` speaks. Pure; the input is not changed. */
export function adaptCreateBody(body: ContainerCreateBody, prefix: string): AdaptedCreateBody {
  const notes: string[] = [];
  const healthcheck = body.Healthcheck;
  if (!healthcheck?.StartInterval || speaksAtLeast(prefix, START_INTERVAL_API)) return { body, notes };
  const { StartInterval: start, ...rest } = healthcheck;
  const adapted: HealthcheckConfig = { ...rest, Interval: rest.Interval ? Math.min(rest.Interval, start) : start };
  notes.push(
    `healthcheck start interval ${start / 1e6} ms used as the interval (API ${prefixVersion(prefix)} has no StartInterval; it is ${START_INTERVAL_API})`,
  );
  return { body: { ...body, Healthcheck: adapted }, notes };
}
