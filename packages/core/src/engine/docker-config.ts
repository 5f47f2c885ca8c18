/**
 * What the docker CLI's own configuration says about the engine: TLS material from
 * DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, the current context (DOCKER_CONTEXT or `currentContext` in
 * config.json) and its endpoint in the contexts store. Read through `DiscoveryIO`, so it is
 * unit-tested over a fake filesystem. Anything set explicitly that cannot be used is an error naming
 * it, never a silent fallback.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { BerthConfig } from '../config.js';
import { InvalidSpecError } from '../errors.js';
import type { DiscoveryIO } from './discovery.js';
import { type EngineEndpoint, type EngineTls, parseDockerHost } from './endpoint.js';

/**
 * TLS material from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH. Set explicitly, so a missing directory or
 * file is an error naming it, not a silent fallback to the system CAs.
 */
export function tlsFromEnv(cfg: BerthConfig, io: DiscoveryIO): EngineTls | undefined {
  if (!cfg.dockerTlsVerify && !cfg.dockerCertPath) return undefined;
  const dir = cfg.dockerCertPath ?? join(cfg.home, '.docker');
  const source = cfg.dockerCertPath ? `DOCKER_CERT_PATH=${JSON.stringify(dir)}` : `${dir} (the default when DOCKER_CERT_PATH is not set)`;
  if (!io.exists(dir)) {
    throw new InvalidSpecError(`TLS is on but the certificate directory does not exist: ${source}`, {
      hint: 'set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY',
      details: { certPath: dir },
    });
  }
  const tls = readTls(io, dir, cfg.dockerTlsVerify);
  const missing = (['ca', 'cert', 'key'] as const).filter((k) => tls[k] === undefined).map((k) => join(dir, `${k}.pem`));
  // Verification needs the CA; a client certificate needs its key (and the other way round).
  const required = [
    cfg.dockerTlsVerify && !tls.ca ? join(dir, 'ca.pem') : undefined,
    ...(tls.cert || tls.key ? missing.filter((m) => !m.endsWith('ca.pem')) : []),
  ].filter((m): m is string => m !== undefined);
  if (required.length > 0) {
    throw new InvalidSpecError(`TLS is on but ${required.join(' and ')} ${required.length > 1 ? 'are' : 'is'} missing (from ${source})`, {
      hint: 'DOCKER_CERT_PATH must hold ca.pem (the CA that signed the engine) and, for client authentication, cert.pem with key.pem',
      details: { certPath: dir, missing: required },
    });
  }
  return tls;
}

function readTls(io: DiscoveryIO, dir: string, verify: boolean): EngineTls {
  const paths = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const ca = io.readFile(paths.ca);
  const cert = io.readFile(paths.cert);
  const key = io.readFile(paths.key);
  const files = { ...(ca ? { ca: paths.ca } : {}), ...(cert ? { cert: paths.cert } : {}), ...(key ? { key: paths.key } : {}) };
  return { verify, dir, files, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** The context named by DOCKER_CONTEXT, else the docker config's `currentContext`. */
export function currentContext(cfg: BerthConfig, io: DiscoveryIO): { name: string; source: string } | undefined {
  if (cfg.dockerContext) return { name: cfg.dockerContext, source: `DOCKER_CONTEXT=${JSON.stringify(cfg.dockerContext)}` };
  const path = join(cfg.dockerConfigDir, 'config.json');
  const raw = io.readFile(path);
  if (raw === undefined) return undefined;
  let name: string | undefined;
  try {
    name = (JSON.parse(raw) as { currentContext?: string }).currentContext;
  } catch {
    return undefined;
  }
  return name ? { name, source: `currentContext ${JSON.stringify(name)} in ${path}` } : undefined;
}

/** Resolves a context through the docker contexts store (meta.json and its TLS folder). */
export function contextEndpoint(cfg: BerthConfig, io: DiscoveryIO, name: string, source: string): EngineEndpoint {
  const digest = createHash('sha256').update(name).digest('hex');
  const metaPath = join(cfg.dockerConfigDir, 'contexts/meta', digest, 'meta.json');
  const raw = io.readFile(metaPath);
  if (raw === undefined) {
    throw new InvalidSpecError(`${source}: context ${JSON.stringify(name)} not found (no ${metaPath})`, {
      hint: '`docker context ls` lists the contexts there are; unset it to use the default engine',
    });
  }
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(raw);
  } catch {
    throw new InvalidSpecError(`${source}: ${metaPath} is not valid JSON`, { hint: 'recreate the context with `docker context create`' });
  }
  const docker = meta.Endpoints?.docker;
  if (!docker?.Host)
    throw new InvalidSpecError(`${source}: context ${JSON.stringify(name)} has no docker endpoint`, {
      hint: 'recreate the context with `docker context create`',
    });
  const tlsDir = join(cfg.dockerConfigDir, 'contexts/tls', digest, 'docker');
  const tls = io.exists(tlsDir) ? readTls(io, tlsDir, !docker.SkipTLSVerify) : undefined;
  const endpoint = parseDockerHost(docker.Host, tls, source);
  return { ...endpoint, display: `${endpoint.display} (context ${name})` };
}
