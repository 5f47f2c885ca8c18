import { describe, expect, it } from 'vitest';
import { renderReport } from './html.js';
import { sampleSpans } from './sample-spans.js';

describe('HTML report', () => {
  const page = renderReport(sampleSpans, { title: 'run <1>.json' });

  it('is one self-contained page: no script, stylesheet, image or frame to fetch', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(|@import/i);
    // The only URL is the SVG namespace, which nothing fetches.
    expect(page.match(/https?:\/\/[^"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('has a track for the run, every service and every worker, a rectangle per span', () => {
    const tracks = [...page.matchAll(/<g class="track" data-track="([^"]+)">/g)].map((m) => m[1]);
    expect(tracks).toEqual(['run', 'service:db', 'service:cache', 'worker:1', 'worker:2']);
    expect(page.match(/<rect [^>]*><title>/g)).toHaveLength(sampleSpans.length);
  });

  it('shows the summary numbers and escapes what it prints', () => {
    expect(page).toContain('<title>berth run: run &#60;1&#62;.json</title>');
    expect(page).toContain('pulling the image of db');
    expect(page).toContain('log line /ready/ ×2');
    expect(page).toMatch(/<td>db<\/td><td class="n">5<\/td><td class="n">6\.0 ms<\/td><td class="n">100 ms<\/td>/);
    expect(page).toMatch(/<td>db<\/td><td class="n">5<\/td><td class="n">1<\/td><td class="n">20 %<\/td>/);
  });

  it('says so when the trace is empty', () => {
    expect(renderReport([], { title: 'empty' })).toContain('the trace holds no spans');
  });
});
