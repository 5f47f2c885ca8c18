/**
 * The `spec` escape hatch every module offers: an object laid over the generated container spec
 * (`env` merged key by key, every other field replacing the module's), or a function that receives
 * the generated spec and returns the one to start.
 */
import type { ContainerSpec } from '../container/spec.js';

export type SpecOverride = Partial<ContainerSpec> | ((generated: ContainerSpec) => ContainerSpec);

export function applySpecOverride(generated: ContainerSpec, override: SpecOverride | undefined): ContainerSpec {
  if (typeof override === 'function') return override(generated);
  if (override === undefined) return generated;
  return { ...generated, ...override, env: { ...generated.env, ...override.env } };
}
