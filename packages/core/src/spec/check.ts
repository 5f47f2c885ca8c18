/**
 * The helpers every option check shares: container specs, module options, berth.config. A checker
 * is made once per place (`checker('postgres()')`), and every failure is an InvalidSpecError that
 * quotes the field and the value: "postgres(): expected `poolSize` to be a whole number 0–64, got -1".
 */
import { InvalidSpecError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';

export function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys an options object may have, checked at compile time against its type. */
export type KnownKeys<T> = Readonly<Record<keyof T, true>>;

export interface Checker {
  /** Throws "expected `field` to be <expected>, got <value>". */
  fail(field: string, expected: string, got: unknown, hint?: string): never;
  /** Throws on a key of `value` that is not in `known`, naming it, where it is, and the likely intended key. */
  keys(value: Record<string, unknown>, known: KnownKeys<unknown> | readonly string[], where: string): void;
  string(value: unknown, field: string): string | undefined;
  nonEmpty(value: unknown, field: string): string;
  boolean(value: unknown, field: string): boolean | undefined;
  /** A whole number in [min, max]. */
  integer(value: unknown, field: string, min: number, max?: number): number;
  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T;
  record(value: unknown, field: string): Record<string, unknown>;
  stringArray(value: unknown, field: string): string[] | undefined;
  /** A time in milliseconds as the user wrote it, before BERTH_TIMEOUT_SCALE; `fallback` when undefined. */
  timeoutMs(value: unknown, field: string, fallback: number): number;
}

/** A checker whose messages start with `prefix` (e.g. "postgres():"); none for container specs. */
export function checker(prefix?: string): Checker {
  const lead = prefix ? `${prefix} ` : '';
  const fail = (field: string, expected: string, got: unknown, hint?: string): never => {
    throw new InvalidSpecError(`${lead}expected \`${field}\` to be ${expected}, got ${show(got)}`, hint ? { hint } : {});
  };
  const self: Checker = {
    fail,
    keys(value, known, where) {
      const names = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
      for (const key of Object.keys(value)) {
        if (names.includes(key)) continue;
        const guess = didYouMean(key, names);
        throw new InvalidSpecError(`${lead}unknown key \`${key}\` in ${where}${guess ? `; did you mean \`${guess}\`?` : ''}`, {
          hint: `known keys there: ${names.join(', ')}`,
          details: { key, where, ...(guess ? { suggestion: guess } : {}) },
        });
      }
    },
    string(value, field) {
      if (value !== undefined && typeof value !== 'string') fail(field, 'a string', value);
      return value as string | undefined;
    },
    nonEmpty(value, field) {
      if (typeof value !== 'string' || value === '') fail(field, 'a non-empty string', value);
      return value as string;
    },
    boolean(value, field) {
      if (value !== undefined && typeof value !== 'boolean') fail(field, 'true or false', value);
      return value as boolean | undefined;
    },
    integer(value, field, min, max = Number.MAX_SAFE_INTEGER) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        fail(field, max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number ${min}–${max}`, value);
      }
      return value as number;
    },
    oneOf(value, field, allowed) {
      if (!allowed.includes(value as never)) fail(field, allowed.map((a) => JSON.stringify(a)).join(' or '), value);
      return value as (typeof allowed)[number];
    },
    record(value, field) {
      if (value === undefined) return {};
      if (!isRecord(value)) fail(field, 'an object', value);
      return value as Record<string, unknown>;
    },
    stringArray(value, field) {
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) fail(field, 'an array of strings', value);
      return [...(value as string[])];
    },
    timeoutMs(value, field, fallback) {
      const ms = value ?? fallback;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || !(ms > 0)) fail(field, 'a positive number of milliseconds', ms);
      return ms as number;
    },
  };
  return self;
}
