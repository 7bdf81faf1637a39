// Limits on what the tool accepts, so that no input can make it run for
// minutes or use gigabytes before it says why. Each limit has a default that
// is far above any real matrix (100 000 targets fit) and an environment
// variable that raises it. An exceeded limit is a user error (exit 2) at the
// place that exceeds it, naming the limit and that variable.
import { error, type Problem } from '../problems/problem.ts';

export interface Limits {
  /** Bytes of one matrix file. */
  fileSize: number;
  /** Bytes of all matrix files together. */
  totalSize: number;
  /** Levels of nested mappings and lists. */
  depth: number;
  /** Characters of one key or value. */
  valueLength: number;
  /** Nodes that YAML aliases (`*name`) of one file expand to. */
  aliases: number;
  /** Combinations of axis values summed over stages and layers, before exclude rules. */
  cells: number;
  /** Generated targets (stage and layer targets). */
  targets: number;
  /** Combinations times the exclude, include and override rules checked against them. */
  ruleChecks: number;
  /** Stages in one `from` chain (each target binds every stage above it). */
  chain: number;
  /** Stages of the matrix. */
  stages: number;
  /** Characters rendered from templates across the whole plan ({arg:NAME} and tables included). */
  renderWork: number;
  /** Templates in one chain of `{arg:NAME}` and table entries that read each other. */
  templateChain: number;
  /** Bytes of a bake file a command reads (`diff`). */
  bakeFileSize: number;
  /** Bytes of one Dockerfile the checks read. */
  dockerfileSize: number;
}

interface LimitSpec {
  key: keyof Limits;
  env: string;
  what: string;
  unit: 'bytes' | 'count';
  /** What a count counts, after the number: "levels". */
  counts?: string;
  default: number;
}

const MiB = 1024 * 1024;
/** The benchmark's 100 000-target matrix renders 10.5 million characters; rendering and what follows it take about 85 ns a character. */
const RENDER_WORK = 50_000_000;

export const LIMIT_SPECS: readonly LimitSpec[] = [
  { key: 'fileSize', env: 'BAKE_MATRIX_MAX_FILE_SIZE', what: 'size of one matrix file', unit: 'bytes', default: MiB },
  { key: 'totalSize', env: 'BAKE_MATRIX_MAX_TOTAL_SIZE', what: 'size of all matrix files together', unit: 'bytes', default: 2 * MiB },
  { key: 'depth', env: 'BAKE_MATRIX_MAX_DEPTH', what: 'nesting of mappings and lists', unit: 'count', counts: 'levels', default: 64 },
  { key: 'valueLength', env: 'BAKE_MATRIX_MAX_VALUE_LENGTH', what: 'length of one key or value', unit: 'count', counts: 'characters', default: 65_536 },
  { key: 'aliases', env: 'BAKE_MATRIX_MAX_ALIAS_NODES', what: 'expansion of repeated values in one file (YAML aliases *name, TypeScript consts used again)', unit: 'count', counts: 'nodes', default: 10_000 },
  { key: 'cells', env: 'BAKE_MATRIX_MAX_CELLS', what: 'number of axis-value combinations (of every stage and layer, before exclude rules)', unit: 'count', counts: 'combinations', default: 1_000_000 },
  { key: 'targets', env: 'BAKE_MATRIX_MAX_TARGETS', what: 'number of generated targets', unit: 'count', counts: 'targets', default: 120_000 },
  { key: 'ruleChecks', env: 'BAKE_MATRIX_MAX_RULE_CHECKS', what: 'number of rule checks (combinations times exclude, include and override rules)', unit: 'count', counts: 'checks', default: 50_000_000 },
  { key: 'stages', env: 'BAKE_MATRIX_MAX_STAGES', what: 'number of stages', unit: 'count', counts: 'stages', default: 1_000 },
  { key: 'chain', env: 'BAKE_MATRIX_MAX_CHAIN', what: 'length of a `from` chain of stages', unit: 'count', counts: 'stages', default: 64 },
  { key: 'renderWork', env: 'BAKE_MATRIX_MAX_RENDER_WORK', what: 'text rendered from templates (args, labels, tags, names and cache refs of every target)', unit: 'count', counts: 'characters', default: RENDER_WORK },
  { key: 'bakeFileSize', env: 'BAKE_MATRIX_MAX_BAKE_FILE_SIZE', what: 'size of a bake file read by a command (diff, check)', unit: 'bytes', default: 256 * MiB },
  { key: 'dockerfileSize', env: 'BAKE_MATRIX_MAX_DOCKERFILE_SIZE', what: 'size of one Dockerfile', unit: 'bytes', default: 4 * MiB },
  { key: 'templateChain', env: 'BAKE_MATRIX_MAX_TEMPLATE_CHAIN', what: 'length of a chain of templates that read each other ({arg:NAME}, table entries)', unit: 'count', counts: 'templates', default: 256 },
];

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze(Object.fromEntries(LIMIT_SPECS.map((s) => [s.key, s.default])) as unknown as Limits);

