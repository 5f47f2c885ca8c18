/**
 * The initialised-image cache (`cache: true`): the first start with given inputs runs initdb and
 * `setup` as usual, then commits the server to a local image `berth-cache/postgres:<key>`; every
 * later start with the same inputs runs that image, whose data directory is already initialised and
 * holds the finished template — no initdb, no migrations.
 *
 * The data directory moves out of the image's declared volume (PGDATA=/var/lib/postgresql/berth-data):
 * a commit does not capture volumes. Keyed like reuse: the container identity (base image id, env,
 * command, ...) plus the template's inputs (template-key.ts); the base image id stands in for the
 * server version. docs/reuse.md gives the measurements behind committing into the image rather than
 * copying a named volume per run.
 */
import { reuseIdentity } from '../../container/reuse-identity.js';
import type { ContainerSpec } from '../../container/spec.js';
import { validateSpec } from '../../container/validate.js';
import type { Engine } from '../../engine/engine.js';
import { ensureImage } from '../../image/pull.js';
import { debug } from '../../log.js';
import { BERTH_VERSION, Labels } from '../../session/labels.js';
import type { AdminConnection } from './admin.js';
import { PGDATA_IN_MEMORY } from './container-spec.js';
import type { ResolvedPostgresOptions } from './options.js';
import { templateKey } from './template-key.js';

const log = debug('postgres');
export const CACHE_REPO = 'berth-cache/postgres';
export const CACHE_PGDATA = '/var/lib/postgresql/berth-data';

export type CachePlan =
  | { use: true; key: string; tag: string; hit: boolean; spec: ContainerSpec }
  | { use: false; reason: string; spec: ContainerSpec };

/** Decides the spec to start: the cached image when there is one for these inputs, else the base one. */
export async function planCache(
  engine: Engine,
  options: ResolvedPostgresOptions,
  spec: ContainerSpec,
  signal?: AbortSignal,
): Promise<CachePlan> {
  const key = await templateKey(options, 0);
  if (key === undefined) return { use: false, reason: 'setup has no templateInputs or templateKey', spec };
  // The image layer holds the data directory, so a tmpfs for it (tuneForTests) has nothing to hold.
  const tmpfs = spec.tmpfs?.filter((mount) => mount.target !== PGDATA_IN_MEMORY);
  const withData: ContainerSpec = { ...spec, env: { ...spec.env, PGDATA: CACHE_PGDATA }, ...(tmpfs ? { tmpfs } : {}) };
  const base = await ensureImage(engine, spec.image, {
    ...(spec.pullPolicy ? { pullPolicy: spec.pullPolicy } : {}),
    ...(signal ? { signal } : {}),
  });
  const image = await engine.inspectImage(base.ref, signal);
  if (!image) return { use: false, reason: `image ${base.ref} is not present`, spec };
  const plan = validateSpec(withData);
  const ports = plan.portPlans.map((p) => ({
    container: p.container,
    protocol: p.protocol,
    host: p.pickFree ? ('free' as const) : p.host,
  }));
  const identity = await reuseIdentity({ spec: plan, ports, imageId: image.Id, reuseKey: key });
  const tag = identity.slice(0, 16);
  const hit = (await engine.inspectImage(`${CACHE_REPO}:${tag}`, signal)) !== undefined;
  log('image cache %s for %s', hit ? 'hit' : 'miss', `${CACHE_REPO}:${tag}`);
  return {
    use: true,
    key: identity,
    tag,
    hit,
    spec: hit ? { ...withData, image: `${CACHE_REPO}:${tag}`, pullPolicy: 'never' } : withData,
  };
}

/**
 * Commits the set-up server to the cache image. A checkpoint first, so the committed data directory
 * needs next to no recovery; the engine pauses the container while it copies the layer. The
 * container's berth labels are blanked on the image (the engine merges labels, it cannot drop them).
 */
export async function commitCache(
  engine: Engine,
  admin: AdminConnection,
  containerId: string,
  plan: { key: string; tag: string },
  signal?: AbortSignal,
): Promise<void> {
  const began = performance.now();
  await admin.query('CHECKPOINT');
  await engine.commitContainer(
    containerId,
    {
      repo: CACHE_REPO,
      tag: plan.tag,
      labels: {
        [Labels.session]: '',
        [Labels.ownerPid]: '',
        [Labels.ownerHost]: '',
        [Labels.ownerStart]: '',
        [Labels.service]: '',
        [Labels.cache]: plan.key,
        [Labels.created]: new Date().toISOString(),
        [Labels.version]: BERTH_VERSION,
      },
    },
    signal,
  );
  log('committed %s:%s in %d ms', CACHE_REPO, plan.tag, Math.round(performance.now() - began));
}
