/**
 * The run timeline end to end: a real vitest run of fixtures/vitest-suites/services (postgres and
 * redis on the real engine, two workers) with BERTH_TRACE set writes a Chrome trace holding every
 * service's start phases and every lease with its worker and test; `berth report` makes the HTML
 * page of it, which a real headless Chromium (Debian's, driven through the workspace's
 * playwright-core) renders with every service and worker, offline; its screenshot is kept under
 * artifacts/trace/ (docs/tracing.md). A service that fails to start shows its timeline in the error.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, expect, test } from 'vitest';
import type { ChromeTrace } from '../../packages/core/src/trace/chrome.js';
import { budget } from '../support/budget.js';
import { type Finished, runChild } from './support/child.js';
import { leftovers, leftoversOf, OWNER_PID_LABEL, removeLeftovers } from './support/docker.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const suites = join(here, 'fixtures/vitest-suites');
const vitest = join(dirname(createRequire(join(suites, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
const berthCli = join(root, 'packages/core/dist/cli.js');
/** Where CI keeps what this test makes (docs/tracing.md); BERTH_ARTIFACTS moves it. */
const artifacts = join(process.env.BERTH_ARTIFACTS ?? join(root, 'artifacts'), 'trace');
const work = mkdtempSync(join(tmpdir(), 'berth-trace-e2e-'));

const started: Record<string, string>[] = [];

