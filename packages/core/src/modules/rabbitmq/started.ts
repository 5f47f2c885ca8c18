/**
 * `startRabbitmq()`: a rabbitmq container for core-only users, with its connection details and a
 * fresh vhost per request from a warm pool. The service definition (service.ts) is built on it.
 */
import type { StartedContainer } from '../../container/handle.js';
import { start } from '../../container/start.js';
import { AbortError, BerthError, CleanupError, ContainerNotRunningError, ModuleError, withDetails } from '../../errors.js';
import { registerSecret } from '../../log.js';
import type { ServiceStopOptions } from '../../services/definition.js';
import { type IsolationPool, poolName } from '../../services/pool.js';
import { explainTimeout } from '../explain-timeout.js';
import { followPorts } from '../follow-ports.js';
import type { RestartGate } from '../restart-gate.js';
import { rabbitmqSpec } from './container-spec.js';
import { amqpUrl, type RabbitmqDetails, withVhost } from './details.js';
import { type RabbitmqOptions, type ResolvedRabbitmqOptions, resolveRabbitmqOptions } from './options.js';
import { AMQP_PORT, MANAGEMENT_PORT } from './ready.js';
import { vhostPool } from './vhost-pool.js';
import { ctlAdmin, managementAdmin, restartSafeAdmin, type VhostAdmin } from './vhosts.js';

export interface StartRabbitmqOptions {
  signal?: AbortSignal;
  /** Name used in errors and logs (adapters pass the service's name). */
  service?: string;
  /** Test workers of the run: the pool keeps four fresh vhosts ready per worker. */
  workers?: number;
}

/**
 * A vhost of your own, with every permission for the service's user. Deleted by `release()` or
 * `await using`. `details` and `url` follow a restart of the container; a copy of `details` taken
 * earlier keeps the old ports.
 */
export interface FreshVhost extends AsyncDisposable {
  readonly vhost: string;
  readonly details: RabbitmqDetails;
  readonly url: string;
  /**
   * Gives the vhost back. Returns at once: the vhost is deleted in the background, with its queues
   * and exchanges, and the connections still open on it are closed then. Idempotent.
   */
  release(): Promise<void>;
}

export class StartedRabbitmq implements AsyncDisposable {
  readonly container: StartedContainer;
  readonly #state: { details: RabbitmqDetails };
  readonly #pool: IsolationPool<string>;
  readonly #admin: VhostAdmin;
  readonly #gate: RestartGate;
  #stopped: Promise<void> | undefined;

  /** @internal Use startRabbitmq(). */
  constructor(
    container: StartedContainer,
    state: { details: RabbitmqDetails },
    pool: IsolationPool<string>,
    admin: VhostAdmin,
    gate: RestartGate,
  ) {
    this.container = container;
    this.#state = state;
    this.#pool = pool;
    this.#admin = admin;
    this.#gate = gate;
  }

  /** Connection details of the service's vhost; after `container.restart()` with the new host ports (an object read before keeps the old ones). */
  get details(): RabbitmqDetails {
    return this.#state.details;
  }

  /** AMQP URL of the service's own vhost. */
  get url(): string {
    return this.details.url;
  }

  /**
   * A new, empty vhost nobody else uses, usually taken from the warm pool. A request the pool cannot
   * serve within `acquireTimeoutMs` fails with a PoolTimeoutError that says what its vhosts are doing.
   */
  async freshVhost(options: { signal?: AbortSignal } = {}): Promise<FreshVhost> {
    if (this.#stopped) throw this.#stoppedError();
    await this.#gate.pass();
    const vhost = await this.#pool.acquire(options.signal);
    const release = async () => this.#pool.release(vhost);
    const state = this.#state;
    return {
      vhost,
      get details() {
        return withVhost(state.details, vhost);
      },
      get url() {
        return withVhost(state.details, vhost).url;
      },
      release,
      [Symbol.asyncDispose]: release,
    };
  }

  /**
   * Idempotent: fails pending requests, abandons vhost creates and deletes still running (they go
   * with the container), removes the container.
   */
  stop(options: ServiceStopOptions = {}): Promise<void> {
    this.#stopped ??= (async () => {
      const errors: unknown[] = [];
      // Requests still waiting get the same error as those that come after stop().
      await this.#pool.close(this.#stoppedError()).catch((error: unknown) => errors.push(error));
      this.#admin.close();
      await this.container.stop({ leaveRunning: options.leaveRunning === true }).catch((error: unknown) => errors.push(error));
      if (errors.length > 0) throw new CleanupError(`stopping rabbitmq ${this.container.name} failed`, errors);
    })();
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #stoppedError(): ContainerNotRunningError {
    return new ContainerNotRunningError(`cannot get a fresh vhost: rabbitmq container ${this.container.name} was stopped`, {
      details: { containerName: this.container.name, image: this.container.image },
      hint: 'fresh vhosts are available between start and stop of the service; ask before stop() or dispose',
    });
  }
}

