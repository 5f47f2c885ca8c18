/**
 * The container spec: a plain, typed object — the same type a berth.config.ts declares. `start()`
 * validates it (validate.ts) and resolves it into a fresh `ResolvedSpec`; the spec itself is never
 * mutated, so one spec can start many containers.
 */

import type { WaitStrategy } from '../wait/strategy.js';
import type { LogLine } from '../wait/target.js';

export type PullPolicy = 'missing' | 'always' | 'never';

/**
 * A port to expose. A number or "5432" / "5432/tcp" / "53/udp" publishes on a random host port the
 * engine picks. The object form chooses: `host: 8080` (fixed), `host: 'free'` (a free port picked up
 * front, for containers that must know their host port before they start, e.g. advertised addresses).
 */
export type PortSpec =
  | number
  | string
  | {
      container: number;
      host?: number | 'free';
      protocol?: 'tcp' | 'udp';
      /** Host interface to bind; default all interfaces. */
      hostIp?: string;
    };

export interface NetworkAttachment {
  /** Network name or id (a berth Network handle's name works). */
  name: string;
  aliases?: string[];
  /** A fixed address on this network (the network needs a subnet that holds it). */
  ipv4Address?: string;
  ipv6Address?: string;
}

export interface BindMount {
  /** Absolute host path; must exist. */
  source: string;
  target: string;
  readOnly?: boolean;
  /** SELinux relabelling: `z` shared between containers, `Z` private to this one. */
  selinux?: 'z' | 'Z';
}

export interface VolumeMount {
  /** Named volume; created by the engine if missing (prefer berth's `createVolume` for cleanup). */
  name: string;
  target: string;
  readOnly?: boolean;
}

export interface TmpfsMount {
  target: string;
  /** e.g. "size=64m,mode=1777". */
  options?: string;
}

/** Copied into the container after create, before start. */
export type CopySpec = { source: string; target: string; mode?: number } | { content: string | Buffer; target: string; mode?: number };

export interface HealthcheckSpec {
  /**
   * ["CMD", "pg_isready"] or ["CMD-SHELL", "curl -f ..."], or a string run by the shell. Omitted: the
   * image's own test, with the timings given here.
   */
  test?: string[] | string;
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
}

export interface ResourceLimits {
  /** Bytes, or a string like "512m", "1g". */
  memory?: number | string;
  /** Number of CPUs, e.g. 0.5. */
  cpus?: number;
  /** Size of /dev/shm: bytes or "256m". */
  shmSize?: number | string;
}

/**
 * Less common engine settings, each one HostConfig field of the engine API (what compose files set).
 * All optional; nothing is sent for what is left out.
 */
