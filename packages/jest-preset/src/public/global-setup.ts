/**
 * jest `globalSetup` (main process): starts the run's declared services, then the project's own
 * globalSetup if withBerth took its place. The preset and withBerth point jest at the built file.
 */
import { ConfigError } from '@berth/core';
import { readJestOptions } from '../config/options.js';
import type { GlobalConfigLike, ProjectConfigLike } from '../main/jest-types.js';
import { runProjectHook } from '../main/project-hooks.js';
import { setUpRun } from '../main/run.js';

export default async function berthGlobalSetup(globalConfig: GlobalConfigLike, projectConfig: ProjectConfigLike): Promise<void> {
  const read = readJestOptions(projectConfig.testEnvironmentOptions);
  if (!read.ok) throw new ConfigError(read.problem);
  await setUpRun(globalConfig, projectConfig, read.options);
  if (read.options.globalSetup) await runProjectHook('globalSetup', read.options.globalSetup, globalConfig, projectConfig);
}
