/**
 * Validates a ContainerSpec and resolves it into a fresh, fully filled ResolvedSpec. Each field has
 * its resolver in resolve/ (env, labels, ports, mounts, networks, limits, image, runtime), sharing the
 * helpers in spec/ with the modules' option checks. Unknown keys are an error naming the key and the
 * likely intended one. Messages quote the field and the bad value: "expected `ports[1]` to be
 * 1–65535, got 70000". Nothing here touches the engine, so bad input fails in microseconds.
 */

import { isRecord } from '../spec/check.js';
import { resolveEnv } from './resolve/env.js';
import { generateName, resolveImage, resolveName, resolvePlatform, resolvePullPolicy } from './resolve/image.js';
import { CONTAINER_SPEC_KEYS, check } from './resolve/keys.js';
import { resolveLabels } from './resolve/labels.js';
import { parseBytes, resolveLimits } from './resolve/limits.js';
import { resolveBinds, resolveCopy, resolveTmpfs, resolveVolumes } from './resolve/mounts.js';
import { resolveExtraHosts, resolveNetworks } from './resolve/networks.js';
import { type PortPlan, resolvePorts } from './resolve/ports.js';
import { resolveHealthcheck, resolveLogConsumer, resolveStartupTimeout, resolveStopTimeout, resolveWait } from './resolve/runtime.js';
import { resolveSystem } from './resolve/system.js';
import type { ContainerSpec, ResolvedSpec } from './spec.js';

export { generateName, type PortPlan, parseBytes, resolvePorts };

/**
 * Validates and resolves. Host ports marked 'free' are not picked here (that needs I/O); the start
 * flow fills them in.
 */
export function validateSpec(spec: ContainerSpec): ResolvedSpec & { portPlans: PortPlan[] } {
  if (!isRecord(spec)) check.fail('spec', 'an object', spec);
  check.keys(spec as unknown as Record<string, unknown>, CONTAINER_SPEC_KEYS, 'the container spec');
  const image = resolveImage(spec.image);
  const portPlans = resolvePorts(spec.ports);
  const networks = resolveNetworks(spec.networks);
  return {
    image,
    name: resolveName(spec.name, image),
    env: resolveEnv(spec.env),
    command: check.stringArray(spec.command, 'command'),
    entrypoint: check.stringArray(spec.entrypoint, 'entrypoint'),
    ports: portPlans.map(({ pickFree: _pickFree, ...port }) => port),
    portPlans,
    labels: resolveLabels(spec.labels),
    user: check.string(spec.user, 'user'),
    workingDir: check.string(spec.workingDir, 'workingDir'),
    hostname: check.string(spec.hostname, 'hostname'),
    networks,
    extraHosts: resolveExtraHosts(spec.extraHosts),
    binds: resolveBinds(spec.binds),
    volumes: resolveVolumes(spec.volumes),
    tmpfs: resolveTmpfs(spec.tmpfs),
    copy: resolveCopy(spec.copy),
    ...resolveLimits(spec.resources),
    capAdd: check.stringArray(spec.capAdd, 'capAdd') ?? [],
    capDrop: check.stringArray(spec.capDrop, 'capDrop') ?? [],
    privileged: check.boolean(spec.privileged, 'privileged') ?? false,
    system: resolveSystem(spec.system, networks.length > 0, portPlans.length > 0),
    init: check.boolean(spec.init, 'init') ?? false,
    healthcheck: resolveHealthcheck(spec.healthcheck),
    stopSignal: check.string(spec.stopSignal, 'stopSignal'),
    stopTimeoutSeconds: resolveStopTimeout(spec.stopTimeoutSeconds),
    platform: resolvePlatform(spec.platform),
    pullPolicy: resolvePullPolicy(spec.pullPolicy),
    startupTimeoutMs: resolveStartupTimeout(spec.startupTimeoutMs),
    wait: resolveWait(spec.wait),
    logConsumer: resolveLogConsumer(spec.logConsumer),
    keep: check.boolean(spec.keep, 'keep') ?? false,
  };
}
