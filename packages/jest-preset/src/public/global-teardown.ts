/**
 * jest `globalTeardown` (main process): the project's own globalTeardown if withBerth took its place,
 * then berth's, which stops the services and removes everything berth made (except between the runs
 * of watch mode, see main/run.ts). berth's runs even when the project's fails; both errors surface.
 */
import { CleanupError } from '@berth/core';
import { readJestOptions } from '../config/options.js';
import type { GlobalConfigLike, ProjectConfigLike } from '../main/jest-types.js';
import { runProjectHook } from '../main/project-hooks.js';
import { tearDownRun } from '../main/run.js';

export default async function berthGlobalTeardown(globalConfig: GlobalConfigLike, projectConfig: ProjectConfigLike): Promise<void> {
  const read = readJestOptions(projectConfig.testEnvironmentOptions);
  const own = read.ok ? read.options.globalTeardown : undefined;
  const results = await Promise.allSettled([own ? runProjectHook('globalTeardown', own, globalConfig, projectConfig) : undefined]);
  results.push(...(await Promise.allSettled([tearDownRun(globalConfig)])));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new CleanupError(`the global teardown failed in ${failures.length} ways`, failures);
}