const specOf = (key: keyof Limits): LimitSpec => LIMIT_SPECS.find((s) => s.key === key)!;

/** The limits, with each one the environment raises (or lowers); a malformed value is a usage error. */
export function limitsFrom(env: NodeJS.ProcessEnv): { limits: Limits; problems: Problem[] } {
  const limits: Limits = { ...DEFAULT_LIMITS };
  const problems: Problem[] = [];
  for (const spec of LIMIT_SPECS) {
    const raw = env[spec.env];
    if (raw === undefined || raw === '') continue;
    const value = parseAmount(raw);
    if (value === undefined) {
      problems.push(error('usage', `${spec.env}="${raw}" is not a positive whole number${spec.unit === 'bytes' ? ' of bytes (a K, M or G suffix is allowed)' : ''}.`, { hint: `It sets the limit on the ${spec.what} (default ${formatAmount(spec.default, spec.unit)}).` }));
    } else limits[spec.key] = value;
  }
  return { limits, problems };
}

function parseAmount(raw: string): number | undefined {
  const m = /^\s*(\d{1,15})\s*([kmg]i?b?)?\s*$/i.exec(raw);
  if (!m) return undefined;
  const factor = { k: 1024, m: MiB, g: 1024 * MiB }[(m[2] ?? '').charAt(0).toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  const value = Number(m[1]) * factor;
  return value > 0 && Number.isSafeInteger(value) ? value : undefined;
}

export function formatAmount(value: number, unit: 'bytes' | 'count'): string {
  if (unit === 'count') return value.toLocaleString('en-US');
  const exact = value % 1024 === 0 ? '' : ` (${value.toLocaleString('en-US')} bytes)`;
  if (value >= MiB) return `${+(value / MiB).toFixed(2)} MiB${value % MiB === 0 ? '' : exact}`;
  if (value >= 1024) return `${+(value / 1024).toFixed(2)} KiB${exact}`;
  return `${value} bytes`;
}

/**
 * The problem for an exceeded limit: `found` says what was found ("this file is 5.2 MiB"),
 * `where` the file and pointer or position it is at.
 */
export function limitExceeded(key: keyof Limits, limits: Limits, found: string, where: Partial<Problem>): Problem {
  return error('limit-exceeded', `${limitReason(key, limits, found).replace(/^t/, 'T')}.`, { ...where, hint: raiseHint(key, limits) });
}

/** "the <limit> is limited to <amount>; <found>", for a message that says more around it. */
export function limitReason(key: keyof Limits, limits: Limits, found: string): string {
  const spec = specOf(key);
  return `the ${spec.what} is limited to ${formatAmount(limits[key], spec.unit)}${spec.counts ? ` ${spec.counts}` : ''}; ${found}`;
}

/** How to raise the limit: the variable and a value four times the current one. */
export function raiseHint(key: keyof Limits, limits: Limits): string {
  const spec = specOf(key);
  return `If this is intended, raise the limit: ${spec.env}=${suggestRaise(limits[key], spec.unit)} bake-matrix ... (see "Limits" in docs/errors.md).`;
}

function suggestRaise(limit: number, unit: 'bytes' | 'count'): string {
  const raised = limit * 4;
  if (unit === 'bytes' && raised % MiB === 0) return `${raised / MiB}M`;
  return unit === 'bytes' && raised % 1024 === 0 ? `${raised / 1024}K` : String(raised);
}
