// Evaluates a bake string as bake does: every string of a bake file is an HCL
// template. `$${` and `%%{` are literal `${` and `%{`; `${expr}` is evaluated
// with the bake variables. Written independently of src/ (a test oracle): it
// knows the expressions HCL allows that bake-matrix writes (variables, string
// literals, calls of buildx's stdlib functions lower, upper, substr,
// regex_replace and format, `==`/`!=` and `? :`), and throws on anything else.

export type Variables = Readonly<Record<string, string>>;

export function evaluateTemplate(text: string, vars: Variables): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      out += text[i] + '{';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const parser = new ExpressionParser(text, i + 2, vars);
      const value = parser.expression();
      i = parser.expect('}');
      out += value;
    } else if (text.startsWith('%{', i)) {
      throw new Error(`template directive in ${JSON.stringify(text)}: not something bake-matrix writes`);
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

const FUNCTIONS: Record<string, (...args: string[]) => string> = {
  lower: (s) => s!.toLowerCase(),
  upper: (s) => s!.toUpperCase(),
  substr: (s, offset, length) => [...s!].slice(Number(offset), Number(length) < 0 ? undefined : Number(offset) + Number(length)).join(''),
  // Go's regexp.ReplaceAllString: $1 in the replacement is the first group, as in JavaScript.
  regex_replace: (s, pattern, replacement) => s!.replace(new RegExp(pattern!, 'g'), replacement!),
  format: (spec, ...args) => {
    let next = 0;
    return spec!.replace(/%[%s]/g, (verb) => (verb === '%%' ? '%' : args[next++]!));
  },
};

class ExpressionParser {
  constructor(
    private readonly text: string,
    private pos: number,
    private readonly vars: Variables,
  ) {}

  expect(token: string): number {
    this.space();
    if (!this.text.startsWith(token, this.pos)) throw new Error(`expected "${token}" at ${this.pos} in ${JSON.stringify(this.text)}`);
    this.pos += token.length;
    return this.pos;
  }

  expression(): string {
    const condition = this.comparison();
    this.space();
    if (this.text[this.pos] !== '?') return condition.value;
    this.pos++;
    const yes = this.expression();
    this.expect(':');
    const no = this.expression();
    if (condition.kind !== 'bool') throw new Error(`a condition must be a comparison in ${JSON.stringify(this.text)}`);
    return condition.value === 'true' ? yes : no;
  }

  private comparison(): { kind: 'bool' | 'string'; value: string } {
    const left = this.primary();
    this.space();
    const op = this.text.slice(this.pos, this.pos + 2);
    if (op !== '==' && op !== '!=') return { kind: 'string', value: left };
    this.pos += 2;
    const right = this.primary();
    return { kind: 'bool', value: String((left === right) === (op === '==')) };
  }

  private primary(): string {
    this.space();
    const c = this.text[this.pos];
    if (c === '"') return this.stringLiteral();
    if (c === '(') {
      this.pos++;
      const value = this.expression();
      this.expect(')');
      return value;
    }
    const number = /^-?[0-9]+/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return number[0];
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos));
    if (!ident) throw new Error(`unexpected "${c}" at ${this.pos} in ${JSON.stringify(this.text)}`);
    this.pos += ident[0].length;
    this.space();
    if (this.text[this.pos] !== '(') {
      const value = this.vars[ident[0]];
      if (value === undefined) throw new Error(`unknown variable ${ident[0]} in ${JSON.stringify(this.text)}`);
      return value;
    }
    const fn = FUNCTIONS[ident[0]];
    if (!fn) throw new Error(`unknown function ${ident[0]} in ${JSON.stringify(this.text)}`);
    this.pos++;
    const args: string[] = [];
    this.space();
    while (this.text[this.pos] !== ')') {
      args.push(this.expression());
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      this.space();
    }
    this.pos++;
    return fn(...args);
  }

  /** A quoted string: itself a template, with backslash escapes. */
  private stringLiteral(): string {
    let raw = '';
    let i = this.pos + 1;
    const escapes: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
    while (this.text[i] !== '"') {
      if (i >= this.text.length) throw new Error(`unterminated string in ${JSON.stringify(this.text)}`);
      if (this.text[i] === '\\') {
        raw += escapes[this.text[i + 1]!] ?? this.text[i + 1];
        i += 2;
      } else raw += this.text[i++];
    }
    this.pos = i + 1;
    return evaluateTemplate(raw, this.vars);
  }

  private space() {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }
}
