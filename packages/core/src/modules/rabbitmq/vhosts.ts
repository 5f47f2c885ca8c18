/**
 * The slot operations of rabbitmq isolation as plain functions: make a vhost and give the service's
 * user every permission on it; delete a vhost (with its queues, exchanges and connections). Two
 * ways to reach the broker: the management HTTP API (tens of milliseconds a call) when the image
 * has it, else `rabbitmqctl` in the container (an Erlang VM start per call, about half a second).
 * Every call takes the pool's signal: stopping the service abandons calls in flight (the container
 * goes anyway) instead of waiting out their timeout.
 */
import { Agent, request } from 'node:http';
import type { StartedContainer } from '../../container/handle.js';
import { ModuleError } from '../../errors.js';

/** How berth administers vhosts on one broker. */
export interface VhostAdmin {
  createVhost(name: string, user: string, signal?: AbortSignal): Promise<void>;
  /** Deleting a vhost that does not exist counts as done. */
  deleteVhost(name: string, signal?: AbortSignal): Promise<void>;
  /**
   * Client connections the broker reports on the vhost (0 when it does not exist). Management API
   * only: its list lags the broker by its statistics interval (5 s by default), so a connection
   * opened just now may be missing; `rabbitmqctl` would start an Erlang VM per call, so the
   * rabbitmqctl admin has no count.
   */
  connectionCount?(name: string, signal?: AbortSignal): Promise<number>;
  close(): void;
}

/** The call's own time limit, and the caller's signal when there is one. */
function limit(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/** Through the management API, over kept-alive connections. */
export function managementAdmin(options: {
  host: string;
  /** Asked on every call: after a restart of the container it is the new host port. */
  port: () => number;
  user: string;
  password: string;
  timeoutMs: number;
  connections: number;
}): VhostAdmin {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const auth = `${options.user}:${options.password}`;
  /** `gone` = a 404 counts as done (deleting what is already deleted). */
  /** Resolves with the response body ('' for a 404 taken as done). */
  const call = (method: string, path: string, signal: AbortSignal | undefined, body?: unknown, gone = false): Promise<string> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          host: options.host,
          port: options.port(),
          method,
          path,
          agent,
          auth,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
          signal: limit(options.timeoutMs, signal),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status >= 200 && status < 300) return resolve(text);
            if (gone && status === 404) return resolve('');
            reject(new ModuleError(`management API ${method} ${decodeURIComponent(path)} answered ${status}: ${text.slice(0, 300)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    async createVhost(name, user, signal) {
      const vhost = encodeURIComponent(name);
      await call('PUT', `/api/vhosts/${vhost}`, signal, { description: 'berth fresh vhost' });
      await call('PUT', `/api/permissions/${vhost}/${encodeURIComponent(user)}`, signal, { configure: '.*', write: '.*', read: '.*' });
    },
    async deleteVhost(name, signal) {
      await call('DELETE', `/api/vhosts/${encodeURIComponent(name)}`, signal, undefined, true);
    },
    async connectionCount(name, signal) {
      const body = await call('GET', `/api/vhosts/${encodeURIComponent(name)}/connections?columns=name`, signal, undefined, true);
      const list: unknown = body === '' ? [] : JSON.parse(body);
      return Array.isArray(list) ? list.length : 0;
    },
    close() {
      agent.destroy();
    },
  };
}

/** `admin` with every call held while the container restarts, and run once more when a restart cut it off. */
export function restartSafeAdmin(admin: VhostAdmin, redo: <T>(work: () => Promise<T>) => Promise<T>): VhostAdmin {
  const { connectionCount } = admin;
  return {
    createVhost: (name, user, signal) => redo(() => admin.createVhost(name, user, signal)),
    deleteVhost: (name, signal) => redo(() => admin.deleteVhost(name, signal)),
    ...(connectionCount
      ? { connectionCount: (name: string, signal?: AbortSignal) => redo(() => connectionCount.call(admin, name, signal)) }
      : {}),
    close: () => admin.close(),
  };
}

/** Through `rabbitmqctl` in the container (images without the management plugin). */
export function ctlAdmin(container: StartedContainer, timeoutMs: number): VhostAdmin {
  const ctl = async (argv: string[], signal: AbortSignal | undefined, gone?: RegExp): Promise<void> => {
    const result = await container.exec(argv, { signal: limit(timeoutMs, signal) });
    if (result.exitCode !== 0 && !gone?.test(`${result.stderr}${result.stdout}`)) {
      const output = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-3).join(' / ');
      throw new ModuleError(`\`${argv.join(' ')}\` exited with code ${result.exitCode}: ${output}`);
    }
  };
  return {
    async createVhost(name, user, signal) {
      await ctl(['rabbitmqctl', '--quiet', 'add_vhost', name], signal);
      await ctl(['rabbitmqctl', '--quiet', 'set_permissions', '-p', name, user, '.*', '.*', '.*'], signal);
    },
    async deleteVhost(name, signal) {
      await ctl(['rabbitmqctl', '--quiet', 'delete_vhost', name], signal, /does not exist/);
    },
    close() {},
  };
}
