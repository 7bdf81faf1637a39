// A TypeScript expression -> the JSON value it stands for, read from the syntax
// tree without running anything: literals, arrays, objects, `as const`,
// `satisfies`, parentheses, local consts, spreads of them, template literals
// without ${}, and defineMatrix(...) around the matrix. Anything else is a
// problem naming it, with its position. Values are kept exactly or refused, as
// in YAML and TOML (scalar-problem.ts), within the same limits: nesting depth,
// key and value length, and how far consts used again may expand (the
// TypeScript form of a YAML alias bomb).
import type { ArrayLiteralExpression, Node, ObjectLiteralExpression } from 'ts-morph';
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import { limitExceeded, type Limits } from './limits.ts';
import type { Binding } from './module-bindings.ts';
import { scalarProblem, textProblem } from './scalar-problem.ts';
import type { Position } from './source-file.ts';
import type { TsMorph } from './ts-morph.ts';

/** A value read, where it was written, and the same for each of its entries. */
export interface Read {
  value: unknown;
  at: Position;
  entries?: ReadEntry[];
  /** Nodes in the value (1 for a scalar). */
  size: number;
}

export interface ReadEntry {
  key: string | number;
  keyAt?: Position;
  read: Read;
}

type Path = (string | number)[];

const DECLARE_HERE = 'Write the value itself (a string, number, boolean, null, list or object), or a const of this file that holds one.';

export class LiteralReader {
  /** Each const is read once: a mistake in it is reported once, however often it is used. */
  private readonly consts = new Map<Binding, Read>();
  /** Nodes added by consts used again (each use past the first copies the value). */
  private reused = 0;
  private stopped = false;

  constructor(
    private readonly morph: TsMorph,
    private readonly file: string,
    private readonly bindings: ReadonlyMap<string, Binding>,
    private readonly at: (offset: number) => Position,
    private readonly limits: Limits,
    private readonly report: (p: Problem) => void,
  ) {}

  /** Where the last value read starts: where a stack overflow happened, if one does. */
  last: Position | undefined;

  read(node: Node, path: Path): Read {
    const { Node: is, SyntaxKind } = this.morph;
    const here = this.at(node.getStart());
    this.last = here;
    if (this.stopped) return { value: undefined, at: here, size: 1 };
    if (path.length > this.limits.depth) {
      this.stop(limitExceeded('depth', this.limits, 'here it goes deeper', this.where(path, here)));
      return { value: undefined, at: here, size: 1 };
    }
    if (is.isParenthesizedExpression(node) || is.isAsExpression(node) || is.isSatisfiesExpression(node) || is.isTypeAssertion(node) || is.isNonNullExpression(node)) {
      return this.read(node.getExpression(), path);
    }
    if (is.isStringLiteral(node) || is.isNoSubstitutionTemplateLiteral(node)) return this.scalar(node.getLiteralValue(), node.getLiteralValue(), path, here);
    if (is.isNumericLiteral(node)) return this.scalar(node.getText(), node.getLiteralValue(), path, here);
    if (is.isTrueLiteral(node) || is.isFalseLiteral(node)) return { value: node.getLiteralValue(), at: here, size: 1 };
    if (is.isNullLiteral(node)) return { value: null, at: here, size: 1 };
    if (is.isPrefixUnaryExpression(node)) {
      const operand = node.getOperand();
      const sign = node.getOperatorToken();
      if (is.isNumericLiteral(operand) && (sign === SyntaxKind.MinusToken || sign === SyntaxKind.PlusToken)) {
        const value = sign === SyntaxKind.MinusToken ? -operand.getLiteralValue() : operand.getLiteralValue();
        return this.scalar(`${sign === SyntaxKind.MinusToken ? '-' : ''}${operand.getText()}`, value, path, here);
      }
    }
    if (is.isObjectLiteralExpression(node)) return this.object(node, path, here);
    if (is.isArrayLiteralExpression(node)) return this.array(node, path, here);
    if (is.isIdentifier(node)) return this.identifier(node.getText(), node, path, here);
    if (is.isCallExpression(node)) {
      const callee = node.getExpression();
      const args = node.getArguments();
      if (is.isIdentifier(callee) && this.isDefineMatrix(callee.getText()) && args.length === 1) {
        return this.read(args[0]!, path);
      }
    }
    if (/\bprocess\s*\.\s*env\b/.test(node.getText())) {
      const hint =
        path.join('.') === 'registry'
          ? '`registry` is already the bake variable REGISTRY: write its default here, and CI sets REGISTRY in the environment when bake runs.'
          : 'For a value CI sets at build time, declare a variable (variables: { name: { env: "NAME", default: "..." } }) and write {name} in a template: bake reads it from the environment.';
      return this.dynamic(node, path, `\`${short(node)}\`, read from the environment when the module runs`, hint);
    }
    if (is.isCallExpression(node)) {
      return this.dynamic(node, path, `the call \`${short(node)}\`, computed when the module runs`, `${DECLARE_HERE} Only defineMatrix({...}) around the whole matrix is read.`);
    }
    if (is.isTemplateExpression(node)) {
      return this.dynamic(node, path, `the template literal ${short(node)}, whose \${...} parts are computed when the module runs`, 'Write the whole string. Placeholders of the matrix are written {name} (e.g. "{registry}/{framework}") and filled in by bake-matrix.');
    }
    if (is.isPropertyAccessExpression(node) || is.isElementAccessExpression(node)) {
      return this.dynamic(node, path, `\`${short(node)}\`, a property read when the module runs`, DECLARE_HERE);
    }
    if (is.isArrowFunction(node) || is.isFunctionExpression(node) || is.isFunctionDeclaration(node)) {
      return this.dynamic(node, path, 'a function, not a value of the matrix format', DECLARE_HERE);
    }
    if (is.isClassExpression(node) || is.isClassDeclaration(node)) {
      return this.dynamic(node, path, 'a class, not a value of the matrix format', DECLARE_HERE);
    }
    return this.dynamic(node, path, `\`${short(node)}\` (${kindName(node.getKindName())}), computed when the module runs`, DECLARE_HERE);
  }

