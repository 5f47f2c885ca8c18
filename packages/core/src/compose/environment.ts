/**
 * What startCompose hands back: each service's started containers by name (and replica index), the
 * project's networks and volumes, and one idempotent stop() that removes all of it — dependents
 * before their dependencies, then volumes, then networks — and reports every failure.
 */
import type { StartedContainer } from '../container/handle.js';
import { CleanupError, InvalidSpecError } from '../errors.js';
import { debug } from '../log.js';
import { asyncDispose } from '../session/dispose.js';

const log = debug('compose');

export interface ComposeServiceDetails {
  /** Host where published ports are reachable. */
  host: string;
  /** Container port ("5432" or "53/udp") → host port, for every published port of the first replica. */
  ports: Record<string, number>;
  /** Container names, one per replica. */
  containers: string[];
}

/** A removable thing the environment owns (network, volume). */
export interface Owned {
  readonly what: string;
  remove(): Promise<void>;
}

export class ComposeEnvironment implements AsyncDisposable {
  /** The compose project name every resource is labelled with. */
  readonly project: string;
  readonly #containers: Map<string, StartedContainer[]>;
  /** Services in start order. */
  readonly #order: string[];
  readonly #owned: Owned[];
  #stopped: Promise<void> | undefined;

  constructor(project: string, order: string[], containers: Map<string, StartedContainer[]>, owned: Owned[]) {
    this.project = project;
    this.#order = order;
    this.#containers = containers;
    this.#owned = owned;
  }

  /** Names of the services that were started, dependencies first. */
  get services(): readonly string[] {
    return [...this.#order];
  }

  /** The started container of a service; with replicas, `index` picks one (0-based, default 0). */
  service(name: string, index = 0): StartedContainer {
    const containers = this.#containers.get(name);
    if (!containers) {
      throw new InvalidSpecError(`no service ${JSON.stringify(name)} in compose project ${this.project}`, {
        hint: `started services: ${this.#order.join(', ')}`,
      });
    }
    const container = containers[index];
    if (!container) {
      throw new InvalidSpecError(`service ${name} has ${containers.length} replica(s); index ${index} is out of range (0-based)`);
    }
    return container;
  }

  /** All replicas of a service. */
  replicas(name: string): readonly StartedContainer[] {
    this.service(name);
    return [...(this.#containers.get(name) ?? [])];
  }

  /** Serialisable connection facts per service (what runner adapters hand to workers). */
  details(): Record<string, ComposeServiceDetails> {
    const out: Record<string, ComposeServiceDetails> = {};
    for (const name of this.#order) {
      const replicas = this.#containers.get(name) ?? [];
      const first = replicas[0];
      const ports: Record<string, number> = {};
      for (const p of first?.ports ?? []) {
        if (p.hostPort !== undefined) ports[p.protocol === 'tcp' ? String(p.port) : `${p.port}/${p.protocol}`] = p.hostPort;
      }
      out[name] = { host: first?.host ?? '127.0.0.1', ports, containers: replicas.map((c) => c.name) };
    }
    return out;
  }

  /** Removes every container, volume and network of the project; idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= teardown(
      this.project,
      [...this.#order].reverse().map((name) => this.#containers.get(name) ?? []),
      this.#owned,
    );
    return this.#stopped;
  }

  [asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Containers level by level (dependents first), then volumes and networks; collects every failure. */
export async function teardown(project: string, levels: StartedContainer[][], owned: Owned[]): Promise<void> {
  const failures: unknown[] = [];
  for (const level of levels) {
    for (const result of await Promise.allSettled(level.map((c) => c.stop()))) {
      if (result.status === 'rejected') failures.push(result.reason);
    }
  }
  // Volumes before networks: neither depends on the other, but volumes fail while a container lives.
  for (const result of await Promise.allSettled(owned.map((o) => o.remove()))) {
    if (result.status === 'rejected') failures.push(result.reason);
  }
  log('compose project %s removed (%d failures)', project, failures.length);
  if (failures.length > 0) {
    throw new CleanupError(`removing compose project ${project} failed in ${failures.length} step(s)`, failures, {
      cause: failures[0],
      hint: 'berth prune removes what is left of a finished session',
    });
  }
}
