/**
 * `startNats()`: a nats container for core-only users, with its connection details and, per
 * request, an account of its own (see config-file.ts for why accounts). The service definition
 * (service.ts) is built on it.
 */
import type { StartedContainer } from '../../container/handle.js';
import type { ContainerSpec } from '../../container/spec.js';
import { start } from '../../container/start.js';
import { CleanupError, ContainerNotRunningError, ModuleError } from '../../errors.js';
import { debug, registerSecret } from '../../log.js';
import type { ServiceStopOptions } from '../../services/definition.js';
import { type IsolationPool, poolName } from '../../services/pool.js';
import { explainTimeout } from '../explain-timeout.js';
import { followPorts } from '../follow-ports.js';
import { sessionsLeftAfterGrace } from '../release-grace.js';
import type { RestartGate } from '../restart-gate.js';
import { applySpecOverride } from '../spec-override.js';
import { natsAccountPool } from './account-slots.js';
import { CLIENT_PORT, CONFIG_PATH, type LeaseAccount, leaseAccounts, MONITOR_PORT, natsConfig, newPassword } from './config-file.js';
import { accountConnections } from './connections.js';
import { type NatsDetails, natsUrl } from './details.js';
import { type NatsOptions, type ResolvedNatsOptions, resolveNatsOptions } from './options.js';
import { NatsConnection, type NatsCredentials } from './protocol.js';
import { natsReady } from './ready.js';
import { ConfigReloader, ReloadWatch } from './reload.js';

const log = debug('nats');

export interface StartNatsOptions {
  signal?: AbortSignal;
  /** Name used in errors and logs (adapters pass the service's name). */
  service?: string;
}

/** An account of your own until released: subjects and streams no other lease sees. */
export interface FreshNatsAccount extends AsyncDisposable {
  readonly account: string;
  readonly details: NatsDetails;
  readonly url: string;
  /**
   * Gives the account back at once (the returned promise resolves without waiting). In the
   * background it gets a new password, which disconnects its clients, and its streams are deleted;
   * only then does anyone else get it. An account whose recycling fails twice is taken out of
   * rotation. Idempotent.
   */
  release(): Promise<void>;
}

export class StartedNats implements AsyncDisposable {
  readonly container: StartedContainer;
  readonly #state: { details: NatsDetails };
  readonly #accounts: readonly LeaseAccount[];
  readonly #pool: IsolationPool<number>;
  readonly #gate: RestartGate;
  #stopped: Promise<void> | undefined;

  /** @internal Use startNats(). */
  constructor(
    container: StartedContainer,
    state: { details: NatsDetails },
    accounts: readonly LeaseAccount[],
    pool: IsolationPool<number>,
    gate: RestartGate,
  ) {
    this.container = container;
    this.#state = state;
    this.#accounts = accounts;
    this.#pool = pool;
    this.#gate = gate;
  }

  /** Connection details; after `container.restart()` with the new host ports (an object read before keeps the old ones). */
  get details(): NatsDetails {
    return this.#state.details;
  }

  get url(): string {
    return this.details.url;
  }

  /**
   * An account nobody else holds. When every account is out, waits for one to come back, at most
   * `acquireTimeoutMs` (default 30 s), then fails with a PoolTimeoutError that says what each
   * account is doing.
   */
  async freshAccount(options: { signal?: AbortSignal } = {}): Promise<FreshNatsAccount> {
    if (this.#stopped) throw this.#stoppedError();
    if (this.#accounts.length === 0) {
      throw new ModuleError('this nats service has no lease accounts (`accounts: 0`)', {
        hint: 'leave `accounts` at its default (16), and use `auth: { user, password }` rather than a token',
      });
    }
    await this.#gate.pass();
    const index = await this.#pool.acquire(options.signal);
    const account = this.#accounts[index] as LeaseAccount;
    const details: NatsDetails = {
      ...this.details,
      user: account.user,
      password: account.password,
      account: account.name,
      url: natsUrl({ host: this.details.host, port: this.details.port, user: account.user, password: account.password }),
    };
    delete details.token;
    const release = async () => this.#pool.release(index);
    return { account: account.name, details, url: details.url, release, [Symbol.asyncDispose]: release };
  }

  /** Idempotent: fails waiting requests, lets running recycles settle, removes the container. */
  stop(options: ServiceStopOptions = {}): Promise<void> {
    this.#stopped ??= (async () => {
      const errors: unknown[] = [];
      await this.#pool.close(this.#stoppedError()).catch((error: unknown) => errors.push(error));
      await this.container.stop({ leaveRunning: options.leaveRunning === true }).catch((error: unknown) => errors.push(error));
      if (errors.length > 0) throw new CleanupError(`stopping nats ${this.container.name} failed`, errors);
    })();
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #stoppedError(): ContainerNotRunningError {
    return new ContainerNotRunningError(`cannot get a nats account: nats container ${this.container.name} was stopped`, {
      hint: 'lease accounts are available between the start and the stop of the service',
      details: { containerName: this.container.name, image: this.container.image },
    });
  }
}

export function startNats(options: NatsOptions = {}, startOptions: StartNatsOptions = {}): Promise<StartedNats> {
  return startResolved(resolveNatsOptions(options), startOptions);
}

