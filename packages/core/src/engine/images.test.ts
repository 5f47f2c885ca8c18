import { describe, expect, it } from 'vitest';
import { listImages } from './images.js';
import type { Transport } from './transport.js';
import type { ImageSummary } from './types.js';

/** A transport that answers /images/json with `images` and records the filters it was asked for. */
function fakeTransport(images: Partial<ImageSummary>[]) {
  const asked: string[] = [];
  const t = {
    async json(req: { query?: { filters?: string } }) {
      asked.push(String(req.query?.filters));
      return images;
    },
  } as unknown as Transport;
  return { t, asked };
}

describe('listImages', () => {
  it('asks the engine for one label and checks the others itself (Podman 4.3 answers nothing for two)', async () => {
    const { t, asked } = fakeTransport([
      { Id: 'a', Labels: { 'dev.berth.session': 's1', 'dev.berth.remove-at-end': 'true' } },
      { Id: 'b', Labels: { 'dev.berth.session': 's1' } },
      { Id: 'c', Labels: { 'dev.berth.session': 's1', 'dev.berth.remove-at-end': 'false' } },
      { Id: 'd' },
    ]);
    const found = await listImages(t, { 'dev.berth.session': 's1', 'dev.berth.remove-at-end': 'true' });
    expect(found.map((i) => i.Id)).toEqual(['a']);
    expect(asked).toEqual([JSON.stringify({ label: ['dev.berth.session=s1'] })]);
  });

  it('a label given as `true` matches any value', async () => {
    const { t } = fakeTransport([
      { Id: 'a', Labels: { x: '1', y: '' } },
      { Id: 'b', Labels: { x: '1' } },
    ]);
    expect((await listImages(t, { x: '1', y: true })).map((i) => i.Id)).toEqual(['a']);
  });
});
