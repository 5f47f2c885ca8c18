/**
 * The identity of a reusable container: a sha256 over everything that makes the container what it
 * is, so a container found under the same hash can stand in for a fresh one. In: the image by its
 * resolved id (a re-pulled tag is a different container), env, command, entrypoint, declared ports
 * (not the host ports an engine picked), mounts, copied files' *content*, limits, networks, user
 * labels, user, healthcheck, privileges, the wait strategy's description and a module's `reuseKey`.
 * Out: berth's own version (an upgrade must not throw every container away), timeouts, log
 * consumers, the pull policy — none changes what runs.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedSpec } from './spec.js';

/** Ports as declared: a fixed host port is part of the identity, an engine-picked one is not. */
export interface DeclaredPort {
  container: number;
  protocol: string;
  /** A fixed host port, 'free' (picked per start) or 0 (engine picks). */
  host: number | 'free';
}

export interface IdentityInput {
  spec: ResolvedSpec;
  ports: readonly DeclaredPort[];
  /** The image id the tag resolved to (sha256:...). */
  imageId: string;
  reuseKey: string | undefined;
}

export async function reuseIdentity({ spec, ports, imageId, reuseKey }: IdentityInput): Promise<string> {
  const copies = await Promise.all(
    spec.copy.map(async (copy) => ({
      target: copy.target,
      mode: copy.mode ?? null,
      content: 'content' in copy ? digest(copy.content) : await pathDigest(copy.source),
    })),
  );
  const identity = {
    image: imageId,
    // Object key order must not matter: sort every map.
    env: sorted(spec.env),
    command: spec.command ?? null,
    entrypoint: spec.entrypoint ?? null,
    ports: [...ports].sort((a, b) => a.container - b.container || a.protocol.localeCompare(b.protocol)),
    labels: sorted(spec.labels),
    user: spec.user ?? null,
    workingDir: spec.workingDir ?? null,
    hostname: spec.hostname ?? null,
    networks: spec.networks.map((n) => ({
      name: n.name,
      aliases: [...(n.aliases ?? [])].sort(),
      ...(n.ipv4Address ? { ipv4: n.ipv4Address } : {}),
      ...(n.ipv6Address ? { ipv6: n.ipv6Address } : {}),
    })),
    extraHosts: [...spec.extraHosts].sort(),
    binds: spec.binds,
    volumes: spec.volumes,
    tmpfs: spec.tmpfs,
    copy: copies,
    limits: { memory: spec.memoryBytes ?? null, cpus: spec.nanoCpus ?? null, shm: spec.shmSizeBytes ?? null },
    capAdd: [...spec.capAdd].sort(),
    capDrop: [...spec.capDrop].sort(),
    privileged: spec.privileged,
    system: spec.system,
    healthcheck: spec.healthcheck ?? null,
    stopSignal: spec.stopSignal ?? null,
    platform: spec.platform ?? null,
    wait: spec.wait?.description ?? null,
    key: reuseKey ?? null,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function digest(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Content digest of a file, or of a directory tree (relative names, modes and contents, sorted). */
export async function pathDigest(path: string): Promise<string> {
  const info = await stat(path);
  // A file's permission bits travel with it into the container (an executable init script).
  if (!info.isDirectory()) return digest(Buffer.concat([Buffer.from(`${info.mode & 0o777}\0`), await readFile(path)]));
  const hash = createHash('sha256');
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    hash.update(`${entry.name}\0${entry.isDirectory() ? 'd' : 'f'}\0`);
    hash.update(await pathDigest(join(path, entry.name)));
  }
  return hash.digest('hex');
}
