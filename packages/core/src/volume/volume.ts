/**
 * Named volumes. A volume carries the session's labels and goes at session end, unless created with
 * `keep: true`: a kept volume carries `dev.berth.kept=true` and NO session label, so neither session
 * end, the reaper nor the dead-session sweep touches it; `berth prune --all` (or its own `remove()`)
 * removes it. Kept volumes are meant for caches reused across runs under a fixed name: creating one
 * whose name exists returns the existing volume.
 *
 * Anonymous volumes (a container's unnamed mounts) need nothing here: they go with their container.
 */
import type { EngineOptions } from '../engine/index.js';
import { getEngine } from '../engine/index.js';
import { InvalidSpecError } from '../errors.js';
import { debug } from '../log.js';
import { asyncDispose } from '../session/dispose.js';
import { randomName } from '../session/id.js';
import { BERTH_VERSION, Labels } from '../session/labels.js';
import { ensureSession } from '../session/session.js';
import { checkName, checkUserLabels } from '../session/user-labels.js';

const log = debug('volume');

export interface VolumeOptions extends EngineOptions {
  /** Default `berth-vol-<random>`. */
  name?: string;
  /** Survive the session (see above). Default false. */
  keep?: boolean;
  /** Extra labels; the `dev.berth.` prefix is reserved. */
  labels?: Record<string, string>;
  /** Default `local`. */
  driver?: string;
  /** Driver options: for `local`, `{ type: 'tmpfs', device: 'tmpfs', o: 'size=10m' }` and the like. */
  driverOpts?: Record<string, string>;
}

export interface Volume {
  readonly name: string;
  readonly kept: boolean;
  /** Removes the volume (fails while a container uses it); removing a gone volume is fine. */
  remove(): Promise<void>;
  /** Removes a session volume; a kept volume is left alone (keeping it is the point). */
  [Symbol.asyncDispose](): Promise<void>;
}

export async function createVolume(options: VolumeOptions = {}): Promise<Volume> {
  checkName('name', options.name);
  const userLabels = checkUserLabels('labels', options.labels);
  if (options.keep !== undefined && typeof options.keep !== 'boolean') {
    throw new InvalidSpecError(`expected \`keep\` to be a boolean, got ${JSON.stringify(options.keep)}`);
  }
  const keep = options.keep ?? false;
  const engine = await getEngine(options.engine === undefined ? {} : { engine: options.engine });
  const name = options.name ?? randomName('berth-vol');
  const created = new Date().toISOString();
  let labels: Record<string, string>;
  let sessionId: string | undefined;
  if (keep) {
    labels = { ...userLabels, [Labels.kept]: 'true', [Labels.created]: created, [Labels.version]: BERTH_VERSION };
  } else {
    const session = await ensureSession(engine);
    sessionId = session.id;
    labels = { ...userLabels, ...session.labels, [Labels.created]: created };
  }
  if (options.name !== undefined && !keep) {
    const existing = await engine.inspectVolume(name);
    if (existing && existing.Labels?.[Labels.session] !== sessionId) {
      throw new InvalidSpecError(`expected \`name\` to be a new volume, but ${JSON.stringify(name)} already exists outside this session`, {
        hint: 'leave `name` out for a generated one, or use `keep: true` to reuse a volume across runs',
      });
    }
  }
  await engine.createVolume({
    name,
    labels,
    ...(options.driver ? { driver: options.driver } : {}),
    ...(options.driverOpts ? { driverOpts: options.driverOpts } : {}),
  });
  log('created volume %s (%s)', name, keep ? 'kept' : `session ${sessionId}`);
  const remove = () => engine.removeVolume(name);
  return {
    name,
    kept: keep,
    remove,
    [asyncDispose]: keep ? async () => undefined : remove,
  };
}
