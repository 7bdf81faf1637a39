// One matrix file read once: its path, text, parsed document and a way to turn
// a JSON pointer into a line and column. Everything after loading is pure.

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

export interface NodeSpan {
  key?: Position;
  value: Position;
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

  private starts?: number[];

  /** The text of one line, for a code frame (without its line break). */
  line(n: number): string {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    const start = this.starts[n - 1];
    if (start === undefined) return '';
    const end = this.starts[n] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }
}
