// A consumer of the packed @berth/core, typechecked (never run) by scripts/check-packed.mjs with
// skipLibCheck: false. It touches the main APIs so that their declarations must resolve in full.
import {
  BerthError,
  type ContainerSpec,
  createNetwork,
  createVolume,
  defineConfig,
  type ExecResult,
  endSession,
  getEngine,
  type StartedContainer,
  start,
  WaitTimeoutError,
  wait,
} from '@berth/core';
import { type PostgresDetails, postgres, startPostgres } from '@berth/core/postgres';
import { type RedisDetails, redis, startRedis } from '@berth/core/redis';

export const spec: ContainerSpec = {
  image: 'busybox:latest',
  command: ['sh', '-c', 'echo ready; sleep 60'],
  ports: [8080],
  wait: wait.all([wait.log('ready'), wait.ports()]),
};

export async function useContainer(): Promise<string> {
  const network = await createNetwork();
  const volume = await createVolume();
  const container: StartedContainer = await start({ ...spec, networks: [{ name: network.name, aliases: ['app'] }] });
  const result: ExecResult = await container.exec(['echo', 'hi']);
  const port: number = container.mappedPort(8080);
  const inspected = await container.inspect();
  const state: string | undefined = inspected?.State?.Status;
  await container.stop();
  await volume.remove();
  await network.remove();
  await endSession();
  return `${result.stdout}${port}${state ?? ''}${container.host}`;
}

export async function usePostgres(): Promise<PostgresDetails> {
  const pg = await startPostgres({ image: 'postgres:15' });
  const fresh = await pg.freshDatabase();
  const url: string = fresh.url;
  await pg.stop();
  return { ...pg.details, url };
}

export async function useRedis(): Promise<RedisDetails> {
  const r = await startRedis();
  const details: RedisDetails = r.details;
  await r.stop();
  return details;
}

export const config = defineConfig({
  services: { db: postgres(), cache: redis() },
  env: { DATABASE_URL: (s) => s.db.url, REDIS_URL: (s) => s.cache.url },
});

export function explain(error: unknown): string {
  if (error instanceof WaitTimeoutError) return `${WaitTimeoutError.code}: ${error.hint ?? ''}`;
  if (error instanceof BerthError) return error.code;
  return String(error);
}

export const engine = getEngine();