export interface SystemSettings {
  /** `{ nofile: { soft: 1024, hard: 2048 } }`. */
  ulimits?: Record<string, { soft: number; hard: number }>;
  /** `["no-new-privileges:true", "seccomp=unconfined"]`. */
  securityOpt?: string[];
  sysctls?: Record<string, string>;
  /** Host devices: `{ host: "/dev/fuse", container: "/dev/fuse", permissions: "rwm" }`. */
  devices?: { host: string; container: string; permissions?: string }[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** `none`, `host`, `container:<name or id>`; with one of these, `networks` and `ports` must be empty. */
  networkMode?: string;
  /** `private`, `shareable`, `host`, `container:<name or id>`. */
  ipc?: string;
  /** `host` or `container:<name or id>`. */
  pid?: string;
  groupAdd?: string[];
  /** Mount the container's root filesystem read-only. */
  readOnlyRootfs?: boolean;
  /** `<container>[:ro|:rw]`: mount every volume of that container. */
  volumesFrom?: string[];
  /** Maximum number of processes; omitted = unlimited. */
  pidsLimit?: number;
  macAddress?: string;
  /** `host`: share the host's UTS namespace (hostname). */
  uts?: string;
  /** `host`: no user namespace remapping. */
  usernsMode?: string;
  /** `host` or `private` cgroup namespace. */
  cgroupns?: string;
  /** OCI runtime the engine knows (`runc`, `runsc`, ...). */
  runtime?: string;
  domainname?: string;
}

export interface ContainerSpec {
  /** Image reference, e.g. "postgres:15", "ghcr.io/org/app@sha256:...". */
  image: string;
  /** Container name; default a generated `berth-<word>-<random>` name. */
  name?: string;
  env?: Record<string, string | number | boolean>;
  command?: string[];
  entrypoint?: string[];
  ports?: PortSpec[];
  /** User labels; keys under `dev.berth.` are reserved. */
  labels?: Record<string, string>;
  user?: string;
  workingDir?: string;
  hostname?: string;
  networks?: (string | NetworkAttachment)[];
  /** "host:ip" pairs, e.g. { "db.local": "10.0.0.5" }; "host-gateway" works on Docker 20.10+. */
  extraHosts?: Record<string, string>;
  binds?: BindMount[];
  volumes?: VolumeMount[];
  tmpfs?: TmpfsMount[];
  copy?: CopySpec[];
  resources?: ResourceLimits;
  capAdd?: string[];
  capDrop?: string[];
  /** Off by default. */
  privileged?: boolean;
  /** ulimits, sysctls, devices, dns, network mode, ipc, pid, ... (see SystemSettings). */
  system?: SystemSettings;
  /** Run an init process (the engine's tini) as PID 1, which reaps zombies and forwards signals. Default off. */
  init?: boolean;
  healthcheck?: HealthcheckSpec;
  /** e.g. "SIGINT"; default the image's. */
  stopSignal?: string;
  /** Seconds the engine waits after the stop signal before killing. */
  stopTimeoutSeconds?: number;
  /** "linux/amd64", "linux/arm64", ... */
  platform?: string;
  /** Default `missing` (or BERTH_PULL_POLICY). */
  pullPolicy?: PullPolicy;
  /** Overall time for pull + create + start + wait, before BERTH_TIMEOUT_SCALE. Default 60 s. */
  startupTimeoutMs?: number;
  /** How to know the container is ready; default: healthy / ports / running (see wait/default.ts). */
  wait?: WaitStrategy;
  /** Receives every log line of the container from its start, stdout and stderr. */
  logConsumer?: (line: LogLine) => void;
  /** Keep the container after stop() (debugging). It still carries its session label. */
  keep?: boolean;
  /**
   * Reuse the container across runs (docs/reuse.md): a later start of the same spec (same identity
   * hash) attaches to the running container instead of creating one. Ignored when CI is set unless
   * BERTH_REUSE=force. BERTH_REUSE=1 turns it on for every spec that does not say `false`.
   */
  reuse?: boolean;
  /** Extra input folded into the reuse identity (modules pass their options that the spec does not show). */
  reuseKey?: string;
}

/** Options for a single `start()` call, as opposed to what the container is. */
export interface StartOptions {
  signal?: AbortSignal;
  /** Service name used in errors and logs (adapters set it). */
  service?: string;
}

export interface ResolvedPort {
  container: number;
  protocol: 'tcp' | 'udp';
  /** 0 = engine picks. */
  host: number;
  hostIp: string;
}

/** The fully filled, validated form a start works from. Fresh per start. */
export interface ResolvedSpec {
  image: string;
  name: string;
  env: Record<string, string>;
  command: string[] | undefined;
  entrypoint: string[] | undefined;
  ports: ResolvedPort[];
  labels: Record<string, string>;
  user: string | undefined;
  workingDir: string | undefined;
  hostname: string | undefined;
  networks: NetworkAttachment[];
  extraHosts: string[];
  binds: BindMount[];
  volumes: VolumeMount[];
  tmpfs: TmpfsMount[];
  copy: CopySpec[];
  memoryBytes: number | undefined;
  nanoCpus: number | undefined;
  shmSizeBytes: number | undefined;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  system: SystemSettings;
  init: boolean;
  healthcheck: HealthcheckSpec | undefined;
  stopSignal: string | undefined;
  stopTimeoutSeconds: number | undefined;
  platform: string | undefined;
  pullPolicy: PullPolicy;
  startupTimeoutMs: number;
  wait: WaitStrategy | undefined;
  logConsumer: ((line: LogLine) => void) | undefined;
  keep: boolean;
  /** Set by the reuse path only: the container outlives stop(), which then only detaches. */
  reuse?: ReuseOutcome;
}

/** What a reusable start did, for the run's first line (container/reuse-report.ts). */
export interface ReuseOutcome {
  /** The identity hash (sha256 hex). */
  hash: string;
  /** `reused`: attached to a running container; `created`: none was usable, so one was made. */
  action: 'reused' | 'created';
  /** Why: "first use", "stopped (exited 137)", "image changed", "joined another process's start", ... */
  reason: string;
}
