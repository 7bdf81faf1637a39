// A quick look at how deep a YAML text nests, before the parser composes it:
// the parser recurses per level, and a few megabytes of `[[[[` keep it busy
// for a minute and take gigabytes before it gives up. Counts block levels by
// indentation (and `- ` items on one line) plus open flow brackets, outside
// quoted scalars and comments. It may count a level or two more than the
// document has (a block scalar's lines), never fewer for real collections;
// the exact depth is checked on the parsed document.

/** The offset at which the text nests more than `max` levels; undefined when it does not. */
export function yamlTooDeep(text: string, max: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  let i = 0;
  while (i < text.length) {
    const lineEnd = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    let j = i;
    let block = indents.length;
    if (!quote && flow === 0) {
      while (j < lineEnd && text[j] === ' ') j++;
      if (j < lineEnd && text[j] !== '#' && text[j] !== '\r') {
        const indent = j - i;
        while (indents.length && indents.at(-1)! >= indent) indents.pop();
        indents.push(indent);
        block = indents.length;
        while (text.startsWith('- ', j) || text.startsWith('? ', j)) {
          block++;
          j += 2;
          while (text[j] === ' ') j++;
        }
        if (block > max) return j;
      }
    }
    let previous = j === i ? '\n' : text[j - 1]!;
    let keys = 0;
    for (; j < lineEnd; j++) {
      const c = text[j]!;
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = undefined;
        }
        continue;
      }
      const tokenStart = /[\s:?\-[{,]/.test(previous);
      if (c === '#' && (j === i || /\s/.test(text[j - 1]!))) break;
      if ((c === '"' || c === "'") && tokenStart) quote = c;
      else if ((c === '[' || c === '{') && (flow > 0 || tokenStart)) {
        keys = 0;
        if (block + ++flow > max) return j;
      } else if ((c === ']' || c === '}') && flow > 0) {
        keys = 0;
        flow--;
      } else if (c === ',' && flow > 0) keys = 0;
      // `a: b: c:` nests a mapping per key on one line (an error, but the parser recurses to find it).
      else if (c === ':' && (j + 1 === lineEnd || text[j + 1] === ' ') && ++keys > 1 && block + flow + keys - 1 > max) return j;
      if (c !== ' ') previous = c;
    }
    i = lineEnd + 1;
  }
  return undefined;
}
