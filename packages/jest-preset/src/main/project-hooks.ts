/**
 * The project's own globalSetup / globalTeardown when withBerth took those fields over. jest would
 * have resolved the path against rootDir and run it through the project's transform; here jiti
 * loads it (TypeScript included), the same way the berth config is loaded.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '@berth/core';
import { configLoader } from '../config/jiti.js';
import type { GlobalConfigLike, ProjectConfigLike } from './jest-types.js';

export async function runProjectHook(
  which: 'globalSetup' | 'globalTeardown',
  request: string,
  globalConfig: GlobalConfigLike,
  projectConfig: ProjectConfigLike,
): Promise<void> {
  const file = locate(request, projectConfig.rootDir);
  if (!file) {
    throw new ConfigError(`cannot find the project's ${which} ${JSON.stringify(request)} (relative to ${projectConfig.rootDir})`);
  }
  const hook = await configLoader().import(file, { default: true });
  if (typeof hook !== 'function') {
    throw new ConfigError(`the project's ${which} ${file} must export a function, got ${typeof hook}`);
  }
  await (hook as (globalConfig: GlobalConfigLike, projectConfig: ProjectConfigLike) => unknown)(globalConfig, projectConfig);
}

function locate(request: string, rootDir: string): string | undefined {
  const path = request.replace(/^<rootDir>/, rootDir);
  if (isAbsolute(path) || path.startsWith('.')) {
    const file = resolve(rootDir, path);
    return existsSync(file) ? file : undefined;
  }
  try {
    return createRequire(join(rootDir, 'noop.js')).resolve(path);
  } catch {
    return undefined;
  }
}
