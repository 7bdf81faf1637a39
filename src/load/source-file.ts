// One matrix file read once: its path, text, parsed document and a way to turn
// a JSON pointer into a line and column. Everything after loading is pure.

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

export interface NodeSpan {
  key?: Position;
  value: Position;
  /** Where a scalar value ends (just after it), when the parser says. */
  end?: Position;
}

export class SourceFile {
  constructor(
    /** As shown to the user: relative to the working directory when inside it. */
    readonly path: string,
    readonly text: string,
    readonly data: unknown,
    private readonly spans: ReadonlyMap<string, NodeSpan>,
    /** The absolute path on disk, when read from disk: `root` and paths are relative to it. */
    readonly absolutePath?: string,
  ) {}

  /** The position of the node at `pointer`, or of its nearest ancestor that exists. */
  locate(pointer: string, atKey = false): Position {
    let current = pointer;
    for (;;) {
      const span = this.spans.get(current);
      if (span) return (atKey && span.key) || span.value;
      if (current === '') return { line: 1, col: 1 };
      current = current.slice(0, current.lastIndexOf('/'));
      atKey = false;
    }
  }

  /**
   * The position of `part` inside the text value at `pointer`: its `occurrence`-th
   * appearance (from 0) in the file from the value's start on, searched up to its end
   * (or as far as a value of `length` characters could reach written with escapes); the
   * value's own position when it is not found there (written with escapes itself).
   */
  locateWithin(pointer: string, part: { text: string; occurrence: number; length: number }): Position {
    const start = this.locate(pointer);
    const starts = this.lineStarts();
    const offset = (p: Position) => (starts[p.line - 1] ?? 0) + p.col - 1;
    const from = offset(start);
    const end = this.spans.get(pointer)?.end;
    const limit = end ? offset(end) : from + part.length * 10 + 16;
    let found = this.text.indexOf(part.text, from);
    for (let n = 0; n < part.occurrence && found !== -1; n++) found = this.text.indexOf(part.text, found + 1);
    if (found === -1 || found + part.text.length > limit) return start;
    let line = start.line;
    while (starts[line] !== undefined && starts[line]! <= found) line++;
    return { line, col: found - starts[line - 1]! + 1 };
  }

  private starts?: number[];

  private lineStarts(): number[] {
    if (!this.starts) {
      this.starts = [0];
      // TypeScript ends a line at a lone \r, U+2028 and U+2029 too (parse-typescript.ts gives positions so).
      if (this.path.endsWith('.ts')) for (const m of this.text.matchAll(/\r\n?|[\n\u2028\u2029]/g)) this.starts.push(m.index + m[0].length);
      else for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    return this.starts;
  }

  /** The text of one line, for a code frame (without its line break). */
  line(n: number): string {
    this.lineStarts();
    const start = this.starts![n - 1];
    if (start === undefined) return '';
    const end = this.starts![n] ?? this.text.length;
    return this.text.slice(start, end).replace(/(\r\n?|[\n\u2028\u2029])$/, '');
  }
}
