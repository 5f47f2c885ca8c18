// The part of Bun's `bun:test` module this package uses (Bun provides it at run time; the package
// does not depend on Bun's type definitions).
declare module 'bun:test' {
  type Hook = (fn: () => void | Promise<void>, timeoutMs?: number) => void;
  export const beforeAll: Hook;
  export const afterAll: Hook;
  export const beforeEach: Hook;
  export const afterEach: Hook;
}
