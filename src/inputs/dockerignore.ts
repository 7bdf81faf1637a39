// `.dockerignore` as BuildKit reads it: moby/patternmatcher (ignorefile.ReadAll
// for the file, New + MatchesOrParentMatches for a path; fsutil's walk through
// MatchesUsingParentResults gives the same answers), ported line by line.
//
// Why not an npm matcher: @balena/dockerignore, the one in wide use, follows
// moby v19.03's fileutils (its code is unchanged since 2020): it checks only
// one parent folder against a pattern (the behaviour patternmatcher deprecated
// as buggy), ignores case by default, and caches answers in a plain object.
// The port is tested against patternmatcher_test.go's own vectors
// (test/inputs/dockerignore.test.ts).
//
// A pattern is turned into a regular expression as patternmatcher does; a
// pattern whose expression JavaScript would read differently from Go's RE2
// (an escaped letter or digit, which RE2 reads as a class or refuses; a `*`
// or `?` inside brackets; an expression JavaScript refuses) is refused rather
// than matched approximately. The expression is matched by stepping a set of
// positions along the path, as RE2 runs it, never by JavaScript's backtracking
// engine: a committed pattern must not make the walk take exponential time.

/** A pattern, cleaned; `exclusion` for a `!` line. */
interface Pattern {
  text: string;
  exclusion: boolean;
  kind: 'exact' | 'prefix' | 'suffix' | 'regexp';
  /** For `regexp`: the expression's pieces, in order. */
  tokens?: Token[];
}

// One piece of a pattern's expression: a character, `[^/]` (one), `[^/]*` (star),
// `.*` (any), `(.*/)?` (dirs), or a bracket class for one character.
type Token = { t: 'char'; c: string } | { t: 'one' | 'star' | 'any' | 'dirs' } | { t: 'class'; re: RegExp };

export interface IgnoreMatcher {
  /** The patterns as cleaned (`!` kept), in order. */
  patterns: string[];
  /** Whether BuildKit leaves `path` (slash-separated, relative to the context, cleaned) out of the context. */
  excluded(path: string): boolean;
}

export type Compiled = { ok: true; matcher: IgnoreMatcher } | { ok: false; pattern: string; reason: string };

/** ignorefile.ReadAll: a BOM stripped, `#` lines skipped, each line trimmed and cleaned, a leading `/` dropped. */
export function readIgnoreFile(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const line of lines) {
    const raw = line.endsWith('\r') ? line.slice(0, -1) : line; // bufio.ScanLines drops a CR before the LF
    if (raw.startsWith('#')) continue;
    let pattern = goTrim(raw);
    if (pattern === '') continue;
    const invert = pattern[0] === '!';
    if (invert) pattern = goTrim(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    out.push(invert ? `!${pattern}` : pattern);
  }
  return out;
}

/** patternmatcher.New: empty patterns dropped, the rest cleaned and checked. */
export function compileIgnore(lines: readonly string[]): Compiled {
  const patterns: Pattern[] = [];
  for (const line of lines) {
    let p = goTrim(line);
    if (p === '') continue;
    p = cleanPath(p);
    let exclusion = false;
    if (p[0] === '!') {
      if (p.length === 1) return { ok: false, pattern: line, reason: 'a lone "!" excludes nothing (patternmatcher: illegal exclusion pattern)' };
      exclusion = true;
      p = p.slice(1);
    }
    const bad = globSyntaxError(p);
    if (bad) return { ok: false, pattern: line, reason: bad };
    const compiled = compile(p);
    if ('reason' in compiled) return { ok: false, pattern: line, reason: compiled.reason };
    patterns.push({ text: p, exclusion, ...compiled });
  }
  return {
    ok: true,
    matcher: {
      patterns: patterns.map((p) => (p.exclusion ? `!${p.text}` : p.text)),
      excluded: (file) => matchesOrParentMatches(patterns, file),
    },
  };
}

