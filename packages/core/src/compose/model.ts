/**
 * The typed compose model berth works from, after loading, interpolation, merging and validation.
 * Paths are absolute, durations are milliseconds, list-or-map keys are maps. Plain data: planning and
 * the start read it, nothing mutates it.
 */
import type { PullPolicy } from '../container/spec.js';

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
  | { type: 'bind'; source: string; target: string; readOnly: boolean }
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
  /** Network key (under top-level `networks`, or `default`) → aliases. */
  networks: Record<string, { aliases: string[] }>;
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
  limits: { memoryBytes?: number; cpus?: number };
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
}

export interface ComposeVolume {
  key: string;
  name: string | undefined;
  external: boolean;
  driver: string | undefined;
  labels: Record<string, string>;
}

export interface ComposeModel {
  /** The files in merge order (absolute). */
  files: string[];
  /** Folder of the first file: relative paths are resolved against it. */
  projectDir: string;
  services: Record<string, ComposeService>;
  networks: Record<string, ComposeNetwork>;
  volumes: Record<string, ComposeVolume>;
}
