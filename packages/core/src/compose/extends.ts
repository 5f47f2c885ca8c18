/**
 * `extends`: a service starts from another one — of the same file, or of another file (its paths
 * relative to that file's folder) — and its own keys are merged over it with the same rules as a
 * later file (merge.ts). Chains are followed; a loop is an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Reader } from './check.js';
import { interpolateTree, type Lookup } from './interpolate.js';
import { mergeService } from './merge.js';
import { type PartialService, readService } from './service-keys.js';
import { parseSource } from './source.js';

export interface ExtendsContext {
  /** The file the services come from. */
  path: string;
  projectDir: string;
  lookup: Lookup;
}

export function resolveExtends(
  r: Reader,
  name: string,
  services: Record<string, PartialService>,
  ctx: ExtendsContext,
  chain: string[],
): PartialService {
  const service = services[name] as PartialService;
  const ref = service.extends;
  if (!ref) return service;
  const at = ['services', name, 'extends'];
  const here = `${ctx.path}#${name}`;
  if (chain.includes(here)) r.fail(at, `\`extends\` loops: ${[...chain, here].join(' → ')}`);
  let base: PartialService;
  if (ref.file === undefined || ref.file === ctx.path) {
    if (!services[ref.service]) r.fail(at, `extends ${JSON.stringify(ref.service)}, which is not a service of this file`);
    base = resolveExtends(r, ref.service, services, ctx, [...chain, here]);
  } else {
    base = fromFile(r, ref.file, ref.service, ctx.lookup, [...chain, here], at);
  }
  const { extends: _, ...own } = service;
  const { extends: __, ...inherited } = base;
  return mergeService(inherited, own);
}

function fromFile(r: Reader, file: string, service: string, lookup: Lookup, chain: string[], at: string[]): PartialService {
  if (!existsSync(file)) r.fail([...at, 'file'], `extends file ${file} does not exist`, 'the path is relative to the file that names it');
  // The other file keeps its own places (its keys would overwrite this file's), and its problems join ours.
  const parsed = parseSource(file, readFileSync(file, 'utf8'));
  const other = new Reader(parsed.places);
  const raw = interpolateTree(parsed.value, [], lookup, parsed.places, other.problems) as Record<string, unknown>;
  const raws = other.map(raw.services, ['services']);
  if (raws[service] === undefined) r.fail([...at, 'service'], `${file} has no service ${JSON.stringify(service)}`);
  const dir = dirname(file);
  const services: Record<string, PartialService> = {};
  // Only the chain that is needed is read, so a broken sibling in that file does not matter.
  const read = (key: string): PartialService => {
    services[key] ??= readService(other, raws[key], ['services', key], dir);
    const next = services[key].extends;
    if (next && (next.file === undefined || next.file === file) && raws[next.service] !== undefined) read(next.service);
    return services[key];
  };
  read(service);
  const result = other.collect(() => resolveExtends(other, service, services, { path: file, projectDir: dir, lookup }, chain));
  r.problems.push(...other.problems);
  if (!result) r.fail(at, `extending ${service} from ${file} failed (see the problems listed)`);
  return result;
}
