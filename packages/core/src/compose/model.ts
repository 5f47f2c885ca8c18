/**
 * The typed compose model berth works from, after loading, interpolation, merging and validation.
 * Paths are absolute, durations are milliseconds, list-or-map keys are maps. Plain data: planning and
 * the start read it, nothing mutates it.
 */
import type { PullPolicy, SystemSettings } from '../container/spec.js';

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposePort {
  /** Port inside the container. */
  target: number;
  /** Host port; undefined = the engine picks one. */
  published?: number;
  hostIp?: string;
  protocol: 'tcp' | 'udp';
}

export type ComposeMount =
  | { type: 'bind'; source: string; target: string; readOnly: boolean; selinux?: 'z' | 'Z' }
  /** `source` is the key under top-level `volumes`; undefined = an anonymous volume. */
  | { type: 'volume'; source: string | undefined; target: string; readOnly: boolean }
  | { type: 'tmpfs'; target: string; size?: number };

export interface ComposeHealthcheck {
  /** ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"] (disabled). */
  test: string[] | undefined;
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

export interface ComposeBuild {
  context: string;
  dockerfile?: string;
  args: Record<string, string>;
  target?: string;
}

/** A secret or config a service mounts: the top-level entry `source`, at `target`, with `mode`. */
export interface ComposeFileMount {
  source: string;
  /** Absolute path in the container (secrets: /run/secrets/<source>; configs: /<source>, unless given). */
  target: string;
  mode?: number;
  uid?: string;
  gid?: string;
}

/** A top-level secret or config: where its content comes from. */
export type ComposeFileSource =
  | { kind: 'file'; path: string }
  | { kind: 'environment'; variable: string; value: string | undefined }
  | { kind: 'content'; content: string };

export interface ComposeNetworkAttachment {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

export interface ComposeService {
  name: string;
  image: string | undefined;
  build: ComposeBuild | undefined;
  command: string[] | undefined;
  entrypoint: string[] | undefined;
  /** env_file entries overlaid by `environment`. */
  environment: Record<string, string>;
  ports: ComposePort[];
  /** `expose`: container ports (berth publishes them on random host ports; see docs/compose.md). */
  expose: { port: number; protocol: 'tcp' | 'udp' }[];
  mounts: ComposeMount[];
  tmpfs: string[];
  /** Network key (under top-level `networks`, or `default`) → aliases and fixed addresses; empty with `networkMode`. */
  networks: Record<string, ComposeNetworkAttachment>;
  /** `network_mode` as written: `none`, `host`, `service:<name>`, `container:<name>`; undefined = the networks. */
  networkMode: string | undefined;
  /** `volumes_from` as written: `<service>[:ro]`, `service:<name>[:ro]` or `container:<name>[:ro]`. */
  volumesFrom: string[];
  /** `links` entries (`service[:alias]`): the alias becomes a network alias of that service, as in Compose v2. */
  links: string[];
  secrets: ComposeFileMount[];
  configs: ComposeFileMount[];
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  platform: string | undefined;
  stopSignal: string | undefined;
  shmSizeBytes: number | undefined;
  /** ulimits, security_opt, sysctls, devices, dns*, ipc, pid, group_add, read_only, mac_address, ... */
  system: SystemSettings;
  dependsOn: Record<string, DependencyCondition>;
  healthcheck: ComposeHealthcheck | undefined;
  labels: Record<string, string>;
  user: string | undefined;
  workingDir: string | undefined;
  hostname: string | undefined;
  extraHosts: Record<string, string>;
  init: boolean | undefined;
  stopGracePeriodMs: number | undefined;
  profiles: string[];
  replicas: number;
  limits: { memoryBytes?: number; cpus?: number; pids?: number };
  pullPolicy: PullPolicy | 'build' | undefined;
}

export interface ComposeNetwork {
  key: string;
  /** Name on the engine: `name:`, else `<project>_<key>`; for an external one its own name. */
  name: string | undefined;
  external: boolean;
  driver: string | undefined;
  internal: boolean;
  labels: Record<string, string>;
  driverOpts: Record<string, string>;
  ipam: { driver?: string; config: { subnet?: string; ipRange?: string; gateway?: string }[] } | undefined;
  enableIpv6: boolean;
  attachable: boolean;
}

export interface ComposeVolume {
  key: string;
  name: string | undefined;
  external: boolean;
  driver: string | undefined;
  labels: Record<string, string>;
  driverOpts: Record<string, string>;
}

export interface ComposeModel {
  /** The files in merge order (absolute). */
  files: string[];
  /** Folder of the first file: relative paths are resolved against it. */
  projectDir: string;
  services: Record<string, ComposeService>;
  networks: Record<string, ComposeNetwork>;
  volumes: Record<string, ComposeVolume>;
  secrets: Record<string, ComposeFileSource>;
  configs: Record<string, ComposeFileSource>;
}
