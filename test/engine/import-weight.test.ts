// Importing @berth/core loads no HTTP client library and none of what dockerode drags in (ssh2,
// gRPC, protobufjs): core depends on none of them (builds and ssh go through its own transport),
// and this guards against one coming back. Checked on the built package in a fresh process; the
// detector itself is checked on dockerode as the benchmark's peer (testcontainers) has it.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = join(import.meta.dirname, '../support/loaded-modules.mjs');
const HEAVY = /\/(dockerode|docker-modem|ssh2|cpu-features|@grpc|protobufjs|tar-fs|tar-stream)\//;

async function loaded(specifier: string): Promise<string[]> {
  const env = { ...process.env };
  delete env.DEBUG;
  const { stdout } = await run(process.execPath, [PROBE, specifier], { cwd: join(import.meta.dirname, '..'), env });
  return (JSON.parse(stdout) as { files: string[] }).files;
}

describe('what importing berth loads', () => {
  it.each(['@berth/core', '@berth/core/postgres', '@berth/core/redis'])(
    '%s loads no dockerode, ssh2, gRPC, protobufjs or tar',
    async (entry) => {
      const files = await loaded(entry);
      expect(files.some((file) => file.includes('/packages/core/dist/'))).toBe(true);
      expect(files.filter((file) => HEAVY.test(file))).toEqual([]);
    },
  );

  it('the probe does see them when they are loaded', async () => {
    const peer = join(import.meta.dirname, '../../bench/peer/node_modules/testcontainers/package.json');
    const dockerode = createRequire(peer).resolve('dockerode');
    const files = await loaded(pathToFileURL(dockerode).href);
    expect(files.filter((file) => /\/(docker-modem|ssh2|@grpc|protobufjs)\//.test(file)).length).toBeGreaterThan(0);
  });
});
