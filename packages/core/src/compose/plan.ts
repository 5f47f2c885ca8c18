/**
 * Which services start and in what order: those enabled by the active profiles (or the requested
 * subset, with everything it depends on), each depending only on services that also start. A cycle
 * is an error that prints the loop: `web → api → web`.
 */
import { Reader } from './check.js';
import type { ComposeModel, ComposeService } from './model.js';
import type { Places } from './source.js';

export interface PlanOptions {
  profiles?: string[];
  /** Start only these (and what they depend on). */
  services?: string[];
  /** Services with a wait override: they must exist. */
  waitFor?: string[];
}

export interface Plan {
  /** Services to start, dependencies before dependents. */
  order: ComposeService[];
}

export function planStart(model: ComposeModel, places: Places, options: PlanOptions = {}): Plan {
  const r = new Reader(places);
  const known = (name: string) => Object.hasOwn(model.services, name);
  for (const service of Object.values(model.services)) {
    for (const dep of Object.keys(service.dependsOn)) {
      if (!known(dep))
        r.fail(['services', service.name, 'depends_on', dep], `depends on ${JSON.stringify(dep)}, which is not a service of this project`);
    }
  }
  const unknownIn = (names: string[] | undefined, what: string) => {
    for (const name of names ?? []) {
      if (!known(name))
        r.fail(
          [],
          `${what} names ${JSON.stringify(name)}, which is not a service of this project`,
          `services: ${Object.keys(model.services).join(', ')}`,
        );
    }
  };
  unknownIn(options.services, 'the `services` option');
  unknownIn(options.waitFor, 'the `wait` option');
  const cycle = findCycle(model);
  if (cycle)
    r.fail(
      ['services', cycle[0] as string, 'depends_on'],
      `dependency cycle: ${cycle.join(' → ')}`,
      'remove one of these depends_on entries',
    );

  const active = new Set(options.profiles ?? []);
  const selected = new Set<string>();
  const add = (name: string) => {
    if (selected.has(name)) return;
    selected.add(name);
    for (const dep of Object.keys((model.services[name] as ComposeService).dependsOn)) add(dep);
  };
  if (options.services && options.services.length > 0) for (const name of options.services) add(name);
  else {
    for (const service of Object.values(model.services)) {
      if (service.profiles.length === 0 || service.profiles.some((p) => active.has(p))) selected.add(service.name);
    }
    for (const name of selected) {
      for (const dep of Object.keys((model.services[name] as ComposeService).dependsOn)) {
        if (!selected.has(dep)) {
          r.fail(
            ['services', name, 'depends_on', dep],
            `depends on ${JSON.stringify(dep)}, which no active profile enables`,
            `enable one of its profiles: ${(model.services[dep] as ComposeService).profiles.join(', ')}`,
          );
        }
      }
    }
  }
  const order: ComposeService[] = [];
  const placed = new Set<string>();
  const visit = (name: string) => {
    if (placed.has(name)) return;
    placed.add(name);
    const service = model.services[name] as ComposeService;
    for (const dep of Object.keys(service.dependsOn)) visit(dep);
    order.push(service);
  };
  for (const name of Object.keys(model.services)) if (selected.has(name)) visit(name);
  return { order };
}

/** The first dependency loop found, as a path that ends where it starts; undefined when there is none. */
export function findCycle(model: ComposeModel): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(model.services[name]?.dependsOn ?? {})) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(model.services)) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
