// A bake template as an HCL native-syntax quoted string.
//
// Every string of the Bake model is already a bake template, the text a
// docker-bake.json holds: `${NAME}` interpolates, `$${` and `%%{` are literal
// `${` and `%{`, a lone `$` or `%` is literal. HCL's quoted strings read the
// same template syntax, so the template text is kept as it is; only the
// quoted-string layer is added: `"`, `\`, newlines, tabs and other control
// characters of the literal parts are backslash-escaped. The text inside a
// `${...}` or `%{...}` sequence is an HCL expression, copied verbatim (a
// nested "quoted" string there must keep its bare quotes). Other Unicode
// stays UTF-8: HCL normalises every string to NFC, in JSON and HCL alike.

/** `"text"`, escaped for an HCL quoted string; throws on an unterminated `${` or `%{` (a bug upstream). */
export function hclString(template: string): string {
  // Printable ASCII without a quote or a backslash, its sequences closed, reads
  // the same inside quotes: the common case, without the walk below.
  if (isSimple(template)) return '"' + template + '"';
  let out = '"';
  let last = 0;
  SEQUENCE.lastIndex = 0;
  for (let match = SEQUENCE.exec(template); match; match = SEQUENCE.exec(template)) {
    out += escapeLiteral(template.slice(last, match.index));
    if (match[0].length === 3) {
      out += match[0]; // $${ or %%{: a literal ${ or %{, the same in both syntaxes
      last = match.index + 3;
    } else {
      last = sequenceEnd(template, match.index + 2);
      out += template.slice(match.index, last);
    }
    SEQUENCE.lastIndex = last;
  }
  return out + escapeLiteral(template.slice(last)) + '"';
}

/**
 * Whether the template is printable ASCII without `"` or `\\` and every `${`
 * or `%{` in it is closed: the walk below would then copy it as it is (it
 * escapes nothing, and a sequence without quotes ends at its matching brace).
 */
function isSimple(template: string): boolean {
  return SIMPLE.test(template) || simpleByWalk(template); // most texts in one native match
}

/** isSimple, character by character (exported for the test that SIMPLE accepts no text this refuses). */
export function simpleByWalk(template: string): boolean {
  for (let i = 0; i < template.length; i++) {
    const code = template.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
    if ((code !== 0x24 && code !== 0x25) || i + 1 >= template.length) continue; // not `$` or `%`
    const next = template.charCodeAt(i + 1);
    if (next === code && template.charCodeAt(i + 2) === 0x7b) i += 2; // `$${` or `%%{`: a literal `${` or `%{`
    else if (next === 0x7b) {
      let depth = 0;
      let end = i + 2;
      for (; end < template.length; end++) {
        const c = template.charCodeAt(end);
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
        if (c === 0x7b) depth++;
        else if (c === 0x7d && depth-- === 0) break;
      }
      if (end >= template.length) return false; // unterminated: the walk says so
      i = end;
    }
  }
  return true;
}
/**
 * Texts isSimple accepts, in the common forms: printable ASCII but `"`, `\\`, `$` and `%`; the literal
 * escapes `$${` and `%%{`; a `${...}` or `%{...}` without braces, quotes or backslashes inside; a `$` or
 * `%` that opens nothing. A text it does not match (a nested sequence, `$%{`) is walked by the loop.
 */
export const SIMPLE = /^(?:[\x20\x21\x23\x26-\x5b\x5d-\x7e]|\$\$\{|%%\{|[$%]\{[\x20\x21\x23-\x5b\x5d-\x7a\x7c\x7e]*\}|[$%](?![{$%]))*$/;

/** Where a template sequence starts: the escapes first, so `$${` is never read as `$` + `${`. */
const SEQUENCE = /\$\$\{|%%\{|\$\{|%\{/g;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** Quotes, backslashes, controls, line/paragraph separators and lone surrogates: invisible or not encodable as UTF-8. */
const NEEDS_ESCAPE = /["\\\p{Cc}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeLiteral(text: string): string {
  return text.replace(NEEDS_ESCAPE, (char) => SIMPLE_ESCAPES[char] ?? '\\u' + char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'));
}

/**
 * The index just past the `}` closing the sequence whose body starts at `start`:
 * braces nest, and quoted strings inside the expression (which may hold
 * sequences of their own) are skipped whole.
 */
function sequenceEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      i = quotedEnd(text, i + 1);
      continue;
    }
    if (char === '{') depth++;
    if (char === '}') {
      if (depth === 0) return i + 1;
      depth--;
    }
    i++;
  }
  throw new Error(`hclString: unterminated template sequence at offset ${start - 2} in ${JSON.stringify(text)}`);
}

function quotedEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\\') i += 2;
    else if (char === '"') return i + 1;
    else if (text.startsWith('$${', i) || text.startsWith('%%{', i)) i += 3;
    else if (text.startsWith('${', i) || text.startsWith('%{', i)) i = sequenceEnd(text, i + 2);
    else i++;
  }
  throw new Error(`hclString: unterminated quoted string at offset ${start - 1} in ${JSON.stringify(text)}`);
}
