// A matrix file's bytes -> its text, exactly, or a problem: UTF-8 only (a
// leading byte-order mark is dropped, for YAML and TOML alike); UTF-16 and
// UTF-32 files and invalid UTF-8 are refused at the first bad byte instead of
// being read as U+FFFD replacement characters.
import { error, type Problem } from '../problems/problem.ts';

/** `lossy`: the text with U+FFFD for bad bytes, to show the line in a code frame; none for UTF-16/32. */
export type Decoded = { ok: true; text: string } | { ok: false; problem: Problem; lossy?: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const HINT_RESAVE = 'Save the file as UTF-8 (without a byte-order mark is best): most editors offer it under "Save with encoding"';

export function decodeText(bytes: Uint8Array, file: string): Decoded {
  const wide = wideEncoding(bytes);
  if (wide) {
    const from = wide.startsWith('UTF-16') ? 'UTF-16' : 'UTF-32';
    return { ok: false, problem: error('file-encoding', `${file} is encoded as ${wide}; matrix files must be UTF-8.`, { file, position: { line: 1, col: 1 }, hint: `${HINT_RESAVE}, or convert it: \`iconv -f ${from} -t UTF-8 ${file}\`.` }) };
  }
  try {
    // ignoreBOM: false makes the decoder drop a leading UTF-8 byte-order mark.
    return { ok: true, text: UTF8.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = UTF8.decode(bytes.subarray(0, offset));
    const lines = before.split('\n');
    const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      ok: false,
      lossy: new TextDecoder().decode(bytes),
      problem: error('file-encoding', `${file} is not valid UTF-8: the byte 0x${byte} at offset ${offset} starts no UTF-8 character. Read as text it would silently become U+FFFD (�).`, {
        file,
        position: { line: lines.length, col: lines.at(-1)!.length + 1 },
        hint: `${HINT_RESAVE}. The file may be Latin-1 (e.g. an accented letter typed in another editor): retype that character, or convert the file: \`iconv -f LATIN1 -t UTF-8 ${file}\`.`,
      }),
    };
  }
}

/** UTF-16/32 by byte-order mark, or UTF-16 without one (every other byte of ASCII text is 0). */
function wideEncoding(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return b[2] === 0 && b[3] === 0 ? 'UTF-32 (little-endian)' : 'UTF-16 (little-endian)';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16 (big-endian)';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32 (big-endian)';
  if (b.length >= 4 && b.length % 2 === 0) {
    const sample = Math.min(b.length, 512);
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < sample; i += 2) {
      if (b[i] === 0) evenZeros++;
      if (b[i + 1] === 0) oddZeros++;
    }
    const pairs = sample / 2;
    if (oddZeros > pairs * 0.6 && evenZeros === 0) return 'UTF-16 (little-endian, no byte-order mark)';
    if (evenZeros > pairs * 0.6 && oddZeros === 0) return 'UTF-16 (big-endian, no byte-order mark)';
  }
  return undefined;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const x = b[i]!;
    const need = x < 0x80 ? 0 : x >= 0xc2 && x <= 0xdf ? 1 : x >= 0xe0 && x <= 0xef ? 2 : x >= 0xf0 && x <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = b[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong, surrogate and beyond-U+10FFFF forms.
    const y = b[i + 1] ?? 0;
    if ((x === 0xe0 && y < 0xa0) || (x === 0xed && y > 0x9f) || (x === 0xf0 && y < 0x90) || (x === 0xf4 && y > 0x8f)) return i;
    i += need + 1;
  }
  return b.length;
}
