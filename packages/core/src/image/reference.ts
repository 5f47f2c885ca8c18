/**
 * Image references parsed and normalised the way the Docker CLI does it (distribution/reference):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ registry "/" ] path-component ( "/" path-component )*
 *   registry   := host [ ":" port ]       (recognised only when the first component contains "." or
 *                                          ":", or is exactly "localhost")
 *   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex       (sha256 needs exactly 64 lower-case hex digits)
 *
 * Names without a registry belong to Docker Hub (`docker.io`), and one-component Hub names live
 * under `library/`. With neither tag nor digest, the tag is `latest`.
 */
import { InvalidImageReferenceError } from '../errors.js';

export const DOCKER_HUB = 'docker.io';

export interface ImageReference {
  /** Registry host (with port), e.g. `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/postgres`, `org/app`. */
  repository: string;
  /** The tag: as given, or `latest` when neither tag nor digest was given. */
  tag: string | undefined;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest: string | undefined;
  /** True for Docker Hub names (after normalisation). */
  isDockerHub: boolean;
}

const MAX_NAME_LENGTH = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;

/**
 * Parses an image reference. Throws InvalidImageReferenceError quoting the value and the reason,
 * before anything talks to an engine.
 */
export function parseImageReference(input: string): ImageReference {
  if (typeof input !== 'string') fail(String(input), 'expected a string');
  const value = input;
  if (value === '') fail(value, 'it is empty');
  if (value.trim() !== value) fail(value, 'it has leading or trailing white space');
  if (/\s/.test(value)) fail(value, 'it contains white space');
  if (value.includes('://')) fail(value, 'a URL scheme is not part of an image reference (drop "http(s)://")');

  // Digest: everything after the first "@".
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(value, digest);
  }

  // Tag: after the last ":" that is not part of the registry's port (i.e. no "/" follows it).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === '') fail(value, 'the tag after ":" is empty');
    if (tag.length > 128) fail(value, `the tag is ${tag.length} characters long (at most 128)`);
    if (!TAG.test(tag)) {
      fail(value, `the tag "${tag}" may only contain letters, digits, "_", "." and "-", and may not start with "." or "-"`);
    }
  }

  if (rest === '') fail(value, 'the repository name is empty');
  if (SHA256_HEX.test(rest)) {
    fail(value, 'a 64-character hexadecimal string is an image id, not a repository name; use it without a tag');
  }

  let registry = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      path = rest.slice(slash + 1);
      checkRegistry(value, registry);
    }
  }

  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  checkPath(value, path);

  const isDockerHub = registry === DOCKER_HUB;
  const repository = isDockerHub && !path.includes('/') ? `library/${path}` : path;
  const name = `${registry}/${repository}`;
  if (name.length > MAX_NAME_LENGTH) {
    fail(value, `the repository name is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`);
  }

  return { registry, repository, tag: tag ?? (digest ? undefined : 'latest'), digest, isDockerHub };
}

/** True when `input` parses; never throws. */
export function isValidImageReference(input: string): boolean {
  try {
    parseImageReference(input);
    return true;
  } catch {
    return false;
  }
}

/** `registry/repository`, fully qualified: `docker.io/library/postgres`. */
export function fullName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The short name the Docker CLI prints: `postgres`, `org/app`, `ghcr.io/org/app`. */
export function familiarName(ref: ImageReference): string {
  if (!ref.isDockerHub) return fullName(ref);
  return ref.repository.startsWith('library/') && ref.repository.split('/').length === 2
    ? ref.repository.slice('library/'.length)
    : ref.repository;
}

/** Fully qualified reference: `docker.io/library/postgres:15`, with `@digest` when pinned. */
export function canonicalReference(ref: ImageReference): string {
  return fullName(ref) + suffix(ref);
}

/** The reference as `docker images` shows it: `postgres:15`, `ghcr.io/org/app:1.2`. */
export function familiarReference(ref: ImageReference): string {
  return familiarName(ref) + suffix(ref);
}