export async function startResolved(options: ResolvedNatsOptions, { signal, service }: StartNatsOptions): Promise<StartedNats> {
  const accounts = leaseAccounts(options.accounts);
  const anonymousPassword = newPassword();
  const auth = options.auth;
  const credentials: NatsCredentials = auth === undefined ? {} : 'token' in auth ? { token: auth.token } : { ...auth };
  for (const secret of [auth && 'token' in auth ? auth.token : auth?.password, anonymousPassword, ...accounts.map((a) => a.password)]) {
    registerSecret(secret);
  }
  const render = () => natsConfig(options, accounts, anonymousPassword);
  const watch = new ReloadWatch();
  const container = await start(natsSpec(options, render(), credentials, watch), {
    ...(signal ? { signal } : {}),
    ...(service ? { service } : {}),
  }).catch((error: unknown) => {
    throw explainTimeout(
      error,
      `is ${options.image} a NATS server image? berth waits until it accepts a client connection on 4222; the log lines above show what the container did`,
    );
  });
  try {
    const port = container.mappedPort(CLIENT_PORT);
    const details: NatsDetails = {
      kind: 'nats',
      host: container.host,
      port,
      url: natsUrl({ host: container.host, port, ...credentials }),
      ...(credentials.user === undefined ? {} : { user: credentials.user, password: credentials.password as string }),
      ...(credentials.token === undefined ? {} : { token: credentials.token }),
      ...(options.monitoring ? { monitorUrl: `http://${container.address(MONITOR_PORT)}` } : {}),
      jetstream: options.jetstream,
      containerName: container.name,
    };
    const state = { details };
    const gate = followPorts(container, 'nats', state, (before) => {
      const client = container.mappedPort(CLIENT_PORT);
      return {
        ...before,
        port: client,
        url: natsUrl({ host: before.host, port: client, ...credentials }),
        ...(options.monitoring ? { monitorUrl: `http://${container.address(MONITOR_PORT)}` } : {}),
      };
    });
    const reloader = new ConfigReloader(container, render, watch, options.requestTimeoutMs, gate);
    // Held while the container restarts, and run once more when a restart cut it off.
    const recycle = (index: number, stopping: AbortSignal): Promise<void> => gate.redo(() => recycleOnce(index, stopping));
    const recycleOnce = async (index: number, stopping: AbortSignal): Promise<void> => {
      const account = accounts[index] as LeaseAccount;
      // Clients still closing get the grace period before the reload disconnects them (without
      // monitoring there is no count to wait on: recycled at once).
      const { monitorUrl } = state.details;
      if (monitorUrl) {
        const count = () => accountConnections(monitorUrl, account.name, options.requestTimeoutMs, stopping);
        const left = await sessionsLeftAfterGrace(count, options.releaseGraceMs, stopping);
        if (left > 0) {
          log(
            'account %s still has %d client(s) after the %d ms release grace period: recycling it disconnects them',
            account.name,
            left,
            options.releaseGraceMs,
          );
        }
      }
      account.password = newPassword();
      registerSecret(account.password);
      await reloader.reload(); // done: the old password is refused, its clients are disconnected
      if (options.jetstream) await deleteStreams(state.details, account, options.requestTimeoutMs, stopping);
    };
    const pool = natsAccountPool({
      service: poolName('lease accounts', 'nats', container.name, service),
      count: accounts.length,
      acquireTimeoutMs: options.acquireTimeoutMs,
      recycle,
    });
    pool.warm();
    return new StartedNats(container, state, accounts, pool, gate);
  } catch (error) {
    await container.stop().catch(() => undefined);
    throw error;
  }
}

function natsSpec(options: ResolvedNatsOptions, config: string, credentials: NatsCredentials, watch: ReloadWatch): ContainerSpec {
  const generated: ContainerSpec = {
    image: options.image,
    command: ['--config', CONFIG_PATH, ...options.args],
    copy: [{ content: config, target: CONFIG_PATH, mode: 0o644 }],
    ports: options.monitoring ? [CLIENT_PORT, MONITOR_PORT] : [CLIENT_PORT],
    wait: natsReady(credentials, options.monitoring),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  const spec = applySpecOverride(generated, options.spec);
  // Reloads are confirmed from the log, so the watch sees every line whatever the override says.
  const theirs = spec.logConsumer;
  return {
    ...spec,
    logConsumer: (line) => {
      watch.consume(line);
      theirs?.(line);
    },
  };
}

/** Deletes every JetStream stream (KV buckets and object stores are streams too) of an account. */
async function deleteStreams(details: NatsDetails, account: LeaseAccount, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const { host, port } = details;
  const connection = await NatsConnection.open({
    host,
    port,
    user: account.user,
    password: account.password,
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  try {
    await deleteEach(connection, account, timeoutMs);
  } finally {
    connection.close();
  }
}

async function deleteEach(connection: NatsConnection, account: LeaseAccount, timeoutMs: number): Promise<void> {
  for (;;) {
    const answer = JSON.parse(await connection.request('$JS.API.STREAM.NAMES', '{}', timeoutMs)) as {
      streams?: string[] | null;
      error?: { description?: string };
    };
    if (answer.error) throw new ModuleError(`listing the streams of ${account.name} failed: ${answer.error.description}`);
    const streams = answer.streams ?? [];
    if (streams.length === 0) return;
    for (const stream of streams) {
      const deleted = JSON.parse(await connection.request(`$JS.API.STREAM.DELETE.${stream}`, '', timeoutMs)) as {
        error?: { description?: string };
      };
      if (deleted.error) throw new ModuleError(`deleting stream ${stream} of ${account.name} failed: ${deleted.error.description}`);
    }
  }
}
