import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests',
  workers: 2,
  fullyParallel: true,
  reporter: 'list',
  use: {
    // Debian's chromium (Playwright's own browser download is not needed).
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // Started by Playwright before any test: it reads DATABASE_URL, which berth run set before
  // Playwright itself started.
  webServer: { command: 'node app/main.mjs', url: 'http://127.0.0.1:4173/health', reuseExistingServer: false },
});