export function startRabbitmq(options: RabbitmqOptions = {}, startOptions: StartRabbitmqOptions = {}): Promise<StartedRabbitmq> {
  return startResolved(resolveRabbitmqOptions(options), startOptions);
}

export async function startResolved(
  options: ResolvedRabbitmqOptions,
  { signal, service, workers }: StartRabbitmqOptions,
): Promise<StartedRabbitmq> {
  registerSecret(options.password);
  const container = await start(rabbitmqSpec(options), { ...(signal ? { signal } : {}), ...(service ? { service } : {}) }).catch(
    (error: unknown) => {
      throw explainTimeout(
        error,
        `is ${options.image} a RabbitMQ image? berth waits until the broker accepts an AMQP connection on 5672 with the configured user; the log lines above show what the container did`,
      );
    },
  );
  let admin: VhostAdmin | undefined;
  try {
    const port = container.mappedPort(AMQP_PORT);
    const { user, password, vhost } = options;
    const details: RabbitmqDetails = {
      kind: 'rabbitmq',
      host: container.host,
      port,
      user,
      password,
      vhost,
      url: amqpUrl({ host: container.host, port, user, password, vhost }),
      containerName: container.name,
    };
    const state = { details };
    const gate = followPorts(container, 'rabbitmq', state, (before) => {
      const amqp = container.mappedPort(AMQP_PORT);
      return {
        ...before,
        port: amqp,
        url: amqpUrl({ host: before.host, port: amqp, user, password, vhost }),
        ...(options.management
          ? { managementPort: container.mappedPort(MANAGEMENT_PORT), managementUrl: `http://${container.address(MANAGEMENT_PORT)}` }
          : {}),
      };
    });
    if (options.management) {
      details.managementPort = container.mappedPort(MANAGEMENT_PORT);
      details.managementUrl = `http://${container.address(MANAGEMENT_PORT)}`;
      admin = managementAdmin({
        host: container.host,
        port: () => container.mappedPort(MANAGEMENT_PORT),
        user,
        password,
        timeoutMs: options.requestTimeoutMs,
        connections: options.poolConcurrency + 2,
      });
    } else {
      admin = ctlAdmin(container, options.requestTimeoutMs);
    }
    if (options.setup) {
      const hook = options.setup;
      await Promise.resolve()
        .then(() => hook(details, signal))
        .catch((error: unknown) => {
          const name = hook.name ? ` (${hook.name})` : '';
          throw new ModuleError(`rabbitmq \`setup\` hook${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
            details: { hook: 'setup' },
            hint: 'the error comes from your setup hook; the container has been removed',
          });
        });
    }
    const pool = vhostPool(
      restartSafeAdmin(admin, (work) => gate.redo(work)),
      options,
      {
        service: poolName('fresh vhosts', 'rabbitmq', container.name, service),
        user,
        prefix: 'berth_vhost_',
        workers,
      },
    );
    pool.warm();
    return new StartedRabbitmq(container, state, pool, admin, gate);
  } catch (error) {
    admin?.close();
    await container.stop().catch(() => undefined);
    const context = { image: container.image, containerId: container.id, containerName: container.name, ...(service ? { service } : {}) };
    if (signal?.aborted && !(error instanceof BerthError)) {
      throw new AbortError(`start of rabbitmq ${container.name} was aborted`, { cause: signal.reason, details: context });
    }
    throw withDetails(error, context, (message, opts) => new ModuleError(`starting rabbitmq failed: ${message}`, opts));
  }
}
