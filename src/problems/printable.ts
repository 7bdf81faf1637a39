// Characters a terminal does not show as themselves: control characters
// (ESC starts a terminal escape sequence, CR overwrites a line), bidirectional
// overrides that reorder what is displayed, zero-width characters, line and
// paragraph separators, lone surrogates. A matrix value may not hold them
// (load refuses them) and no command prints them raw (main escapes its output).

/** Tab and line feed are the only control characters text may keep. */
const HIDDEN = /(?![\t\n])[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

/** The index of the first hidden character, or undefined. */
export function firstHidden(text: string): number | undefined {
  const m = HIDDEN.exec(text);
  return m ? m.index : undefined;
}

const NAMES: Record<number, string> = {
  0x00: 'NUL', 0x07: 'BEL', 0x08: 'BACKSPACE', 0x0b: 'VERTICAL TAB', 0x0c: 'FORM FEED', 0x0d: 'CARRIAGE RETURN', 0x1b: 'ESC (terminal escape sequence)',
  0x7f: 'DELETE', 0x200b: 'ZERO WIDTH SPACE', 0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK', 0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING', 0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
  0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)',
};

/** "U+001B ESC (terminal escape sequence)". */
export function describeChar(point: number): string {
  const code = `U+${point.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[point] ?? (point >= 0xd800 && point <= 0xdfff ? 'a lone surrogate (not a character)' : point < 0x20 || (point >= 0x7f && point <= 0x9f) ? 'a control character' : undefined);
  return name ? `${code} ${name}` : code;
}

/**
 * Text safe to print: every hidden character as a `\uXXXX` escape. The escape
 * is also what JSON writes for it, so output that is JSON stays the same JSON.
 */
export function printable(text: string): string {
  return HIDDEN.test(text) ? text.replace(HIDDEN_ALL, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : text;
}
