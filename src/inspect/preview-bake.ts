// A bake string as bake reads it when no variable is set: ${NAME} at its
// default, the filters bake-matrix writes (substr, lower, upper,
// regex_replace, format, `X == "" ? ... : ...`) evaluated, and $${ and %%{
// back to literal ${ and %{. An expression it cannot evaluate stays as written.
import type { BakeVariable } from '../types/bake.ts';

type Variables = Readonly<Record<string, BakeVariable>>;

export function previewBake(text: string, variables: Variables = {}): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      out += text[i] + '{';
      i += 3;
      continue;
    }
    if (text.startsWith('${', i)) {
      const end = sequenceEnd(text, i + 2);
      if (end < 0) return out + text.slice(i);
      const value = evaluate(text.slice(i + 2, end - 1), variables);
      out += value ?? text.slice(i, end);
      i = end;
      continue;
    }
    out += text[i];
    i++;
  }
  return out;
}

/** The variables a bake string reads, in order of first use. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  let i = text.indexOf('${');
  while (i >= 0) {
    if (i > 0 && text[i - 1] === '$') {
      i = text.indexOf('${', i + 2);
      continue;
    }
    const end = sequenceEnd(text, i + 2);
    if (end < 0) break;
    const body = text.slice(i + 2, end - 1).replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const m of body.matchAll(/\b[A-Za-z_][A-Za-z0-9_]*\b(?!\s*\()/g)) if (!names.includes(m[0])) names.push(m[0]);
    i = text.indexOf('${', end);
  }
  return names;
}

/** Index past the `}` closing a sequence whose body starts at `start`, quoted strings skipped; -1 if none. */
function sequenceEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i + 1;
      depth--;
    }
  }
  return -1;
}

/** A tiny evaluator for the expressions bake-matrix emits; undefined for anything else. */
function evaluate(expr: string, variables: Variables): string | undefined {
  const p = new Parser(expr, variables);
  try {
    const value = p.conditional();
    p.skip();
    return p.done() && value !== undefined ? value : undefined;
  } catch {
    return undefined;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly variables: Variables,
  ) {}

  skip() {
    while (/\s/.test(this.s[this.i] ?? '')) this.i++;
  }
  done() {
    return this.i >= this.s.length;
  }
  private eat(token: string): boolean {
    this.skip();
    if (!this.s.startsWith(token, this.i)) return false;
    this.i += token.length;
    return true;
  }

  conditional(): string | undefined {
    const left = this.primary();
    if (!this.eat('==')) return left;
    const right = this.primary();
    if (!this.eat('?')) throw new Error('expected ?');
    const yes = this.conditional();
    if (!this.eat(':')) throw new Error('expected :');
    const no = this.conditional();
    return left === undefined || right === undefined ? undefined : left === right ? yes : no;
  }

  private primary(): string | undefined {
    this.skip();
    if (this.s[this.i] === '"') return this.string();
    const number = /^-?[0-9]+/.exec(this.s.slice(this.i))?.[0];
    if (number) {
      this.i += number.length;
      return number;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (!name) throw new Error('expected a value');
    this.i += name.length;
    if (!this.eat('(')) return this.variables[name]?.default;
    const args: (string | undefined)[] = [];
    if (!this.eat(')')) {
      do args.push(this.conditional());
      while (this.eat(','));
      if (!this.eat(')')) throw new Error('expected )');
    }
    if (args.some((a) => a === undefined)) return undefined;
    return call(name, args as string[]);
  }

  private string(): string {
    let out = '';
    for (this.i++; this.i < this.s.length && this.s[this.i] !== '"'; this.i++) {
      if (this.s[this.i] === '\\') {
        this.i++;
        out += ({ n: '\n', t: '\t' } as Record<string, string>)[this.s[this.i]!] ?? this.s[this.i];
      } else out += this.s[this.i];
    }
    this.i++;
    return out;
  }
}

function call(name: string, args: string[]): string | undefined {
  switch (name) {
    case 'lower':
      return args[0]!.toLowerCase();
    case 'upper':
      return args[0]!.toUpperCase();
    case 'substr':
      return args[0]!.slice(Number(args[1]), Number(args[1]) + Number(args[2]));
    case 'format':
      return args[0]!.replace('%s', args[1] ?? '');
    case 'regex_replace':
      return args[0]!.replace(new RegExp(args[1]!, 'g'), args[2]!); // Go's $1 reads the same in JS
    default:
      return undefined;
  }
}
