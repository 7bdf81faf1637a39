// How many stages, and how long a `from` chain: counted on the files as
// loaded, before validation, whose checks walk the chains (every target binds
// each stage above it, so a chain of n stages is n²/2 bindings).
import { pointerOf, type Problem } from '../problems/problem.ts';
import { limitExceeded, type Limits } from './limits.ts';
import type { SourceFile } from './source-file.ts';

interface Written {
  key: string;
  from?: string;
  file: string;
}

export function stageLimitProblems(files: readonly SourceFile[], limits: Limits): Problem[] {
  const stages = new Map<string, Written>();
  for (const file of files) {
    const written = (file.data as { stages?: unknown } | null)?.stages;
    if (!written || typeof written !== 'object' || Array.isArray(written)) continue;
    for (const [key, stage] of Object.entries(written)) {
      const from = (stage as { from?: unknown } | null)?.from;
      if (!stages.has(key)) stages.set(key, { key, file: file.path, ...(typeof from === 'string' ? { from } : {}) });
    }
  }
  if (stages.size > limits.stages) {
    const last = [...stages.values()][limits.stages]!;
    return [limitExceeded('stages', limits, `this is stage number ${limits.stages + 1} of ${stages.size.toLocaleString('en-US')}`, { file: last.file, pointer: pointerOf(['stages', last.key]), atKey: true })];
  }
  // Chain lengths, with a guard against cycles (reported by validation).
  const length = new Map<string, number>();
  const lengthOf = (start: Written): number => {
    const path: Written[] = [];
    const seen = new Set<string>();
    let s: Written | undefined = start;
    while (s && !length.has(s.key) && !seen.has(s.key)) {
      seen.add(s.key);
      path.push(s);
      s = s.from ? stages.get(s.from) : undefined;
    }
    let n = s && length.has(s.key) ? length.get(s.key)! : 0;
    for (let i = path.length - 1; i >= 0; i--) length.set(path[i]!.key, ++n);
    return length.get(start.key)!;
  };
  for (const s of stages.values()) {
    const n = lengthOf(s);
    if (n > limits.chain) {
      return [limitExceeded('chain', limits, `stage "${s.key}" is stage ${n} of its chain`, { file: s.file, pointer: pointerOf(['stages', s.key, 'from']) })];
    }
  }
  return [];
}

