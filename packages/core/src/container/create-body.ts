/**
 * Translates a ResolvedSpec into the engine's container-create body. Pure, so the mapping is unit
 * tested without an engine.
 */
import type { ContainerCreateBody } from '../engine/engine.js';
import type { HealthcheckSpec, ResolvedSpec } from './spec.js';

const NS_PER_MS = 1_000_000;

function healthcheckBody(healthcheck: HealthcheckSpec): Record<string, unknown> {
  const test = typeof healthcheck.test === 'string' ? ['CMD-SHELL', healthcheck.test] : healthcheck.test;
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));
  const body: Record<string, unknown> = { Test: test };
  if (healthcheck.intervalMs !== undefined) body.Interval = ns(healthcheck.intervalMs);
  if (healthcheck.timeoutMs !== undefined) body.Timeout = ns(healthcheck.timeoutMs);
  if (healthcheck.retries !== undefined) body.Retries = healthcheck.retries;
  if (healthcheck.startPeriodMs !== undefined) body.StartPeriod = ns(healthcheck.startPeriodMs);
  if (healthcheck.startIntervalMs !== undefined) body.StartInterval = ns(healthcheck.startIntervalMs);
  return body;
}

/**
 * `imageRef` is what the image layer actually resolved (mirror or substitution applied). Only the
 * first network is attached at create time (API 1.41 accepts one endpoint); the start flow connects
 * the others before starting.
 */
export function createBody(spec: ResolvedSpec, imageRef: string, labels: Record<string, string>): ContainerCreateBody {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    bindings[key] = [{ HostIp: port.hostIp, HostPort: port.host === 0 ? '' : String(port.host) }];
  }

  const mounts = [
    ...spec.binds.map((bind) => ({ Type: 'bind', Source: bind.source, Target: bind.target, ReadOnly: bind.readOnly ?? false })),
    ...spec.volumes.map((volume) => ({ Type: 'volume', Source: volume.name, Target: volume.target, ReadOnly: volume.readOnly ?? false })),
  ];
  const tmpfs: Record<string, string> = {};
  for (const mount of spec.tmpfs) tmpfs[mount.target] = mount.options ?? '';

  const [firstNetwork] = spec.networks;
  const hostConfig: Record<string, unknown> = {
    PortBindings: bindings,
    // Also publish every port the image EXPOSEs, on random host ports, so mappedPort() works for
    // ports the spec did not list (postgres:15 → 5432 without saying so).
    PublishAllPorts: true,
    Mounts: mounts,
    Privileged: spec.privileged,
    CapAdd: spec.capAdd,
    CapDrop: spec.capDrop,
    ExtraHosts: spec.extraHosts,
  };
  if (Object.keys(tmpfs).length > 0) hostConfig.Tmpfs = tmpfs;
  if (spec.memoryBytes !== undefined) hostConfig.Memory = spec.memoryBytes;
  if (spec.nanoCpus !== undefined) hostConfig.NanoCpus = spec.nanoCpus;
  if (spec.shmSizeBytes !== undefined) hostConfig.ShmSize = spec.shmSizeBytes;
  if (spec.init) hostConfig.Init = true;
  if (firstNetwork) hostConfig.NetworkMode = firstNetwork.name;

  const body: Record<string, unknown> = {
    name: spec.name,
    Image: imageRef,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: { ...spec.labels, ...labels },
    ExposedPorts: exposed,
    HostConfig: hostConfig,
  };
  if (spec.command) body.Cmd = spec.command;
  if (spec.entrypoint) body.Entrypoint = spec.entrypoint;
  if (spec.user) body.User = spec.user;
  if (spec.workingDir) body.WorkingDir = spec.workingDir;
  if (spec.hostname) body.Hostname = spec.hostname;
  if (spec.healthcheck) body.Healthcheck = healthcheckBody(spec.healthcheck);
  if (spec.stopSignal) body.StopSignal = spec.stopSignal;
  if (spec.stopTimeoutSeconds !== undefined) body.StopTimeout = spec.stopTimeoutSeconds;
  if (spec.platform) body.platform = spec.platform;
  if (firstNetwork) {
    body.NetworkingConfig = { EndpointsConfig: { [firstNetwork.name]: { Aliases: firstNetwork.aliases ?? [] } } };
  }
  return body as ContainerCreateBody;
}