afterEach(async (context) => {
  const selections = started.splice(0);
  const left = (await Promise.all(selections.map(leftovers))).flat();
  await Promise.all(selections.map(removeLeftovers));
  if (context.task.result?.state !== 'fail') expect(left).toEqual([]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(project: string, env: Record<string, string | undefined>): Promise<Finished> {
  const finished = await runChild(process.execPath, [vitest, 'run'], { cwd: join(suites, project), timeoutMs: 240_000, env });
  started.push({ [OWNER_PID_LABEL]: String(finished.pid) });
  return finished;
}

test('BERTH_TRACE: a vitest run writes its timeline, berth report renders it in headless Chromium', async () => {
  const tracePath = join(work, 'services.json');
  const result = await run('services', { CI: '1', BERTH_QUIET: undefined, BERTH_TRACE: tracePath });
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/Tests\s+8 passed \(8\)/);
  expect(result.output).toMatch(/^berth: most time went to .+ \d+(?:\.\d)? m?s, .+, .+$/m);
  expect(result.output).toContain(`berth: trace written to ${tracePath}`);
  expect(await leftoversOf(result.pid)).toEqual([]);

  const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as ChromeTrace;
  expect(trace.displayTimeUnit).toBe('ms');
  const threads = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  const complete = trace.traceEvents.filter((e) => e.ph === 'X');
  // Every span sits on a named row of the viewer.
  const rows = new Set(threads.map((e) => `${e.pid}/${e.tid}`));
  for (const event of complete) expect(rows.has(`${event.pid}/${event.tid}`), event.name).toBe(true);
  const on = (track: string) => complete.filter((e) => e.args?.track === track);

  expect(on('run').map((e) => e.name)).toEqual(expect.arrayContaining(['discover engine', 'run', 'stop services']));
  for (const service of ['db', 'cache']) {
    const spans = on(`service:${service}`);
    expect(spans.map((e) => e.name)).toEqual(expect.arrayContaining(['start service', 'create', 'start', 'wait', 'fill']));
    const wait = spans.find((e) => e.name === 'wait');
    expect(wait?.args?.strategy, `${service}: the wait strategy that ended readiness`).toMatch(/log line .+ports \d+\/tcp/);
  }
  expect(on('service:db').map((e) => e.name)).toContain('template');

  // Leases: each on its worker's row, the wait then the time held, with the test it served.
  const leases = complete.filter((e) => e.cat === 'lease');
  const workers = new Set(leases.map((e) => e.args?.track));
  expect(workers.size, 'leases from both workers').toBeGreaterThanOrEqual(2);
  for (const held of leases.filter((e) => e.name.startsWith('lease '))) {
    const wait = leases.find(
      (e) => e.name === `wait ${held.args?.service}` && e.args?.lease === held.args?.lease && e.args?.track === held.args?.track,
    );
    expect(wait, `the wait before ${held.name} ${held.args?.lease}`).toBeDefined();
    expect((wait?.ts ?? 0) + (wait?.dur ?? 0)).toBeLessThanOrEqual((held.ts ?? 0) + 1);
  }
  expect(leases.map((e) => e.args?.test)).toContain('a fresh database and a fresh redis db of its own (a)');
  expect(leases.filter((e) => e.name === 'lease db' && e.args?.service === 'db').length).toBeGreaterThanOrEqual(3);

  // berth report: the page, then a real browser with no network.
  const page = join(work, 'services.html');
  const report = await runChild(process.execPath, [berthCli, 'report', tracePath, '-o', page], { cwd: work, timeoutMs: 30_000 });
  expect(report.code, report.output).toBe(0);
  expect(report.output).toContain(`berth: wrote ${page}`);

  mkdirSync(artifacts, { recursive: true });
  const screenshot = join(artifacts, 'services-report.png');
  const seen = await inChromium(page, screenshot);
  expect(seen.requests, 'the page asks for nothing over the network').toEqual([]);
  expect(seen.title).toBe('berth run: services.json');
  expect(seen.tracks).toEqual(expect.arrayContaining(['run', 'service:db', 'service:cache']));
  expect(seen.tracks.filter((t) => t.startsWith('worker:')).length).toBeGreaterThanOrEqual(2);
  // Rendered, not only parsed: every service's row has a size and bars inside it.
  for (const track of ['service:db', 'service:cache']) {
    expect(seen.boxes[track]?.width, track).toBeGreaterThan(500);
    expect(seen.bars[track], track).toBeGreaterThan(3);
  }
  expect(seen.text).toContain('Where the time went');
  expect(seen.text).toContain('readiness of db');
  expect(statSync(screenshot).size).toBeGreaterThan(10_000);
});

test("a worker's own spans (a container a test starts) reach the trace with its leases", async () => {
  const tracePath = join(work, 'traced.json');
  const result = await run('traced', { CI: '1', BERTH_TRACE: tracePath });
  expect(result.code, result.output).toBe(0);
  const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as ChromeTrace;
  const complete = trace.traceEvents.filter((e) => e.ph === 'X');
  const lease = complete.find((e) => e.name === 'lease cache');
  const track = lease?.args?.track as string;
  expect(track).toMatch(/^worker:/);
  const inWorker = complete.filter((e) => e.args?.track === track && e.cat === 'container');
  expect(inWorker.map((e) => e.name)).toEqual(expect.arrayContaining(['create', 'start', 'wait']));
  expect(inWorker.find((e) => e.name === 'wait')?.args?.strategy).toBe('log line "sidecar up"');
  // Recorded by the worker process itself, not by the run's main process.
  const mainPid = complete.find((e) => e.name === 'run')?.args?.osPid;
  expect(new Set(inWorker.map((e) => e.args?.osPid))).not.toContain(mainPid);
  expect(await leftoversOf(result.pid)).toEqual([]);
});

test("a service that fails to start shows its timeline up to the failure in the run's error", async () => {
  const result = await run('failing', { CI: '1' });
  expect(result.code, result.output).not.toBe(0);
  expect(result.output).toContain('timeline of service broken (from its first step):');
  // The phases in order, the last one (readiness: the container exited) marked as where it failed.
  expect(result.output).toMatch(/ms\s+\+\s+\d+ ms\s+create\n.*ms\s+\+\s+\d+ ms\s+start\n.*ms\s+\+\s+\d+ ms\s+wait \(.+\) — failed here/);
  expect(await leftoversOf(result.pid)).toEqual([]);
});

interface Seen {
  title: string;
  tracks: string[];
  boxes: Record<string, { width: number; height: number }>;
  bars: Record<string, number>;
  text: string;
  requests: string[];
}

/** Opens the page in Debian's Chromium through playwright-core (a dependency of @berth/playwright's tests). */
async function inChromium(page: string, screenshot: string): Promise<Seen> {
  const fromPlaywright = createRequire(createRequire(join(root, 'packages/playwright/package.json')).resolve('@playwright/test'));
  const { chromium } = (await import(pathToFileURL(fromPlaywright.resolve('playwright-core')).href)) as typeof import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    timeout: budget(60_000),
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    await tab.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: budget(30_000) });
    const seen = await tab.evaluate(() => {
      const groups = [...document.querySelectorAll('g.track')] as SVGGElement[];
      const boxes: Record<string, { width: number; height: number }> = {};
      const bars: Record<string, number> = {};
      for (const group of groups) {
        const track = group.dataset.track ?? '';
        const box = group.getBoundingClientRect();
        boxes[track] = { width: box.width, height: box.height };
        bars[track] = group.querySelectorAll('rect > title').length;
      }
      return {
        title: document.title,
        tracks: groups.map((g) => g.dataset.track ?? ''),
        boxes,
        bars,
        text: document.body.textContent ?? '',
      };
    });
    await tab.screenshot({ path: screenshot, fullPage: true });
    return { ...seen, requests };
  } finally {
    await browser.close();
  }
}