  private object(node: ObjectLiteralExpression, path: Path, at: Position): Read {
    const { Node: is } = this.morph;
    const entries: ReadEntry[] = [];
    const written = new Set<string>();
    const place = new Map<string | number, number>();
    const set = (entry: ReadEntry) => {
      const index = place.get(entry.key);
      if (index === undefined) place.set(entry.key, entries.push(entry) - 1);
      else entries[index] = entry; // a later key wins and keeps the first one's place, as in JavaScript
    };
    for (const property of node.getProperties()) {
      if (is.isSpreadAssignment(property)) {
        const spread = this.read(property.getExpression(), path);
        if (isObjectRead(spread)) spread.entries.forEach(set);
        else if (spread.value !== undefined) this.dynamic(property, path, `the spread \`${short(property)}\` of something that is not an object`, 'Spread a const of this file that holds an object.');
        continue;
      }
      if (is.isPropertyAssignment(property) || is.isShorthandPropertyAssignment(property)) {
        const nameNode = property.getNameNode();
        if (is.isComputedPropertyName(nameNode) || is.isPrivateIdentifier(nameNode)) {
          this.dynamic(nameNode, path, `the computed key \`${short(nameNode)}\`, worked out when the module runs`, 'Write the key as a name or a quoted string.');
          continue;
        }
        const key = is.isStringLiteral(nameNode) || is.isNumericLiteral(nameNode) ? String(nameNode.getLiteralValue()) : nameNode.getText();
        const keyAt = this.at(nameNode.getStart());
        const keyWhere = { ...this.where([...path, key], keyAt), atKey: true };
        const keyProblem = is.isNumericLiteral(nameNode) ? scalarProblem(nameNode.getText(), nameNode.getLiteralValue(), keyWhere, this.limits, 'key', 'TypeScript') : textProblem(key, keyWhere, this.limits, 'key');
        if (keyProblem) this.report(keyProblem);
        if (written.has(key)) {
          this.report(
            error('duplicate-key', `The key "${key}" appears twice in one object.`, {
              file: this.file,
              pointer: pointerOf([...path, key]),
              position: keyAt,
              hint: 'Each key may appear once in an object: merge the two entries or remove one.',
            }),
          );
        }
        written.add(key);
        const value = is.isPropertyAssignment(property) ? property.getInitializerOrThrow() : property.getNameNode();
        set({ key, keyAt, read: this.read(value, [...path, key]) });
        continue;
      }
      const what = is.isGetAccessorDeclaration(property) ? 'getter' : is.isSetAccessorDeclaration(property) ? 'setter' : 'method';
      this.dynamic(property, path, `the ${what} \`${short(property)}\`, run when the value is read`, 'Write `key: value` with the value itself.');
    }
    return { value: objectOf(entries), at, entries, size: entries.reduce((n, e) => n + e.read.size, 1) };
  }

  private array(node: ArrayLiteralExpression, path: Path, at: Position): Read {
    const { Node: is } = this.morph;
    const items: Read[] = [];
    for (const element of node.getElements()) {
      if (is.isSpreadElement(element)) {
        const spread = this.read(element.getExpression(), [...path, items.length]);
        if (Array.isArray(spread.value)) items.push(...spread.entries!.map((e) => e.read));
        else if (spread.value !== undefined) this.dynamic(element, path, `the spread \`${short(element)}\` of something that is not a list`, 'Spread a const of this file that holds a list.');
      } else if (is.isOmittedExpression(element)) {
        this.dynamic(node, [...path, items.length], 'a list with an empty slot (two commas in a row)', 'Remove the extra comma.');
      } else {
        items.push(this.read(element, [...path, items.length]));
      }
    }
    return { value: items.map((r) => r.value), at, entries: items.map((read, key) => ({ key, read })), size: items.reduce((n, r) => n + r.size, 1) };
  }

