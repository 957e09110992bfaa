/**
 * The part of the `jsfive` HDF5 reader (pure JS, no bundled types) that keras_h5.ts uses.
 * jsfive throws plain strings as well as Errors, so callers must catch `unknown`.
 */
declare module 'jsfive' {
  type Attrs = Record<string, unknown>;
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Attrs;
    /** A member by path; throws when it is missing, and returns null for a dangling soft link. */
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** numpy-style type string such as '<f4', or a structure for compound and string types. */
    readonly dtype: unknown;
    readonly attrs: Attrs;
    /** The elements, flattened in row-major order. */
    readonly value: ArrayLike<unknown>;
  }
}