/** PatternMatcher.MatchesOrParentMatches (a path of "." is never excluded). */
function matchesOrParentMatches(patterns: readonly Pattern[], input: string): boolean {
  const file = cleanPath(input);
  if (file === '.') return false;
  let matched = false;
  const slash = file.lastIndexOf('/');
  const parentPath = slash < 0 ? '.' : slash === 0 ? '/' : file.slice(0, slash);
  const parentDirs = parentPath.split('/');
  for (const pattern of patterns) {
    if (pattern.exclusion !== matched) continue;
    let match = matchOne(pattern, file);
    if (!match && parentPath !== '.') {
      for (let i = 0; i < parentDirs.length; i++) {
        match = matchOne(pattern, parentDirs.slice(0, i + 1).join('/'));
        if (match) break;
      }
    }
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}

function matchOne(p: Pattern, path: string): boolean {
  switch (p.kind) {
    case 'exact':
      return path === p.text;
    case 'prefix':
      return path.startsWith(p.text.slice(0, -2));
    case 'suffix': {
      const suffix = p.text.slice(2);
      return path.endsWith(suffix) || (suffix[0] === '/' && path === suffix.slice(1));
    }
    case 'regexp':
      return matchTokens(p.tokens!, path);
  }
}

const ESCAPED = new Set('.+()|{}$');

/** Pattern.compile, for '/' as the separator. */
function compile(pattern: string): Omit<Pattern, 'text' | 'exclusion'> | { reason: string } {
  let re = '^';
  let kind: Pattern['kind'] = 'exact';
  const chars = [...pattern]; // code points, as Go's scanner reads runes
  let inClass = false;
  let classStart = 0;
  const tokens: Token[] = [];
  /** A character outside brackets matches itself; inside, it is part of the class. */
  const literal = (c: string) => {
    if (!inClass) tokens.push({ t: 'char', c });
  };
  for (let i = 0, n = 0; i < chars.length; n++) {
    const ch = chars[i++]!;
    if (ch === '*' && !inClass) {
      if (chars[i] === '*') {
        i++;
        if (chars[i] === '/') i++;
        if (i >= chars.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            re += '.*';
            kind = 'regexp';
          }
          tokens.push({ t: 'any' });
        } else {
          re += '(.*/)?';
          kind = 'regexp';
          tokens.push({ t: 'dirs' });
        }
        if (n === 0) kind = 'suffix';
      } else {
        re += '[^/]*';
        kind = 'regexp';
        tokens.push({ t: 'star' });
      }
    } else if (ch === '?' && !inClass) {
      re += '[^/]';
      kind = 'regexp';
      tokens.push({ t: 'one' });
    } else if ((ch === '*' || ch === '?') && inClass) {
      return { reason: `"${ch}" inside [...] becomes part of a regular expression in BuildKit's matcher, which bake-matrix cannot reproduce exactly` };
    } else if (ESCAPED.has(ch)) {
      re += `\\${ch}`;
      literal(ch);
    } else if (ch === '\\') {
      if (i < chars.length) {
        const next = chars[i++]!;
        if (/[A-Za-z0-9]/.test(next)) return { reason: `"\\${next}" is read by Go's regular expressions as a class or an error, which bake-matrix cannot reproduce exactly` };
        re += `\\${next}`;
        kind = 'regexp';
        literal(next);
      } else {
        re += '\\\\';
        literal('\\');
      }
    } else if (ch === '[') {
      inClass = true;
      classStart = re.length;
      re += ch;
      kind = 'regexp';
    } else if (ch === ']') {
      re += ch;
      kind = 'regexp';
      if (inClass) {
        inClass = false;
        const one = regexpOf(`^${re.slice(classStart)}$`);
        if (typeof one === 'string') return { reason: `its expression ${re}$ is not one JavaScript reads like Go (${one})` };
        tokens.push({ t: 'class', re: one });
      } else literal(ch);
    } else {
      re += ch;
      literal(ch);
    }
  }
  if (kind !== 'regexp') return { kind };
  // The whole expression is only checked (JavaScript must read it as Go does); matching steps the tokens.
  const whole = regexpOf(`${re}$`);
  if (typeof whole === 'string') return { reason: `its expression ${re}$ is not one JavaScript reads like Go (${whole})` };
  return { kind, tokens };
}

