// Offset -> line and column, by binary search over where each line starts. The
// parsers differ only in what ends a line (YAML and TOML: \n; TypeScript: also a
// lone \r, U+2028 and U+2029), so each finds its own line starts.
import type { Position } from './source-file.ts';

/** `starts`: the offset each line starts at, ascending, the first 0. Positions are 1-based. */
export function positionsFrom(starts: readonly number[]): (offset: number) => Position {
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - starts[low]! + 1 };
  };
}
