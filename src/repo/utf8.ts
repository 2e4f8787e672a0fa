import type { Problem } from '../errors/problem.js';

// Fatal: one pass that both checks and decodes, as fast here as Buffer#toString (which would
// replace a bad byte with U+FFFD without a word).
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of a file read as UTF-8. Invalid bytes are a located problem (`file:line:col`,
 * "invalid UTF-8 byte 0xE9"), never a silent U+FFFD; the text then has U+FFFD in their
 * place, so the rest of the file is still checked.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string; problem?: Problem } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    // The slow path, only for a bad file.
    const at = firstInvalidByte(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    const line = 1 + countNewlines(bytes, lineStart);
    const col = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, at - lineStart).toString('utf8').length + 1;
    const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const message = `invalid UTF-8 byte 0x${byte}; save the file as UTF-8`;
    return { text, problem: { code: 'invalid_utf8', file, line, col, message } };
  }
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < end; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidByte(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) length = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      if (c === 0xe0) low = 0xa0;
      else if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      if (c === 0xf0) low = 0x90;
      else if (c === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > n) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return n;
}
