/**
 * Every error srcnn-ts throws on purpose is a {@link SrcnnError} with a stable `code`, so callers can
 * branch on the kind of failure without parsing messages. Messages name the offending value (shape,
 * file, tensor, option) and, where there is one, the fix.
 *
 * Constructors live in this one file (the UpscalerJS `errors-and-warnings.ts` pattern).
 */

/** Stable machine-readable error codes. */
export type ErrorCode =
  | 'E_SHAPE' // tensor/image shapes do not fit together
  | 'E_VALUE' // a value is out of range, non-finite or otherwise invalid
  | 'E_OPTION' // an option is unknown or has a bad value
  | 'E_DECODE' // an image or weight file is corrupt, truncated or unsupported
  | 'E_WEIGHTS' // weights do not match the architecture (missing, wrong shape, NaN)
  | 'E_IO' // a file could not be read or written
  | 'E_BACKEND' // a compute backend is unavailable
  | 'E_ABORT'; // the operation was cancelled through an AbortSignal

/** Base class of every error raised by srcnn-ts. */
export class SrcnnError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Shapes do not fit together (message names both shapes). */
export class ShapeError extends SrcnnError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** A numeric value or argument is invalid (NaN, Infinity, negative size, even window...). */
export class ValueError extends SrcnnError {
  constructor(message: string) {
    super('E_VALUE', message);
  }
}

/** An option is unknown or has an unsupported value. */
export class OptionError extends SrcnnError {
  constructor(message: string) {
    super('E_OPTION', message);
  }
}

/** A file's bytes cannot be decoded: corrupt, truncated, empty or unsupported. */
export class DecodeError extends SrcnnError {
  /** The file (or `<buffer>`) that failed to decode. */
  readonly source: string;
  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super('E_DECODE', `${source}: ${problem}`, options);
    this.source = source;
  }
}

/** Weights are missing, have the wrong shape or dtype, or hold non-finite values. */
export class WeightsError extends SrcnnError {
  constructor(message: string) {
    super('E_WEIGHTS', message);
  }
}

/** Reading or writing a file failed. */
export class IoError extends SrcnnError {
  readonly path: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super('E_IO', `${path}: ${problem}`, options);
    this.path = path;
  }
}

/** A compute backend was requested but cannot run here. */
export class BackendError extends SrcnnError {
  constructor(message: string) {
    super('E_BACKEND', message);
  }
}

/**
 * Work was cancelled through an AbortSignal. `name` is `'AbortError'` as for DOM aborts, so
 * `err.name === 'AbortError'` checks written for fetch() also work here.
 */
export class AbortError extends SrcnnError {
  constructor(message = 'The operation was aborted') {
    super('E_ABORT', message);
    this.name = 'AbortError';
  }
}

/** Formats a shape for messages: `[1, 64, 33, 33]`. */
export function fmtShape(shape: ArrayLike<number>): string {
  return `[${Array.from(shape).join(', ')}]`;
}
