/**
 * Labels berth puts on everything it creates. The `dev.berth.` prefix is reserved: user labels under
 * it are rejected at validation.
 */
export const LABEL_PREFIX = 'dev.berth.';

export const Labels = {
  /** The run that owns the resource. Every container, network and volume carries it. */
  session: 'dev.berth.session',
  /** Pid of the process that owns the session (the runner's main process). */
  ownerPid: 'dev.berth.owner.pid',
  /** Host name of the machine the owner runs on; a dead-owner sweep only trusts its own host. */
  ownerHost: 'dev.berth.owner.host',
  /** Start time of the owner process (guards against pid reuse). */
  ownerStart: 'dev.berth.owner.start',
  /**
   * ISO time the resource was created. `Session.labels` carries the session's start; network and
   * volume creation overwrite it with their own time.
   */
  created: 'dev.berth.created',
  /** Version of @berth/core that created it. */
  version: 'dev.berth.version',
  /** Service name given by an adapter or module ("db", "cache"). */
  service: 'dev.berth.service',
  /**
   * A volume created with `keep: true`. It carries no session label, so no session end, reaper or
   * dead-session sweep removes it; only `berth prune --all` (or its own `remove()`) does.
   */
  kept: 'dev.berth.kept',
  /**
   * A kept-slice marker volume (`berth-kept-<container>`): the slices of failed tests (JSON list of
   * services/keep.ts's KeptSlice) that a run kept in the container named by `keptContainer`. It
   * carries the session's labels; while it exists, session ends and reaper passes leave that
   * container (and the session's networks, volumes and images) in place (session/kept.ts).
   */
  keptSlices: 'dev.berth.kept-slices',
  /** On a kept-slice marker: the name of the container that holds the slices. */
  keptContainer: 'dev.berth.kept-slices.container',
  /** Built images: remove at session end. */
  removeImage: 'dev.berth.remove-at-end',
  /**
   * A container reused across runs: the identity hash of what it is (container/reuse-identity.ts).
   * It carries no session label; its lifetime is the reuse TTL (session/reuse-sweep.ts).
   */
  reuse: 'dev.berth.reuse',
  /** Epoch ms by which the creator of a reused container must have made it ready; later it is replaced. */
  reuseDeadline: 'dev.berth.reuse.deadline',
  /** A lease marker volume: this session uses the reused resource with this hash. */
  reuseLease: 'dev.berth.reuse.lease',
  /** The last-use marker volume of a reused resource: its creation time is the last use. */
  reuseLastUse: 'dev.berth.reuse.last-use',
  /** The ready marker volume of a reused container: its creator saw it pass its wait strategy. */
  reuseReady: 'dev.berth.reuse.ready',
  /** On the ready marker: the id of the container it vouches for. */
  reuseReadyContainer: 'dev.berth.reuse.ready.container',
  /**
   * A `berth up` marker volume: the project behind this label keeps the reused container with this
   * hash for local work (session/up-markers.ts). Test runs adopt an up-marked container.
   */
  up: 'dev.berth.up',
  /** On an up marker: the config file (absolute path) whose `berth up` made it; `berth down` matches it. */
  upConfig: 'dev.berth.up.config',
  /** On an up marker: the reuse TTL (ms) in force for that `berth up`; a sweep never shortens it. */
  upTtl: 'dev.berth.up.ttl',
  /** An initialised-image cache entry (`berth-cache/...`): its input hash. */
  cache: 'dev.berth.cache',
  /** Test stand-in images provisioned by the project (not session resources). */
  testImage: 'dev.berth.test-image',
} as const;

export const BERTH_VERSION = '0.2.0';
