/**
 * Every key a container spec (and each of its nested objects) may have. Typed against the spec's
 * interfaces, so a field added to ContainerSpec without a line here fails the typecheck instead of
 * being rejected as unknown at run time.
 */
import { checker, type KnownKeys } from '../../spec/check.js';
import type {
  BindMount,
  ContainerSpec,
  HealthcheckSpec,
  NetworkAttachment,
  ResourceLimits,
  SystemSettings,
  TmpfsMount,
  VolumeMount,
} from '../spec.js';

/** The checker of container specs: messages quote the field, with no prefix. */
export const check = checker();

export const CONTAINER_SPEC_KEYS: KnownKeys<ContainerSpec> = {
  image: true,
  name: true,
  env: true,
  command: true,
  entrypoint: true,
  ports: true,
  labels: true,
  user: true,
  workingDir: true,
  hostname: true,
  networks: true,
  extraHosts: true,
  binds: true,
  volumes: true,
  tmpfs: true,
  copy: true,
  resources: true,
  capAdd: true,
  capDrop: true,
  privileged: true,
  system: true,
  init: true,
  healthcheck: true,
  stopSignal: true,
  stopTimeoutSeconds: true,
  platform: true,
  pullPolicy: true,
  startupTimeoutMs: true,
  wait: true,
  logConsumer: true,
  keep: true,
  reuse: true,
  reuseKey: true,
};

export const PORT_KEYS = ['container', 'host', 'protocol', 'hostIp'] as const;
export const NETWORK_KEYS: KnownKeys<NetworkAttachment> = { name: true, aliases: true, ipv4Address: true, ipv6Address: true };
export const BIND_KEYS: KnownKeys<BindMount> = { source: true, target: true, readOnly: true, selinux: true };
export const SYSTEM_KEYS: KnownKeys<SystemSettings> = {
  ulimits: true,
  securityOpt: true,
  sysctls: true,
  devices: true,
  dns: true,
  dnsSearch: true,
  dnsOptions: true,
  networkMode: true,
  ipc: true,
  pid: true,
  groupAdd: true,
  readOnlyRootfs: true,
  volumesFrom: true,
  pidsLimit: true,
  macAddress: true,
  uts: true,
  usernsMode: true,
  cgroupns: true,
  runtime: true,
  domainname: true,
};
export const VOLUME_KEYS: KnownKeys<VolumeMount> = { name: true, target: true, readOnly: true };
export const TMPFS_KEYS: KnownKeys<TmpfsMount> = { target: true, options: true };
export const COPY_KEYS = ['source', 'content', 'target', 'mode'] as const;
export const RESOURCE_KEYS: KnownKeys<ResourceLimits> = { memory: true, cpus: true, shmSize: true };
export const HEALTHCHECK_KEYS: KnownKeys<HealthcheckSpec> = {
  test: true,
  intervalMs: true,
  timeoutMs: true,
  retries: true,
  startPeriodMs: true,
  startIntervalMs: true,
};
