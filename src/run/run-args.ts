// `run`'s command line: our own options, the target/group names, and the
// `docker buildx bake` flags that pass through unchanged. To tell a flag's
// value from a target name we must know which buildx flags take a value:
// the table below is read from buildx's commands/bake.go (flags of `bake`,
// its commonBuildFlags and the root's persistent flags), per release.
import { UserError, error, type Problem } from '../problems/problem.ts';
import { suggest } from '../problems/suggest.ts';

export interface BuildxFlag {
  name: string;
  short?: string;
  /** `optional`: a value only as `--flag=value` (pflag's NoOptDefVal). */
  value: 'required' | 'none' | 'optional';
  /** The first buildx release whose `bake` knows the flag. */
  since: string;
}

export const BAKE_FLAGS: readonly BuildxFlag[] = [
  { name: 'file', short: 'f', value: 'required', since: '0.2.0' },
  { name: 'set', value: 'required', since: '0.2.0' },
  { name: 'print', value: 'none', since: '0.2.0' },
  { name: 'push', value: 'none', since: '0.4.0' },
  { name: 'load', value: 'none', since: '0.4.0' },
  { name: 'builder', value: 'required', since: '0.2.0' },
  { name: 'no-cache', value: 'none', since: '0.2.0' },
  { name: 'pull', value: 'none', since: '0.2.0' },
  { name: 'progress', value: 'required', since: '0.2.0' },
  { name: 'metadata-file', value: 'required', since: '0.6.0' },
  { name: 'sbom', value: 'required', since: '0.10.0' },
  { name: 'provenance', value: 'required', since: '0.10.0' },
  { name: 'debug', short: 'D', value: 'none', since: '0.11.0' },
  { name: 'call', value: 'required', since: '0.16.0' },
  { name: 'check', value: 'optional', since: '0.16.0' },
  { name: 'list-targets', value: 'none', since: '0.16.0' },
  { name: 'list-variables', value: 'none', since: '0.16.0' },
  { name: 'allow', value: 'required', since: '0.17.0' },
  { name: 'list', value: 'required', since: '0.20.0' },
  { name: 'var', value: 'required', since: '0.31.0' },
  { name: 'policy', value: 'required', since: '0.34.0' },
];

/** One buildx flag as given: `raw` are the tokens exactly as typed. */
export interface PassedFlag {
  name: string;
  value?: string;
  raw: string[];
  /** Not in BAKE_FLAGS: passed through as typed, assumed to take no separate value. */
  unknown?: boolean;
}

export interface RunArgs {
  /** `--matrix`, when given. */
  matrix?: string;
  /** Default: `bake` in the project root. */
  out?: string;
  dryRun: boolean;
  /** --full-file: hand buildx the whole generated file rather than the closure of the names. */
  fullFile: boolean;
  /** --keep-links: hand buildx every linked target as a build of its own (run/inline-links.ts). */
  keepLinks: boolean;
  /** --skip-built: leave out the images whose content tag exists; tag and label what is built. */
  skipBuilt: boolean;
  /** --pin-bases (with --skip-built): base images enter the digests at their current digest. */
  pinBases: boolean;
  json: boolean;
  help: boolean;
  names: string[];
  /** Every buildx flag, in the order given; `-f` files included. */
  flags: PassedFlag[];
}