  /** A name: a const of this file is read where it is declared; the value sits where the name is used. */
  private identifier(name: string, node: Node, path: Path, at: Position): Read {
    const binding = this.bindings.get(name);
    if (!binding) {
      if (name === 'undefined') return this.dynamic(node, path, '`undefined`, which is not a value of the matrix format', 'Leave the key out to get its default.');
      return this.dynamic(node, path, `"${name}", which is not declared in this file`, DECLARE_HERE);
    }
    if (binding.kind === 'import') {
      return this.dynamic(node, path, `"${name}", imported from "${binding.from}" (bake-matrix reads this file alone)`, 'Declare it as a const in this file, or move those keys into a file of the matrix folder (YAML, TOML or TypeScript; the files are merged).');
    }
    if (binding.kind === 'other') return this.dynamic(node, path, `"${name}", declared as ${binding.what}, not a const with a value`, `Declare it as \`const ${name} = <value>\`.`);
    if (binding.declaration.getEnd() > node.getStart()) {
      return this.dynamic(node, path, `"${name}", used before its declaration ends`, `Move \`const ${name} = ...\` above its first use (a const cannot refer to itself).`);
    }
    let read = this.consts.get(binding);
    if (!read) {
      // A const that is another const's name (`const b = a`) is followed in a loop, not by
      // recursion, each step counted as a node of the alias limit: a chain of thousands is
      // that limit's business, not the stack's.
      const chain = [binding];
      for (let next = this.named(binding); next; next = this.named(next)) {
        chain.push(next);
        if (++this.reused > this.limits.aliases) {
          this.stop(limitExceeded('aliases', this.limits, `here "${name}" is read through a chain of ${chain.length.toLocaleString('en-US')} consts, each the name of the next`, this.where(path, at)));
          return { value: undefined, at, size: 1 };
        }
      }
      const last = chain.at(-1)!;
      read = last.initializer ? this.read(last.initializer, path) : this.dynamic(node, path, `"${name}", a const without a value`, DECLARE_HERE);
      for (const b of chain) this.consts.set(b, read);
    } else if (read.size > 1) {
      this.reused += read.size;
      if (this.reused > this.limits.aliases) {
        this.stop(limitExceeded('aliases', this.limits, `here "${name}" (${read.size.toLocaleString('en-US')} nodes) takes the consts used again past it`, this.where(path, at)));
        return { value: undefined, at, size: 1 };
      }
    }
    return { ...read, at };
  }

  /** The const whose name is all of `binding`'s value (parentheses, `as` and `satisfies` aside), when it is a const not read yet, declared before. */
  private named(binding: Binding & { kind: 'const' }): (Binding & { kind: 'const' }) | undefined {
    const { Node: is } = this.morph;
    let init: Node | undefined = binding.initializer;
    while (init && (is.isParenthesizedExpression(init) || is.isAsExpression(init) || is.isSatisfiesExpression(init))) init = init.getExpression();
    if (!init || !is.isIdentifier(init)) return undefined;
    const next = this.bindings.get(init.getText());
    if (next?.kind !== 'const' || this.consts.has(next) || next.declaration.getEnd() > init.getStart()) return undefined;
    return next;
  }

  /** A string or number as written: refused when it would be written otherwise, or holds what nobody can see. */
  private scalar(source: string, value: string | number, path: Path, at: Position): Read {
    const problem = scalarProblem(source, value, this.where(path, at), this.limits, 'value', 'TypeScript');
    if (problem) this.report(problem);
    return { value, at, size: 1 };
  }

  private where(path: Path, position: Position): Partial<Problem> {
    return { file: this.file, pointer: pointerOf(path), position };
  }

  /** A limit was passed: reported once, and nothing more is read (the rest could take as long). */
  private stop(problem: Problem): void {
    if (!this.stopped) this.report(problem);
    this.stopped = true;
  }

  /** The package's defineMatrix, under any local name (or undeclared, in a file not importing it yet). */
  private isDefineMatrix(name: string): boolean {
    const binding = this.bindings.get(name);
    if (!binding) return name === 'defineMatrix';
    return binding.kind === 'import' && binding.from === 'bake-matrix' && binding.name === 'defineMatrix';
  }

  private dynamic(node: Node, path: Path, what: string, hint: string): Read {
    const where = path.length ? `The value of "${path.join('.')}"` : 'The default export';
    this.report(
      error('dynamic-value', `${where} is ${what}. A TypeScript matrix is read, never run: only literal values count.`, {
        file: this.file,
        pointer: pointerOf(path),
        position: this.at(node.getStart()),
        hint,
      }),
    );
    return { value: undefined, at: this.at(node.getStart()), size: 1 };
  }
}

function isObjectRead(read: Read): read is Read & { entries: ReadEntry[] } {
  return read.entries !== undefined && !Array.isArray(read.value);
}

function objectOf(entries: readonly ReadEntry[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const { key, read } of entries) Object.defineProperty(object, key, { value: read.value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** The expression's text on one line, cut short: enough to find it. */
function short(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** "BinaryExpression" -> "a binary expression". */
function kindName(kind: string): string {
  const words = kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}
