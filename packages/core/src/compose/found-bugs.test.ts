// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose substitutions are written ${VAR}, in plain strings
/**
 * The differences from Compose v2 that issue #22 found on real files, one test each. The expected
 * values are what Compose v2.26 prints for the same input (`docker compose config --format json`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeFileError } from '../errors.js';
import { loadCompose, loadSources } from './load.js';

const none = () => undefined;
const load = (text: string) => loadSources([{ path: '/p/compose.yaml', text }], '/p', none).model;
const loadMany = (...texts: string[]) =>
  loadSources(
    texts.map((text, i) => ({ path: `/p/f${i}.yaml`, text })),
    '/p',
    none,
  ).model;
const fails = (text: string): ComposeFileError => {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ComposeFileError);
    return error as ComposeFileError;
  }
  throw new Error('expected the file to be rejected');
};
const project = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

describe('Compose v2 behaviour found missing (#22)', () => {
  it('interpolates variables inside .env values, in order, the environment first', async () => {
    const cwd = project({
      '.env': 'IMAGE_NAME="${IMAGE_NAME:-backend}"\nMINOR=2\nTAG=1.${MINOR}\nLITERAL=\'${MINOR}\'\n',
      'compose.yaml': 'services:\n  a:\n    image: ${IMAGE_NAME}:${TAG}\n    environment: ["L=${LITERAL}"]\n',
    });
    const { model } = await loadCompose({ cwd });
    expect(model.services.a?.image).toBe('backend:1.2');
    expect(model.services.a?.environment.L).toBe('${MINOR}');
    const overridden = await loadCompose({ cwd, env: { MINOR: '9' } });
    expect(overridden.model.services.a?.image).toBe('backend:1.9');
  });

  it('reads COMPOSE_PROFILES, COMPOSE_PROJECT_NAME and COMPOSE_FILE from .env', async () => {
    const cwd = project({
      '.env': 'COMPOSE_PROFILES=dev, debug\nCOMPOSE_PROJECT_NAME=shop\nCOMPOSE_FILE=base.yaml:extra.yaml\n',
      'base.yaml': 'services:\n  a: { image: x }\n',
      'extra.yaml': 'services:\n  b: { image: y, profiles: [dev] }\n',
      'compose.yaml': 'services:\n  ignored: { image: z }\n',
    });
    const loaded = await loadCompose({ cwd });
    expect(Object.keys(loaded.model.services)).toEqual(['a', 'b']);
    expect(loaded.settings).toEqual({ profiles: ['dev', 'debug'], projectName: 'shop' });
    // The env option wins over .env, and the file's `name:` is used when COMPOSE_PROJECT_NAME is unset.
    const named = project({ 'compose.yaml': 'name: named\nservices:\n  a: { image: x }\n' });
    expect((await loadCompose({ cwd: named })).settings.projectName).toBe('named');
    expect((await loadCompose({ cwd: named, env: { COMPOSE_PROJECT_NAME: 'opt' } })).settings.projectName).toBe('opt');
  });

  it('merges identical port mappings into one', () => {
    const { services } = load('services:\n  a:\n    image: x\n    ports: ["8080:80", "8080:80", "9000:9000/udp"]\n');
    expect(services.a?.ports).toEqual([
      { target: 80, published: 8080, protocol: 'tcp' },
      { target: 9000, published: 9000, protocol: 'udp' },
    ]);
  });

  it('reads extra_hosts in the host=address form as well as host:address', () => {
    const { services } = load('services:\n  a:\n    image: x\n    extra_hosts: ["h2=5.6.7.8", "h3:1.2.3.4", "h4:::1", "h5=::2"]\n');
    expect(services.a?.extraHosts).toEqual({ h2: '5.6.7.8', h3: '1.2.3.4', h4: '::1', h5: '::2' });
    expect(fails('services:\n  a:\n    image: x\n    extra_hosts: ["nohost"]\n').summary).toContain('expected host=address');
  });

  it('substitutes variables inside env_file values: the environment first, then earlier lines', () => {
    const dir = project({ 'app.env': 'A=${TAG}\nB=${A}-b\nC=\'${TAG}\'\nD="${MISSING:-dflt}"\n' });
    const { services } = loadSources(
      [{ path: join(dir, 'compose.yaml'), text: 'services:\n  a:\n    image: x\n    env_file: app.env\n' }],
      dir,
      (name) => ({ TAG: '1.2' })[name],
    ).model;
    expect(services.a?.environment).toEqual({ A: '1.2', B: '1.2-b', C: '${TAG}', D: 'dflt' });
  });

  it('normalises mount targets, so /data/ and /data merge into one mount', () => {
    const { services } = loadMany(
      'services:\n  a:\n    image: x\n    volumes: ["./one/:/data/", "/anon/"]\n',
      'services:\n  a:\n    volumes: ["./two:/data"]\n',
    );
    expect(services.a?.mounts).toEqual([
      { type: 'bind', source: '/p/two', target: '/data', readOnly: false },
      { type: 'volume', source: undefined, target: '/anon', readOnly: false },
    ]);
  });

  it('rejects a depends_on cycle or an unknown dependency when loading', () => {
    expect(fails('services:\n  a: { image: x, depends_on: [b] }\n  b: { image: x, depends_on: [a] }\n').summary).toContain(
      'dependency cycle: a → b → a',
    );
    expect(fails('services:\n  a:\n    image: x\n    depends_on: [nope]\n').summary).toBe(
      '/p/compose.yaml:4: `services.a.depends_on.nope`: depends on "nope", which is not a service of this project',
    );
  });

  it("points list-form networks and depends_on errors at the item's line", () => {
    expect(fails('services:\n  a:\n    image: x\n    networks:\n      - default\n      - nope\n').details.line).toBe(6);
    expect(fails('services:\n  a:\n    image: x\n    depends_on:\n      - a2\n      - nope\n  a2: { image: x }\n').details.line).toBe(6);
  });

  it('accepts healthcheck: { disable: false } as no change', () => {
    const { services } = load('services:\n  a:\n    image: x\n    healthcheck: { disable: false }\n');
    expect(services.a?.healthcheck).toBeUndefined();
  });
});