/** bake-matrix's own options of `run` (the rest pass through to buildx); `--help` lists them from here. */
export const RUN_OPTIONS = {
  matrix: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'full-file': { type: 'boolean' },
  'keep-links': { type: 'boolean' },
  'skip-built': { type: 'boolean' },
  'pin-bases': { type: 'boolean' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const ownOf = (type: 'string' | 'boolean') => new Set(Object.entries(RUN_OPTIONS).flatMap(([name, o]) => (o.type === type ? [name] : [])));
export const OWN_VALUE = ownOf('string');
export const OWN_BOOLEAN = ownOf('boolean');

export function parseRunArgs(args: readonly string[], usage: string): RunArgs {
  const out: RunArgs = { dryRun: false, fullFile: false, keepLinks: false, skipBuilt: false, pinBases: false, json: false, help: false, names: [], flags: [] };
  const fail = (message: string): never => {
    throw new UserError([error('usage', message, { hint: `Usage: ${usage}` })]);
  };
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      out.names.push(...args.slice(i + 1));
      break;
    }
    if (token === '-h') {
      out.help = true;
      continue;
    }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(token);
    const short = long ? undefined : /^-([A-Za-z])(.*)$/s.exec(token);
    if (!long && !short) {
      out.names.push(token);
      continue;
    }
    const inline = long ? long[2] : short![2] || undefined;
    const flag = long ? BAKE_FLAGS.find((f) => f.name === long[1]) : BAKE_FLAGS.find((f) => f.short === short![1]);
    const name = long ? long[1]! : flag?.name ?? short![1]!;
    const next = (): string => {
      const value = args[i + 1];
      if (value === undefined) fail(`The option ${token} needs a value.`);
      i++;
      return value!;
    };
    if (long && OWN_VALUE.has(name)) {
      const value = inline ?? next();
      if (name === 'matrix') out.matrix = value;
      else out.out = value;
      continue;
    }
    if (long && OWN_BOOLEAN.has(name)) {
      if (inline !== undefined) fail(`The option --${name} takes no value (got "${token}").`);
      if (name === 'dry-run') out.dryRun = true;
      else if (name === 'full-file') out.fullFile = true;
      else if (name === 'keep-links') out.keepLinks = true;
      else if (name === 'skip-built') out.skipBuilt = true;
      else if (name === 'pin-bases') out.pinBases = true;
      else if (name === 'json') out.json = true;
      else out.help = true;
      continue;
    }
    if (!flag) {
      out.flags.push({ name, ...(inline !== undefined ? { value: inline } : {}), raw: [token], unknown: true });
      continue;
    }
    if (flag.value === 'required') {
      if (inline !== undefined) out.flags.push({ name, value: inline, raw: [token] });
      else out.flags.push({ name, value: next(), raw: [token, args[i]!] });
    } else {
      if (inline !== undefined && flag.value === 'none' && short) fail(`The buildx option -${flag.short} takes no value (got "${token}").`);
      out.flags.push({ name, ...(inline !== undefined ? { value: inline } : {}), raw: [token] });
    }
  }
  return out;
}

export function flagValues(args: RunArgs, name: string): string[] {
  return args.flags.filter((f) => f.name === name && f.value !== undefined).map((f) => f.value!);
}

/** Whether a boolean buildx flag is on (`--push`, `--push=true`, but not `--push=false`). */
export function flagOn(args: RunArgs, name: string): boolean {
  const last = args.flags.filter((f) => f.name === name).at(-1);
  return last !== undefined && (last.value === undefined || /^(1|t|true)$/i.test(last.value));
}

/** The first unknown flag that looks like a typo of a known one (bake-matrix's or buildx's), as a problem. */
export function closeToKnownFlag(flags: readonly PassedFlag[]): Problem | undefined {
  const known = [...OWN_VALUE, ...OWN_BOOLEAN, ...BAKE_FLAGS.map((f) => f.name)];
  for (const flag of flags) {
    if (!flag.unknown || flag.name.length < 3) continue;
    const close = suggest(flag.name, known, 2).filter((c) => c !== flag.name);
    if (close.length === 0) continue;
    return error('unknown-option', `Unknown option ${flag.raw[0]}: neither bake-matrix nor \`docker buildx bake\` has it. Did you mean ${close.map((c) => `--${c}`).join(' or ')}?`, {
      hint: 'Flags bake-matrix does not know pass through to buildx; this one would make buildx fail. `bake-matrix run --help` lists the options.',
      suggestions: close.map((c) => `--${c}`),
    });
  }
  return undefined;
}
