/**
 * Every environment variable berth reads, read in one place. Code elsewhere takes a `BerthConfig`
 * (tests pass one built from a fake env) instead of looking at `process.env` itself.
 */
import { homedir } from 'node:os';

export interface BerthConfig {
  /** DOCKER_HOST, e.g. unix:///var/run/docker.sock, tcp://10.0.0.2:2376, ssh://user@host. */
  dockerHost: string | undefined;
  /** DOCKER_TLS_VERIFY set to a non-empty value other than 0. */
  dockerTlsVerify: boolean;
  /** DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem); defaults to ~/.docker when TLS is on. */
  dockerCertPath: string | undefined;
  /** DOCKER_CONTEXT: a named docker context to use. */
  dockerContext: string | undefined;
  /** DOCKER_CONFIG: directory of config.json; default ~/.docker. */
  dockerConfigDir: string;
  /** DOCKER_AUTH_CONFIG: a docker config.json document given inline (CI secret style). */
  dockerAuthConfig: string | undefined;
  /** BERTH_HOST: host name or address used to reach mapped ports, overriding discovery. */
  hostOverride: string | undefined;
  /** BERTH_TIMEOUT_SCALE: multiplies every timeout (slow CI). Default 1. */
  timeoutScale: number;
  /** BERTH_HUB_MIRROR: a registry prefix put before Docker Hub image names (e.g. mirror.local:5000). */
  hubMirror: string | undefined;
  /** BERTH_SESSION_ID: the run's session id, inherited from the process that created it. */
  sessionId: string | undefined;
  /** BERTH_SESSION_OWNER_PID: pid of the process that owns the inherited session. */
  sessionOwnerPid: number | undefined;
  /** BERTH_SESSION_OWNER_START: start time (clock ticks since boot) of the session's owner process. */
  sessionOwnerStart: string | undefined;
  /** BERTH_REAPER=off disables the watcher process (resources then live until `berth prune`). */
  reaperEnabled: boolean;
  /** BERTH_REAPER_LOG: file the watcher process appends its log to (default: discarded). */
  reaperLog: string | undefined;
  /** BERTH_PULL_POLICY: default pull policy when a spec does not say (missing | always | never). */
  pullPolicy: 'missing' | 'always' | 'never' | undefined;
  /**
   * BERTH_REUSE: `1`/`true` reuses the run's declared services' containers across runs, `force`
   * also when CI is set, `0`/unset leaves it to each spec's `reuse`. See docs/reuse.md.
   */
  reuse: 'off' | 'on' | 'force';
  /** CI: set (to anything but empty, 0 or false) on CI runners; reuse is then off unless forced. */
  ci: boolean;
  /** BERTH_QUIET: set (to anything but empty, 0 or false) silences the run's one-line summary on stderr. */
  quiet: boolean;
  /**
   * BERTH_TRACE: file the run writes its timeline to (Chrome trace event format, see
   * docs/tracing.md); a relative path is taken from the working directory of the run's main process.
   */
  tracePath: string | undefined;
  /**
   * BERTH_KEEP: `failed`, `all` or `off` for this run, over the config's `keep` (checked where it is
   * used: services/keep.ts). Unset: the config decides, and under CI nothing is kept.
   */
  keep: string | undefined;
  /** BERTH_REUSE_TTL: minutes an idle reused container is kept after its last use. Default 30. */
  reuseTtlMs: number;
  /**
   * BERTH_SSH_COMMAND: the ssh client and options for ssh:// engines, split at spaces (default
   * `ssh`), e.g. `ssh -F /path/to/config` or `ssh -i key -o UserKnownHostsFile=/path`.
   */
  sshCommand: string[];
  xdgRuntimeDir: string | undefined;
  home: string;
}

export type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env, home: string = homedir()): BerthConfig {
  const scale = Number(env.BERTH_TIMEOUT_SCALE ?? '1');
  const owner = Number(env.BERTH_SESSION_OWNER_PID);
  const pullPolicy = env.BERTH_PULL_POLICY;
  const reuse = (env.BERTH_REUSE ?? '').toLowerCase();
  const ttlMinutes = Number(env.BERTH_REUSE_TTL ?? '30');
  return {
    dockerHost: nonEmpty(env.DOCKER_HOST),
    dockerTlsVerify: isTruthy(env.DOCKER_TLS_VERIFY),
    dockerCertPath: nonEmpty(env.DOCKER_CERT_PATH),
    dockerContext: nonEmpty(env.DOCKER_CONTEXT),
    dockerConfigDir: nonEmpty(env.DOCKER_CONFIG) ?? `${home}/.docker`,
    dockerAuthConfig: nonEmpty(env.DOCKER_AUTH_CONFIG),
    hostOverride: nonEmpty(env.BERTH_HOST),
    timeoutScale: Number.isFinite(scale) && scale > 0 ? scale : 1,
    hubMirror: nonEmpty(env.BERTH_HUB_MIRROR)?.replace(/\/+$/, ''),
    sessionId: nonEmpty(env.BERTH_SESSION_ID),
    sessionOwnerPid: Number.isInteger(owner) && owner > 0 ? owner : undefined,
    sessionOwnerStart: nonEmpty(env.BERTH_SESSION_OWNER_START),
    reaperEnabled: env.BERTH_REAPER !== 'off',
    reaperLog: nonEmpty(env.BERTH_REAPER_LOG),
    pullPolicy: pullPolicy === 'missing' || pullPolicy === 'always' || pullPolicy === 'never' ? pullPolicy : undefined,
    reuse: reuse === 'force' ? 'force' : isTruthy(reuse) ? 'on' : 'off',
    ci: isTruthy(env.CI),
    quiet: isTruthy(env.BERTH_QUIET),
    tracePath: nonEmpty(env.BERTH_TRACE),
    keep: nonEmpty(env.BERTH_KEEP),
    reuseTtlMs: Number.isFinite(ttlMinutes) && ttlMinutes >= 0 ? Math.round(ttlMinutes * 60_000) : 30 * 60_000,
    sshCommand: nonEmpty(env.BERTH_SSH_COMMAND)?.trim().split(/\s+/) ?? ['ssh'],
    xdgRuntimeDir: nonEmpty(env.XDG_RUNTIME_DIR),
    home,
  };
}

let cached: BerthConfig | undefined;

/** The process-wide configuration, read from `process.env` on first use. */
export function config(): BerthConfig {
  cached ??= readConfig();
  return cached;
}

/** Forget the cached configuration (tests, or after the session id was written to the env). */
export function resetConfig(): void {
  cached = undefined;
}

/** Scale a timeout by BERTH_TIMEOUT_SCALE. */
export function scaledTimeout(ms: number, cfg: BerthConfig = config()): number {
  return Math.round(ms * cfg.timeoutScale);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
