/**
 * Runs the API for real: `DATABASE_URL=... REDIS_URL=... PORT=8080 pnpm start` (after `pnpm build`).
 * Applies pending migrations first.
 */
import { fileURLToPath } from 'node:url';
import { startApp } from './app.js';
import { migrate } from './migrate.js';

const databaseUrl = required('DATABASE_URL');
const redisUrl = required('REDIS_URL');
const { applied } = await migrate(databaseUrl, fileURLToPath(new URL('../migrations', import.meta.url)));
if (applied.length > 0) console.log(`applied migrations: ${applied.join(', ')}`);

const app = await startApp({ databaseUrl, redisUrl, port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '127.0.0.1' });
console.log(`orders-api listening on ${app.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`orders-api: set ${name}`);
    process.exit(1);
  }
  return value;
}
