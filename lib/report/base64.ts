/** Base64 (RFC 4648, standard alphabet, padded) for data: URIs, without Node's Buffer or btoa. */

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
