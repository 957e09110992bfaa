/** Base64 (RFC 4648, standard alphabet, padded) without Node's Buffer or atob/btoa: data: URIs, embedded weights. */
import { ValueError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The base64 text of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const parts: string[] = [];
  const CHUNK = 3 * 8192; // whole 3-byte groups per string piece: bounded intermediate strings
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    let s = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      s += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    }
    if (i < end) {
      const two = i + 1 < end;
      const v = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
      s += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (two ? ALPHABET[(v >> 6) & 63]! : '=') + '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

const DECODE = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/**
 * The bytes of padded standard base64 `text` (no whitespace).
 * @throws ValueError when `text` is not valid base64.
 */
export function base64ToBytes(text: string): Uint8Array {
  const n = text.length;
  if (n % 4 !== 0) throw new ValueError(`base64: length ${n} is not a multiple of 4`);
  const pad = n === 0 ? 0 : text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const isPad = c === 61 && i + 4 === n && j >= 4 - pad;
      const d = isPad ? 0 : c < 128 ? DECODE[c]! : -1;
      if (d < 0) throw new ValueError(`base64: invalid character at ${i + j}`);
      v = (v << 6) | d;
    }
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}
