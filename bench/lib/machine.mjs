/** Facts about the machine and the software a run measured, recorded next to every result. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { engineInfo, engineVersion } from './engine-api.mjs';

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export async function machineFacts({ root, peerVersions }) {
  const [version, info] = await Promise.all([engineVersion(), engineInfo()]);
  const berthVersion = JSON.parse(readFileSync(`${root}packages/core/package.json`, 'utf8')).version;
  const commit = tryRun('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['-C', root, 'status', '--porcelain', '--', 'packages']);
  return {
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    engine: {
      version: version.Version,
      apiVersion: version.ApiVersion,
      storageDriver: info.Driver,
      cgroup: `${info.CgroupDriver ?? '?'} v${info.CgroupVersion ?? '?'}`,
      loggingDriver: info.LoggingDriver,
    },
    node: { berth: process.version, peer: peerVersions?.node },
    berth: { version: berthVersion, commit: commit ? `${commit}${dirty ? ' (uncommitted changes in packages/)' : ''}` : undefined },
    peer: peerVersions ? { testcontainers: peerVersions.testcontainers, '@testcontainers/postgresql': peerVersions.postgresql } : undefined,
  };
}

export function loadAverage() {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}
