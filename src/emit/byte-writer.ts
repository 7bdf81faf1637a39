// A bake file's bytes, made a chunk at a time: an emitter writes its text
// into one reused buffer, whose full chunks go straight to whoever consumes
// them (the file writer streams them to the temp file and hashes them), so a
// 100 000-target bake file never exists as one 65-80 MB string, nor as the
// many small strings and their concatenations that would make it.

/**
 * Hands a file's bytes, in order, to `write`; an array handed over is valid
 * only during that call (the buffer is reused). A source may be run more than
 * once: the same bytes each time.
 */
export type ByteSource = (write: (bytes: Uint8Array) => void) => void;

/** Bytes per chunk. */
const CHUNK = 1 << 18;

/** UTF-8 text into chunks of at most CHUNK bytes, each handed to `write` when full (and by end()). */
export class ByteWriter {
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private pos = 0;

  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  /** Appends the UTF-8 of `text` (a lone surrogate as U+FFFD, as Buffer writes it). */
  text(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2).
    if (this.pos + text.length * 3 > CHUNK) {
      this.flush();
      if (text.length * 3 > CHUNK) return this.large(text);
    }
    this.pos += this.buffer.write(text, this.pos);
  }

  /** Hands over what is left. */
  end(): void {
    this.flush();
  }

  /** A text longer than a chunk holds (only after a flush): in parts that fit, a surrogate pair never split. */
  private large(text: string): void {
    const step = Math.floor(CHUNK / 3);
    for (let start = 0; start < text.length; ) {
      let end = Math.min(start + step, text.length);
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
      this.pos = this.buffer.write(text.slice(start, end));
      this.flush();
      start = end;
    }
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.write(this.buffer.subarray(0, this.pos));
    this.pos = 0;
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** A text already made, as a source. */
export function stringSource(text: string): ByteSource {
  return (write) => {
    const out = new ByteWriter(write);
    out.text(text);
    out.end();
  };
}

/** A source's bytes as one buffer. */
export function bytesOf(source: ByteSource): Buffer {
  const chunks: Buffer[] = [];
  source((bytes) => chunks.push(Buffer.from(bytes)));
  return Buffer.concat(chunks);
}

/** A source's text: its bytes read as UTF-8. */
export function textOf(source: ByteSource): string {
  return bytesOf(source).toString('utf8');
}
