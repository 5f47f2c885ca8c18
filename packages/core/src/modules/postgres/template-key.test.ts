import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePostgresOptions } from './options.js';
import { keyedTemplateName, templateKey } from './template-key.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tplkey-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('templateKey', () => {
  const setup = async () => undefined;

  it('is stable for unchanged inputs and changes with migration content, version, options and the key', async () => {
    const dir = folder({ '001.sql': 'create table a();' });
    const options = resolvePostgresOptions({ setup, templateInputs: [dir] });
    const key = (await templateKey(options, 150004)) as string;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await templateKey(options, Promise.resolve(150004))).toBe(key);
    expect(await templateKey(options, 160000)).not.toBe(key);
    expect(await templateKey(resolvePostgresOptions({ setup, templateInputs: [dir], database: 'other' }), 150004)).not.toBe(key);
    expect(await templateKey(resolvePostgresOptions({ setup, templateInputs: [dir], templateKey: 'v2' }), 150004)).not.toBe(key);
    writeFileSync(join(dir, '002.sql'), 'create table b();');
    expect(await templateKey(options, 150004)).not.toBe(key);
    expect(keyedTemplateName(key)).toBe(`berth_tpl_${key.slice(0, 16)}`);
  });

  it('cannot key a setup hook that declares neither inputs nor a key', async () => {
    expect(await templateKey(resolvePostgresOptions({ setup }), 150004)).toBeUndefined();
    expect(await templateKey(resolvePostgresOptions({ setup, templateKey: 'm-42' }), 150004)).toMatch(/^[0-9a-f]{64}$/);
    // Without setup, setupSql files alone are the inputs.
    expect(await templateKey(resolvePostgresOptions({}), 150004)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects bad reuse options with the option named', () => {
    expect(() => resolvePostgresOptions({ reuse: 'yes' as never })).toThrow(/`reuse` to be true or false/);
    expect(() => resolvePostgresOptions({ templateInputs: 'dir' as never })).toThrow(/`templateInputs`/);
    expect(() => resolvePostgresOptions({ templateKey: '' })).toThrow(/`templateKey`/);
  });
});
