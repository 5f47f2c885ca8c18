/**
 * Service details cross from the runner's main process to its workers as JSON (vitest's provide,
 * jest's environment variable). Anything JSON would drop or change (a function, a class instance, a
 * bigint, NaN, a cycle) is refused before the tests start, naming the service and the field.
 */
import { NotSerialisableError } from '../errors.js';

/** Throws a NotSerialisableError for the first field of `details` that is not plain JSON. */
export function checkSerialisable(service: string, details: unknown): void {
  const problem = findProblem(details, 'details', new Set());
  if (!problem) return;
  throw new NotSerialisableError(
    `service ${JSON.stringify(service)} has details that are not plain JSON: ${problem.path} is ${problem.what}`,
    {
      hint: 'details travel to the test workers as JSON: use strings, numbers, booleans, null, arrays and plain objects',
      details: { service, path: problem.path },
    },
  );
}

function findProblem(value: unknown, path: string, seen: Set<object>): { path: string; what: string } | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, what: String(value) };
    case 'undefined':
      return { path, what: 'undefined' };
    case 'function':
      return { path, what: 'a function' };
    case 'bigint':
      return { path, what: 'a bigint' };
    case 'symbol':
      return { path, what: 'a symbol' };
  }
  if (value === null) return undefined;
  const object = value as object;
  if (seen.has(object)) return { path, what: 'a reference back to an enclosing object (a cycle)' };
  if (Array.isArray(object)) {
    seen.add(object);
    for (const [index, item] of object.entries()) {
      const problem = findProblem(item, `${path}[${index}]`, seen);
      if (problem) return problem;
    }
    seen.delete(object);
    return undefined;
  }
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    return { path, what: `an instance of ${(object.constructor as { name?: string } | undefined)?.name || 'a class'}` };
  }
  seen.add(object);
  for (const [key, item] of Object.entries(object)) {
    // An optional field left undefined is simply absent on the other side: fine.
    if (item === undefined) continue;
    const problem = findProblem(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, seen);
    if (problem) return problem;
  }
  seen.delete(object);
  return undefined;
}
