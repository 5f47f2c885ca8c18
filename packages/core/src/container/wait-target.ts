/**
 * The WaitTarget a started container presents to wait strategies: the narrow view of wait/target.ts
 * built over the Engine, the container's port map and its log hub.
 */
import { readFile } from 'node:fs/promises';
import type { ContainerInspect, Engine } from '../engine/engine.js';
import type { ExposedPort, LogLine, Protocol, TargetExecResult, TargetState, WaitTarget } from '../wait/target.js';
import type { LogHub } from './log-hub.js';
import { lookupPort, type PortMap } from './ports.js';

export function toTargetState(info: ContainerInspect | undefined): TargetState {
  if (!info) {
    return { status: 'removing', running: false, exitCode: -1, oomKilled: false, health: undefined };
  }
  const state = info.State as ContainerInspect['State'] & {
    Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
  };
  const health = state.Health
    ? {
        status: (['starting', 'healthy', 'unhealthy'].includes(state.Health.Status) ? state.Health.Status : 'none') as
          | 'starting'
          | 'healthy'
          | 'unhealthy'
          | 'none',
        log: (state.Health.Log ?? []).map((entry) => ({ exitCode: entry.ExitCode, output: entry.Output })),
      }
    : undefined;
  return {
    status: state.Status as TargetState['status'],
    running: state.Running,
    exitCode: state.ExitCode,
    oomKilled: state.OOMKilled,
    health,
  };
}

export class ContainerWaitTarget implements WaitTarget {
  readonly id: string;
  readonly host: string;
  readonly exposedPorts: readonly ExposedPort[];
  readonly #engine: Engine;
  readonly #ports: PortMap;
  readonly #logs: LogHub;
  readonly #pid: number;
  readonly #image: string;

  constructor(engine: Engine, info: ContainerInspect, ports: PortMap, logs: LogHub, image: string) {
    this.id = info.Id;
    this.host = engine.portHost;
    this.exposedPorts = ports.exposed;
    this.#engine = engine;
    this.#ports = ports;
    this.#logs = logs;
    this.#pid = info.State.Pid;
    this.#image = image;
  }

  mappedPort(port: number, protocol: Protocol = 'tcp'): number {
    return lookupPort(this.#ports, port, protocol, { image: this.#image, containerId: this.id });
  }

  logLines(signal: AbortSignal): AsyncIterable<LogLine> {
    return this.#logs.lines(signal);
  }

  exec(argv: string[], signal: AbortSignal): Promise<TargetExecResult> {
    return this.#engine.exec(this.id, argv, { signal });
  }

  async inspect(signal: AbortSignal): Promise<TargetState> {
    return toTargetState(await this.#engine.inspectContainer(this.id, signal));
  }

  /**
   * Reads the container's /proc/net/tcp{,6} through /proc/<pid> on this host. Only trusted when the
   * engine is local and /proc/<pid>/cgroup names this container (so a pid from another PID namespace,
   * e.g. when berth itself runs in a container, is never misread).
   */
  async readProcNet(_signal: AbortSignal): Promise<string | undefined> {
    if (process.platform !== 'linux' || this.#engine.facts.endpoint.protocol !== 'unix' || !(this.#pid > 0)) return undefined;
    try {
      const cgroup = await readFile(`/proc/${this.#pid}/cgroup`, 'utf8');
      if (!cgroup.includes(this.id)) return undefined;
      const [tcp, tcp6] = await Promise.all([
        readFile(`/proc/${this.#pid}/net/tcp`, 'utf8'),
        readFile(`/proc/${this.#pid}/net/tcp6`, 'utf8').catch(() => ''),
      ]);
      return `${tcp}\n${tcp6}`;
    } catch {
      return undefined;
    }
  }
}
