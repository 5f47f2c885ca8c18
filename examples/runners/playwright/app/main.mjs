// The app as Playwright's webServer runs it: DATABASE_URL comes from berth run (the config's env),
// set before Playwright started, so before its webServer.
import { createApp } from './app.mjs';

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is not set: start Playwright with berth run');
  process.exit(1);
}
createApp(process.env.DATABASE_URL).listen(Number(process.env.PORT ?? 4173), '127.0.0.1');
