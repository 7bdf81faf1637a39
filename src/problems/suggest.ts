// "Did you mean ...?" candidates by edit distance.

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The candidates closest to `word`, nearest first; none when nothing is close. */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate), extends: candidate.startsWith(word) }))
    .filter(({ distance, extends: longer }) => distance <= limit || longer)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, max)
    .map(({ candidate }) => candidate);
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const close = suggest(word, candidates);
  return close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
}
