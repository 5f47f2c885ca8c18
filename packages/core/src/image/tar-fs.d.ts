// The part of tar-fs 2 that berth uses (the package ships no types and @types/tar-fs is not a dependency).
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';

  export interface PackOptions {
    /** Called with each absolute path below the packed directory; true leaves it (and its children) out. */
    ignore?: (name: string) => boolean;
    entries?: string[];
    dereference?: boolean;
    sort?: boolean;
    map?: (header: { name: string; mode: number; uid: number; gid: number; [key: string]: unknown }) => unknown;
  }

  export function pack(cwd: string, options?: PackOptions): Readable;
}
