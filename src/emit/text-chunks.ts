// A long text built from many small pieces.

/** Characters per chunk: more than V8's largest regular object, so the young-generation GC never copies a chunk. */
const CHUNK = 1 << 18;

/**
 * A long text gathered in chunks of about CHUNK characters: the many small
 * pieces die young, only the chunks live until the end, and the text is
 * copied once more, at the end.
 */
export class TextChunks {
  private readonly chunks: string[] = [];
  private pending: string[] = [];
  private size = 0;

  add(piece: string): void {
    this.pending.push(piece);
    this.size += piece.length;
    if (this.size >= CHUNK) this.flush();
  }

  text(): string {
    this.flush();
    return this.chunks.join('');
  }

  private flush(): void {
    this.chunks.push(this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }
}