/**
 * What to ask the engine to pull: a pinned digest wins over a tag (a tag next to a digest is only
 * informative, as with the Docker CLI).
 */
export function pullReference(ref: ImageReference): string {
  return ref.digest ? `${familiarName(ref)}@${ref.digest}` : `${familiarName(ref)}:${ref.tag ?? 'latest'}`;
}

/**
 * Puts a Docker Hub reference behind a registry mirror prefix (`mirror.local:5000` or
 * `mirror.local:5000/hub-proxy`). Other registries are returned unchanged.
 */
export function withHubMirror(ref: ImageReference, mirror: string | undefined): ImageReference {
  if (!mirror || !ref.isDockerHub) return ref;
  const prefix = mirror.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  if (prefix === '') return ref;
  const slash = prefix.indexOf('/');
  const registry = slash === -1 ? prefix : prefix.slice(0, slash);
  const pathPrefix = slash === -1 ? '' : `${prefix.slice(slash + 1)}/`;
  // Re-parse so that a bad mirror setting is reported like any other bad reference.
  return parseImageReference(`${registry}/${pathPrefix}${ref.repository}${suffix(ref)}`);
}

function suffix(ref: ImageReference): string {
  return (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

function checkDigest(value: string, digest: string): void {
  if (digest === '') fail(value, 'the digest after "@" is empty');
  const colon = digest.indexOf(':');
  if (digest.slice(0, colon) === 'sha256') {
    const hex = digest.slice(colon + 1);
    if (!SHA256_HEX.test(hex)) {
      fail(value, `a sha256 digest needs exactly 64 lower-case hex digits, got ${hex.length} characters "${hex}"`);
    }
  }
  if (!DIGEST.test(digest)) fail(value, `the digest "${digest}" is not of the form <algorithm>:<hex>`);
}

function checkRegistry(value: string, registry: string): void {
  let host = registry;
  let port: string | undefined;
  if (registry.startsWith('[')) {
    const end = registry.indexOf(']');
    host = end === -1 ? registry : registry.slice(0, end + 1);
    const after = registry.slice(host.length);
    if (after !== '') {
      if (!after.startsWith(':')) fail(value, `the registry "${registry}" is not a valid host[:port]`);
      port = after.slice(1);
    }
    if (!IPV6_HOST.test(host)) fail(value, `the registry "${registry}" is not a valid IPv6 address in brackets`);
  } else {
    const parts = registry.split(':');
    if (parts.length > 2) fail(value, `the registry "${registry}" has more than one ":"`);
    host = parts[0] ?? '';
    port = parts[1];
    for (const component of host.split('.')) {
      if (!DOMAIN_COMPONENT.test(component)) {
        fail(value, `the registry host "${host}" is not a valid host name or IP address`);
      }
    }
  }
  if (port !== undefined) {
    const n = Number(port);
    if (!PORT.test(port) || n < 1 || n > 65535) fail(value, `the registry port "${port}" is not a number from 1 to 65535`);
  }
}

function checkPath(value: string, path: string): void {
  if (path === '') fail(value, 'the repository name is empty');
  for (const component of path.split('/')) {
    if (component === '') fail(value, 'the repository name has an empty path component ("//" or a leading/trailing "/")');
    if (component !== component.toLowerCase() && PATH_COMPONENT.test(component.toLowerCase())) {
      fail(value, `repository names must be lower case ("${component}")`);
    }
    if (!PATH_COMPONENT.test(component)) {
      fail(
        value,
        `the repository component "${component}" may only contain lower-case letters, digits and single ".", "_", "__" or "-" separators between them`,
      );
    }
  }
}

function fail(value: string, why: string): never {
  throw new InvalidImageReferenceError(`invalid image reference "${value}": ${why}`, {
    details: { image: value, phase: 'validate' },
  });
}