function regexpOf(source: string): RegExp | string {
  try {
    return new RegExp(source, 'u');
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Whether `path` matches the whole expression, run as RE2 runs it: the set of
 * positions in the tokens is carried along the path's code points, so the time
 * is linear in the path times the pattern, whatever the pattern (JavaScript's
 * backtracking engine takes exponential time on `**\/a/**\/a/...` and a deep
 * path). A position k is "before token k"; ~k is "inside the dirs token k,
 * after at least one character", which only a '/' may end.
 */
function matchTokens(tokens: readonly Token[], path: string): boolean {
  const end = tokens.length;
  /** Adds a position and those reachable without a character (star, any and dirs may match nothing). */
  const add = (set: Set<number>, start: number): void => {
    for (let k = start; !set.has(k); k++) {
      set.add(k);
      const t = k < end ? tokens[k]!.t : 'end';
      if (t !== 'star' && t !== 'any' && t !== 'dirs') return;
    }
  };
  let states = new Set<number>();
  add(states, 0);
  for (const ch of path) {
    const next = new Set<number>();
    for (const s of states) {
      if (s < 0) {
        if (ch !== '\n') next.add(s); // '.' is any character but a newline
        if (ch === '/') add(next, ~s + 1);
        continue;
      }
      if (s === end) continue;
      const t = tokens[s]!;
      if (t.t === 'char') {
        if (ch === t.c) add(next, s + 1);
      } else if (t.t === 'one') {
        if (ch !== '/') add(next, s + 1);
      } else if (t.t === 'class') {
        if (t.re.test(ch)) add(next, s + 1);
      } else if (t.t === 'star') {
        if (ch !== '/') add(next, s);
      } else if (t.t === 'any') {
        if (ch !== '\n') add(next, s);
      } else {
        if (ch !== '\n') next.add(~s);
        if (ch === '/') add(next, s + 1);
      }
    }
    if (next.size === 0) return false;
    states = next;
  }
  return states.has(end);
}

/** filepath.Match's syntax check (Unix): ErrBadPattern for a malformed [...] or a trailing backslash. */
function globSyntaxError(pattern: string): string | undefined {
  const chars = [...pattern];
  const bad = 'syntax error in pattern (Go: filepath.ErrBadPattern)';
  let i = 0;
  const esc = (): boolean => {
    // getEsc: a range end, neither "-" nor "]" unescaped; "\" escapes the next
    const c = chars[i];
    if (c === undefined || c === '-' || c === ']') return false;
    if (c === '\\') {
      i++;
      if (chars[i] === undefined) return false;
    }
    i++;
    return true;
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '\\') {
      if (i + 1 >= chars.length) return bad;
      i += 2;
    } else if (c === '[') {
      i++;
      if (chars[i] === '^') i++;
      let ranges = 0;
      for (;;) {
        if (i >= chars.length) return bad;
        if (chars[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        if (!esc()) return bad;
        if (chars[i] === '-') {
          i++;
          if (!esc()) return bad;
        }
        ranges++;
      }
    } else i++;
  }
  return undefined;
}

const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const GO_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'gu');

/** strings.TrimSpace (Unicode's White_Space, which is not JavaScript's \s: no BOM, but U+0085). */
function goTrim(s: string): string {
  return s.replace(GO_SPACE, '');
}

/** filepath.Clean for '/': `.` and `..` resolved lexically, no trailing or doubled slash; "" is ".". */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path[0] === '/';
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}
