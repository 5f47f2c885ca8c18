/**
 * The few fields of jest's configs this package reads. Structural on purpose: the same code runs
 * under jest 29 and 30, whose full config types differ in many other places.
 */

export interface GlobalConfigLike {
  watch?: boolean;
  watchAll?: boolean;
  /** Workers jest runs at once (sizes berth's isolation pools). */
  maxWorkers?: number;
}

export interface ProjectConfigLike {
  rootDir: string;
  testEnvironmentOptions?: Record<string, unknown>;
}

export function isWatching(globalConfig: GlobalConfigLike): boolean {
  return globalConfig.watch === true || globalConfig.watchAll === true;
}
