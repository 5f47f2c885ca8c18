/** `binds`, `volumes`, `tmpfs` and `copy`: absolute targets, existing host sources, known keys only. */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { isRecord } from '../../spec/check.js';
import type { BindMount, CopySpec, TmpfsMount, VolumeMount } from '../spec.js';
import { BIND_KEYS, COPY_KEYS, check, TMPFS_KEYS, VOLUME_KEYS } from './keys.js';

function list(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) check.fail(field, 'an array', value);
  return value as unknown[];
}

function readOnly(value: unknown, field: string): boolean {
  return check.boolean(value, field) ?? false;
}

export function resolveBinds(value: unknown): BindMount[] {
  return list(value, 'binds').map((bind, index) => {
    const field = `binds[${index}]`;
    if (!isRecord(bind) || typeof bind.source !== 'string' || typeof bind.target !== 'string') {
      return check.fail(field, '{ source, target, readOnly? }', bind);
    }
    check.keys(bind, BIND_KEYS, `\`${field}\``);
    if (!isAbsolute(bind.source)) check.fail(`${field}.source`, 'an absolute host path', bind.source);
    if (!existsSync(bind.source)) {
      check.fail(
        `${field}.source`,
        'an existing host path',
        bind.source,
        'create it first; bind sources are paths on the machine the engine runs on',
      );
    }
    if (!bind.target.startsWith('/')) check.fail(`${field}.target`, 'an absolute container path', bind.target);
    if (bind.selinux !== undefined && bind.selinux !== 'z' && bind.selinux !== 'Z')
      check.fail(`${field}.selinux`, '"z" or "Z"', bind.selinux);
    return {
      source: bind.source,
      target: bind.target,
      readOnly: readOnly(bind.readOnly, `${field}.readOnly`),
      ...(bind.selinux ? { selinux: bind.selinux as 'z' | 'Z' } : {}),
    };
  });
}

export function resolveVolumes(value: unknown): VolumeMount[] {
  return list(value, 'volumes').map((volume, index) => {
    const field = `volumes[${index}]`;
    if (!isRecord(volume) || typeof volume.name !== 'string' || typeof volume.target !== 'string' || !volume.target.startsWith('/')) {
      return check.fail(field, '{ name, target: "/absolute/path", readOnly? }', volume);
    }
    check.keys(volume, VOLUME_KEYS, `\`${field}\``);
    return { name: volume.name, target: volume.target, readOnly: readOnly(volume.readOnly, `${field}.readOnly`) };
  });
}

export function resolveTmpfs(value: unknown): TmpfsMount[] {
  return list(value, 'tmpfs').map((mount, index) => {
    const field = `tmpfs[${index}]`;
    if (!isRecord(mount) || typeof mount.target !== 'string' || !mount.target.startsWith('/')) {
      return check.fail(field, '{ target: "/absolute/path", options? }', mount);
    }
    check.keys(mount, TMPFS_KEYS, `\`${field}\``);
    return { target: mount.target, ...(mount.options === undefined ? {} : { options: String(mount.options) }) };
  });
}

export function resolveCopy(value: unknown): CopySpec[] {
  return list(value, 'copy').map((entry, index) => {
    const field = `copy[${index}]`;
    if (!isRecord(entry) || typeof entry.target !== 'string' || !entry.target.startsWith('/')) {
      return check.fail(field, '{ source | content, target: "/absolute/path" }', entry);
    }
    check.keys(entry, COPY_KEYS, `\`${field}\``);
    if ('source' in entry) {
      if (typeof entry.source !== 'string' || !existsSync(entry.source))
        check.fail(`${field}.source`, 'an existing host path', entry.source);
    } else if (typeof entry.content !== 'string' && !Buffer.isBuffer(entry.content)) {
      check.fail(`${field}.content`, 'a string or Buffer', entry.content);
    }
    return { ...entry } as CopySpec;
  });
}
