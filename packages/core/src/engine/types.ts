/**
 * What berth reads from and sends to the engine, typed by berth. These follow the Engine API's JSON
 * field names (so a value is passed through without copying), but list only the fields berth and
 * its users read; everything else the engine sends is still there at run time, just not typed.
 * No type here comes from an HTTP client library, so the published declarations stand alone.
 */

export type Labels = Record<string, string>;

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** "5432/tcp" → bindings (null when exposed but not published). */
export type PortBindings = Record<string, PortBinding[] | null | undefined>;

export interface HealthcheckConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs' | string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
}

export interface HostConfig {
  PortBindings?: PortBindings;
  PublishAllPorts?: boolean;
  Mounts?: MountSpec[];
  Binds?: string[];
  Privileged?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  ExtraHosts?: string[];
  Tmpfs?: Record<string, string>;
  Memory?: number;
  NanoCpus?: number;
  ShmSize?: number;
  NetworkMode?: string;
  AutoRemove?: boolean;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
}

export interface ContainerConfig {
  Image?: string;
  Hostname?: string;
  User?: string;
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[] | string;
  WorkingDir?: string;
  Labels?: Labels;
  ExposedPorts?: Record<string, object>;
  Healthcheck?: HealthcheckConfig;
  StopSignal?: string;
  StopTimeout?: number;
  Tty?: boolean;
}

/** The body of `POST /containers/create`, plus `name` and `platform`, which travel in the query. */
export interface ContainerCreateBody extends ContainerConfig {
  name?: string;
  platform?: string;
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, { Aliases?: string[] }> };
}

export interface HealthState {
  Status: 'none' | 'starting' | 'healthy' | 'unhealthy' | string;
  FailingStreak?: number;
  Log?: { Start: string; End: string; ExitCode: number; Output: string }[];
}

export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | string;
  Running: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  OOMKilled: boolean;
  Dead?: boolean;
  Pid: number;
  ExitCode: number;
  Error?: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: HealthState;
}

export interface EndpointSettings {
  IPAddress?: string;
  Gateway?: string;
  Aliases?: string[] | null;
  NetworkID?: string;
  MacAddress?: string;
}

export interface ContainerInspect {
  Id: string;
  /** With a leading slash: "/berth-redis-1a2b". */
  Name: string;
  Created: string;
  Image: string;
  RestartCount?: number;
  State: ContainerState;
  Config: ContainerConfig;
  HostConfig: HostConfig;
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination: string; RW?: boolean }[];
  NetworkSettings: {
    IPAddress?: string;
    Ports?: PortBindings;
    Networks?: Record<string, EndpointSettings>;
  };
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID?: string;
  Command?: string;
  /** Unix seconds. */
  Created: number;
  State: string;
  Status: string;
  Labels: Labels;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
}

export interface ImageInspect {
  Id: string;
  RepoTags?: string[];
  RepoDigests?: string[];
  Created?: string;
  Size?: number;
  Os?: string;
  Architecture?: string;
  Variant?: string;
  Config?: ContainerConfig;
}

export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  /** Unix seconds. */
  Created: number;
  Size?: number;
  Labels: Labels | null;
}

export interface NetworkSummary {
  Id: string;
  Name: string;
  Created: string;
  Driver: string;
  Scope?: string;
  Internal?: boolean;
  Labels: Labels | null;
}

export interface VolumeSummary {
  Name: string;
  Labels: Labels | null;
  CreatedAt?: string;
  Driver?: string;
  Mountpoint?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  env?: Record<string, string>;
  user?: string;
  workingDir?: string;
  signal?: AbortSignal;
}

export interface LogsOptions {
  follow: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Unix seconds, or "seconds.nanoseconds" (the engine's own precise form). */
  since?: number | string;
  tail?: number;
  timestamps?: boolean;
  /** Whether the container has a TTY (then logs are not multiplexed); inspected when not given. */
  tty?: boolean;
  signal?: AbortSignal;
}
