// Target-name patterns as buildx matches them (`--set <pattern>.key=value`): Go's path.Match.

/** Go's path.Match syntax: `*`, `?` and `[...]` classes (`[^...]` or `[!...]` negated). */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return /(?!)/;
      source += '[' + pattern.slice(i + 1, end).replace(/^[!^]/, '^').replace(/\\/g, '\\\\') + ']';
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) source += escape(pattern[++i]!);
    else source += escape(c);
  }
  return new RegExp(`^${source}$`);
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
