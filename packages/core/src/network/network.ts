/**
 * User-defined networks. A network carries the session's labels, so it goes at session end (and with
 * the reaper or a sweep when the owner dies). Containers join it by name through the container
 * spec's `networks: [{ name, aliases }]`, and reach each other by alias.
 */
import type { EngineOptions } from '../engine/index.js';
import { getEngine } from '../engine/index.js';
import { EngineError } from '../errors.js';
import { debug } from '../log.js';
import { asyncDispose } from '../session/dispose.js';
import { randomName } from '../session/id.js';
import { Labels } from '../session/labels.js';
import { ensureSession } from '../session/session.js';
import { checkName, checkUserLabels } from '../session/user-labels.js';

const log = debug('network');

export interface NetworkOptions extends EngineOptions {
  /** Default `berth-net-<random>`. */
  name?: string;
  /** No route to the outside world. Default false. */
  internal?: boolean;
  /** Extra labels; the `dev.berth.` prefix is reserved. */
  labels?: Record<string, string>;
  /** Default `bridge`. */
  driver?: string;
  /** Driver options (`com.docker.network.bridge.name`, ...). */
  driverOpts?: Record<string, string>;
  /** Address pools: `[{ subnet: '172.28.0.0/16', gateway: '172.28.0.1' }]`, for fixed container addresses. */
  ipam?: { driver?: string; config: { subnet?: string; ipRange?: string; gateway?: string }[] };
  enableIpv6?: boolean;
  attachable?: boolean;
}

export interface Network {
  readonly name: string;
  readonly id: string;
  /** Removes the network; removing a gone network is fine. */
  remove(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Docker (20.10 and 26) gives IPv6 subnets only from pools its daemon configuration lists, and has
 * none by default; Podman picks one. So `enableIpv6` without a subnet works on one and not the other.
 */
const NO_IPV6_POOL = /IPv6 address pool/i;
const IPV6_HINT =
  "the engine has no IPv6 pool to take a subnet from: give the network one, e.g. ipam: { config: [{ subnet: 'fd00:1::/64' }] } (Docker has no default IPv6 pool; Podman picks one)";

export async function createNetwork(options: NetworkOptions = {}): Promise<Network> {
  checkName('name', options.name);
  const userLabels = checkUserLabels('labels', options.labels);
  const engine = await getEngine(options.engine === undefined ? {} : { engine: options.engine });
  const session = await ensureSession(engine);
  const name = options.name ?? randomName('berth-net');
  let id: string;
  try {
    id = await engine.createNetwork({
      name,
      labels: { ...userLabels, ...session.labels, [Labels.created]: new Date().toISOString() },
      internal: options.internal ?? false,
      driver: options.driver ?? 'bridge',
      ...(options.driverOpts ? { driverOpts: options.driverOpts } : {}),
      ...(options.ipam ? { ipam: options.ipam } : {}),
      ...(options.enableIpv6 ? { enableIpv6: true } : {}),
      ...(options.attachable ? { attachable: true } : {}),
    });
  } catch (error) {
    const noIpv6Pool = options.enableIpv6 && error instanceof EngineError && NO_IPV6_POOL.test(error.engineMessage ?? '');
    throw new EngineError(`creating network ${name} failed: ${(error as Error).message}`, {
      cause: error,
      hint: noIpv6Pool
        ? IPV6_HINT
        : options.name
          ? 'a network of that name may already exist; leave `name` out for a generated one'
          : undefined,
    });
  }
  log('created network %s (%s) in session %s', name, id.slice(0, 12), session.id);
  const remove = () => engine.removeNetwork(id);
  return { name, id, remove, [asyncDispose]: remove };
}
