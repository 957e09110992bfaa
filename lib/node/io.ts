/**
 * Image file I/O for Node: read with format sniffing, write atomically (temp file + rename) and
 * never over a protected input.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { IoError, OptionError } from '../errors.js';
import { decodeImage, encodeImage, IMAGE_FORMATS, type ImageFormat } from '../image/codec.js';
import { assertImage, type Image } from '../image/image.js';

/** Options of {@link writeImageFile}. */
export interface WriteImageOptions {
  /**
   * Container format to write.
   * @defaultValue from the file extension: `.png` or `.bmp` (case-insensitive).
   */
  format?: ImageFormat;
  /**
   * Paths that must never be replaced, typically the input files. Writing to one of them (also
   * through a symlink or hard link) throws {@link IoError}.
   * @defaultValue []
   */
  protect?: readonly string[];
}

const WRITE_OPTION_KEYS = new Set(['format', 'protect']);

/**
 * Reads and decodes a PNG or BMP file (format from its bytes, not its name).
 * @throws IoError naming `path` when the file cannot be read.
 * @throws DecodeError naming `path` when its bytes are not a valid PNG/BMP.
 */
export async function readImageFile(path: string): Promise<Image> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new IoError(path, `cannot read the file (${errorText(e)})`, { cause: e });
  }
  return decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/**
 * The image format implied by a path's extension (`.png`/`.bmp`, case-insensitive), or null.
 */
export function formatFromPath(path: string): ImageFormat | null {
  const ext = extname(path).slice(1).toLowerCase();
  return (IMAGE_FORMATS as readonly string[]).includes(ext) ? (ext as ImageFormat) : null;
}

/**
 * Encodes `image` and writes it to `path` atomically: the bytes go to a temporary file in the same
 * directory (`.<name>.<pid>.<random>.tmp`), which is flushed to disk and then renamed over `path`.
 * On failure the temporary file is removed and `path` is left as it was.
 * @throws OptionError for an unknown option key, an unknown format, or a path whose extension
 * names no supported format when `format` is not given.
 * @throws IoError naming `path` when it is protected or cannot be written.
 * @throws ShapeError when `image` is malformed (checked before anything touches the disk).
 */
export async function writeImageFile(path: string, image: Image, opts: WriteImageOptions = {}): Promise<void> {
  for (const key of Object.keys(opts)) {
    if (!WRITE_OPTION_KEYS.has(key)) throw new OptionError(`writeImageFile: unknown option "${key}" (known: format, protect)`);
  }
  const format = opts.format ?? formatFromPath(path);
  if (format === null) {
    throw new OptionError(`writeImageFile: ${path}: cannot tell the format from the extension; use .png or .bmp, or pass { format }`);
  }
  if (!IMAGE_FORMATS.includes(format)) {
    throw new OptionError(`writeImageFile: unknown format ${JSON.stringify(format)} (expected 'png' or 'bmp')`);
  }
  assertImage(image, 'writeImageFile');
  await checkNotProtected(path, opts.protect ?? []);
  await writeFileAtomic(path, encodeImage(image, format));
}

/**
 * Writes `data` (bytes, or text as UTF-8) to `path` atomically: the data goes to a temporary file in
 * the same directory (`.<name>.<pid>.<random>.tmp`), which is flushed to disk and then renamed over
 * `path`. On failure the temporary file is removed and `path` is left as it was.
 * @throws IoError naming `path` when it cannot be written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    if (created) await unlink(temp).catch(() => undefined);
    throw new IoError(path, `cannot write the file (${errorText(e)})`, { cause: e });
  }
}

/** Throws IoError when `path` is, or is the same file as, one of `protect`. */
async function checkNotProtected(path: string, protect: readonly string[]): Promise<void> {
  if (protect.length === 0) return;
  const target = resolve(path);
  const targetStat = await stat(target).catch(() => null);
  for (const p of protect) {
    let same = resolve(p) === target;
    if (!same && targetStat !== null) {
      const s = await stat(p).catch(() => null);
      same = s !== null && s.dev === targetStat.dev && s.ino === targetStat.ino;
    }
    if (same) throw new IoError(path, `refusing to overwrite the protected input ${p}; choose another output path`);
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
