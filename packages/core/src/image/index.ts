/** Image references, registry credentials, pulling and building. */
export { type AuthLookupOptions, type RegistryAuth, type ResolvedAuth, resolveRegistryAuth } from './auth.js';
export { type BuildImageOptions, type BuildImageResult, buildImage } from './build.js';
export type { PullProgressEvent } from './progress.js';
export {
  type EnsureImageOptions,
  type EnsureImageResult,
  ensureImage,
  type ImageSubstitution,
  type PullPolicy,
  resolveImage,
  setImageSubstitution,
} from './pull.js';
export {
  canonicalReference,
  DOCKER_HUB,
  familiarName,
  familiarReference,
  fullName,
  type ImageReference,
  isValidImageReference,
  parseImageReference,
  pullReference,
  withHubMirror,
} from './reference.js';
