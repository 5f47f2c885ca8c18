/**
 * Translates a ResolvedSpec into the engine's container-create body. Pure, so the mapping is unit
 * tested without an engine.
 */
import type { ContainerCreateBody } from '../engine/engine.js';
import { ownsNoNetwork } from './resolve/system.js';
import type { HealthcheckSpec, NetworkAttachment, ResolvedSpec, SystemSettings } from './spec.js';

const NS_PER_MS = 1_000_000;

function healthcheckBody(healthcheck: HealthcheckSpec): Record<string, unknown> {
  const test = typeof healthcheck.test === 'string' ? ['CMD-SHELL', healthcheck.test] : healthcheck.test;
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));
  // No Test: the engine keeps the image's own test and takes these timings.
  const body: Record<string, unknown> = test ? { Test: test } : {};
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
  const { system } = spec;
  // With `none`, `host` or `container:x` the container has no network (and no ports) of its own.
  const ownNetwork = !ownsNoNetwork(system);
  for (const port of ownNetwork ? spec.ports : []) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    bindings[key] = [{ HostIp: port.hostIp, HostPort: port.host === 0 ? '' : String(port.host) }];
  }

  // The Mounts API cannot relabel for SELinux: such binds go the `Binds` way (`src:dst:ro,z`).
  const relabelled = spec.binds.filter((bind) => bind.selinux);
  const mounts = [
    ...spec.binds
      .filter((bind) => !bind.selinux)
      .map((bind) => ({ Type: 'bind', Source: bind.source, Target: bind.target, ReadOnly: bind.readOnly ?? false })),
    ...spec.volumes.map((volume) => ({ Type: 'volume', Source: volume.name, Target: volume.target, ReadOnly: volume.readOnly ?? false })),
  ];
  const tmpfs: Record<string, string> = {};
  for (const mount of spec.tmpfs) tmpfs[mount.target] = mount.options ?? '';

  const [firstNetwork] = spec.networks;
  const hostConfig: Record<string, unknown> = {
    PortBindings: bindings,
    // Also publish every port the image EXPOSEs, on random host ports, so mappedPort() works for
    // ports the spec did not list (postgres:15 → 5432 without saying so).
    PublishAllPorts: ownNetwork,
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
  if (relabelled.length > 0) {
    hostConfig.Binds = relabelled.map((b) => `${b.source}:${b.target}:${b.readOnly ? 'ro' : 'rw'},${b.selinux}`);
  }
  Object.assign(hostConfig, systemBody(system));

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
  if (system.macAddress) body.MacAddress = system.macAddress;
  if (system.domainname) body.Domainname = system.domainname;
  if (firstNetwork) {
    body.NetworkingConfig = { EndpointsConfig: { [firstNetwork.name]: endpointConfig(firstNetwork) } };
  }
  return body as ContainerCreateBody;
}

/** A network endpoint: aliases, and a fixed address when asked for. */
export function endpointConfig(network: NetworkAttachment): Record<string, unknown> {
  const config: Record<string, unknown> = { Aliases: network.aliases ?? [] };
  if (network.ipv4Address || network.ipv6Address) {
    config.IPAMConfig = {
      ...(network.ipv4Address ? { IPv4Address: network.ipv4Address } : {}),
      ...(network.ipv6Address ? { IPv6Address: network.ipv6Address } : {}),
    };
  }
  return config;
}

function systemBody(system: SystemSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (system.ulimits) out.Ulimits = Object.entries(system.ulimits).map(([Name, l]) => ({ Name, Soft: l.soft, Hard: l.hard }));
  if (system.securityOpt) out.SecurityOpt = system.securityOpt;
  if (system.sysctls) out.Sysctls = system.sysctls;
  if (system.devices) {
    out.Devices = system.devices.map((d) => ({
      PathOnHost: d.host,
      PathInContainer: d.container,
      CgroupPermissions: d.permissions ?? 'rwm',
    }));
  }
  if (system.dns) out.Dns = system.dns;
  if (system.dnsSearch) out.DnsSearch = system.dnsSearch;
  if (system.dnsOptions) out.DnsOptions = system.dnsOptions;
  if (system.networkMode) out.NetworkMode = system.networkMode;
  if (system.ipc) out.IpcMode = system.ipc;
  if (system.pid) out.PidMode = system.pid;
  if (system.groupAdd) out.GroupAdd = system.groupAdd;
  if (system.readOnlyRootfs) out.ReadonlyRootfs = true;
  if (system.volumesFrom) out.VolumesFrom = system.volumesFrom;
  if (system.pidsLimit !== undefined) out.PidsLimit = system.pidsLimit;
  if (system.uts) out.UTSMode = system.uts;
  if (system.usernsMode) out.UsernsMode = system.usernsMode;
  if (system.cgroupns) out.CgroupnsMode = system.cgroupns;
  if (system.runtime) out.Runtime = system.runtime;
  return out;
}
