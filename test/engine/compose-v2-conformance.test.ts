// Conformance of berth's compose loader with Compose v2, the reference (issue #22): every project
// under test/fixtures/compose/v2 is read by Compose v2 (`config --format json`) and by loadCompose(),
// and every field of berth's model is compared. Needs no engine; the v2 binary comes from
// scripts/compose-v2 (cached after the first run, fetched from Debian's mirror otherwise).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCompose } from '@berth/core/compose';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeV2, configV2, fromBerth, fromV2, topLevelBerth, topLevelV2 } from '../support/compose-v2.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/compose/v2');
const projects = readdirSync(root).filter((name) => /^\d\d-/.test(name));

interface ProjectConfig {
  files?: string[];
  env?: Record<string, string>;
}

let bin: string;
beforeAll(async () => {
  bin = await composeV2();
}, 300_000);

describe('loadCompose agrees with Compose v2', () => {
  it.each(projects)('%s', async (name) => {
    const cwd = path.join(root, name);
    const configPath = path.join(cwd, 'project.json');
    const config: ProjectConfig = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : {};
    const env = config.env ?? {};
    const v2 = await configV2(bin, cwd, config.files ?? [], env);
    // berth sees the same variables and nothing of this process's environment that v2 did not.
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key !== 'PATH' && key !== 'HOME') delete process.env[key];
    let loaded: Awaited<ReturnType<typeof loadCompose>>;
    try {
      loaded = await loadCompose({ cwd, env, ...(config.files ? { files: config.files } : {}) });
    } finally {
      Object.assign(process.env, saved);
    }
    const { model } = loaded;
    const v2Services = v2.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(model.services).sort()).toEqual(Object.keys(v2Services).sort());
    for (const [service, s] of Object.entries(v2Services)) {
      expect({ service, ...fromBerth(model.services[service] as never) }).toEqual({ service, ...fromV2(s) });
    }
    const top = topLevelV2(v2);
    expect(topLevelBerth(model, top)).toEqual(top);
  });
});
