/**
 * What a wait strategy may see of a container. Deliberately narrow: strategies never see an HTTP
 * client or the engine, so each one is unit-tested against `FakeTarget` (fake-target.ts) in milliseconds.
 */

export type Protocol = 'tcp' | 'udp';

export interface ExposedPort {
  /** Port inside the container. */
  port: number;
  protocol: Protocol;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** One line without its trailing newline. */
  text: string;
}

export interface HealthState {
  status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  /** Output of the most recent health probes, oldest first. */
  log: { exitCode: number; output: string }[];
}

export interface TargetState {
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** Undefined when neither the image nor the spec defines a health check. */
  health: HealthState | undefined;
}

export interface TargetExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface WaitTarget {
  /** Full container id. */
  readonly id: string;
  /** Host name or address where published ports are reachable. */
  readonly host: string;
  /** Every port the container exposes (image EXPOSE and spec ports), TCP and UDP. */
  readonly exposedPorts: readonly ExposedPort[];
  /** Host port published for a container port; throws PortNotExposedError when there is none. */
  mappedPort(port: number, protocol?: Protocol): number;
  /**
   * Log lines the container printed since this start (not before), stdout and stderr, followed live:
   * the iterable yields each line as it arrives and ends when the container stops or `signal` fires.
   * No polling.
   */
  logLines(signal: AbortSignal): AsyncIterable<LogLine>;
  /** Runs argv in the container (no shell unless argv asks for one). */
  exec(argv: string[], signal: AbortSignal): Promise<TargetExecResult>;
  /** Current state, health included. */
  inspect(signal: AbortSignal): Promise<TargetState>;
  /**
   * The contents of /proc/net/tcp and /proc/net/tcp6 as seen inside the container's network
   * namespace, read from the host (/proc/<pid>/net/...) when the engine runs on this host and the
   * files are readable; undefined otherwise (remote engine, Docker Desktop VM, no permission).
   */
  readProcNet(signal: AbortSignal): Promise<string | undefined>;
}
