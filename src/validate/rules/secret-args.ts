// Secrets do not belong in build args: args are stored in the image (its
// history and config) and in the build cache. Flags arg names that say
// secret and values of any arg, label or variable that look like credentials;
// tuned to keep false positives low (TOKENIZERS_PARALLELISM,
// MAX_NUM_BATCHED_TOKENS, HF_HUB_ENABLE_HF_TRANSFER=1 are fine).
import { error, type Problem } from '../../problems/problem.ts';
import type { Matrix, Origin, Settings, Template } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

/** Words of an arg name that mean it holds a secret. */
const SECRET_WORDS = new Set(['token', 'password', 'passwd', 'passphrase', 'secret', 'secrets', 'credential', 'credentials', 'creds', 'apikey', 'privatekey', 'authtoken', 'pat']);
/** `<word>_key` names that hold a key, not a key id. */
const KEY_KINDS = new Set(['api', 'private', 'access', 'secret', 'signing', 'ssh', 'deploy', 'encryption', 'master', 'license']);
/** Words that make a secret-sounding name about something else: a count, a path, a switch, a name. */
const NOT_A_VALUE = new Set(['max', 'min', 'num', 'count', 'limit', 'len', 'length', 'size', 'budget', 'per', 'window', 'file', 'path', 'dir', 'id', 'name', 'url', 'endpoint', 'type', 'env', 'header', 'enable', 'enabled', 'disable', 'disabled', 'use', 'mount', 'required']);
const SWITCH = /^(true|false|yes|no|on|off|0|1|)$/i;

// Searched anywhere in a value (a token after a space or inside a URL counts).
// Every quantifier is bounded, so each pattern costs a bounded amount of work
// per position: linear in the value's length, whatever the value (a 64 KiB
// value of `ghp_ghp_...` or `a://a://...` included).
const VALUE_PATTERNS: { what: string; pattern: RegExp }[] = [
  { what: 'a private key', pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----/ },
  { what: 'a GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{30}|github_pat_[A-Za-z0-9_]{40})/ },
  { what: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20}/ },
  { what: 'an AWS access key', pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { what: 'a Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30}/ },
  { what: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10}/ },
  { what: 'an API key', pattern: /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{32}/ },
  { what: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a JSON web token', pattern: /\beyJ[A-Za-z0-9_-]{10,512}\.eyJ[A-Za-z0-9_-]{10,8192}\.[A-Za-z0-9_-]{10}/ },
  { what: 'a URL with a password', pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]{1,256}:[^/\s@]{1,256}@/i },
];
/** Names of args whose long hex value is a checksum, commit or id, not a secret. */
const HEX_IS_FINE = /sha|commit|digest|hash|checksum|sum$|rev|ref|md5|(^|_)id$|version|uuid|fingerprint|gpg/i;

/** Why `name`, as an arg name, says it holds a secret; undefined when it does not. */
export function secretName(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => NOT_A_VALUE.has(w))) return undefined;
  const word = words.find((w) => SECRET_WORDS.has(w));
  if (word) return `its name says "${word}"`;
  const i = words.findIndex((w, j) => w === 'key' && j > 0 && KEY_KINDS.has(words[j - 1]!));
  return i > 0 ? `its name says "${words[i - 1]}_key"` : undefined;
}

/** What `value` looks like when it looks like a credential; undefined otherwise. Linear in the value's length. */
export function secretValue(value: string, name = ''): string | undefined {
  for (const { what, pattern } of VALUE_PATTERNS) if (pattern.test(value)) return what;
  // A long key as a whole word: the value itself, or one word of it (`--token KEY`, `Bearer KEY`, `TOKEN=KEY`).
  for (const word of value.split(/[\s'"=,;]+/)) {
    const looks = keyLike(word, name);
    if (looks) return looks;
  }
  return undefined;
}

function keyLike(word: string, name: string): string | undefined {
  if (word.length < 32) return undefined;
  if (/^[0-9a-fA-F]+$/.test(word)) return word.length === 40 || word.length === 64 || HEX_IS_FINE.test(name) ? undefined : 'a long hex key';
  const base64 = word.length >= 40 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(word) && /[A-Z]/.test(word) && /[a-z]/.test(word) && /[0-9]/.test(word) && !word.startsWith('/');
  return base64 && !HEX_IS_FINE.test(name) ? 'a long base64 key' : undefined;
}

const HINT_FIX = (name: string) => {
  const id = name.toLowerCase();
  return `Pass it as a build secret instead: remove it from args, declare it under the matrix's \`secrets:\` (\`- { id: ${id}, env: ${name} }\`, emitted as bake \`secret\`; bake reads ${name} from the environment when it runs) and read it in the Dockerfile with \`RUN --mount=type=secret,id=${id},env=${name} ...\`, which keeps it out of the image.`;
};

function argProblems(settings: Settings): Problem[] {
  const problems: Problem[] = [];
  for (const [name, t] of Object.entries(settings)) {
    const byValue = secretValue(t.text, name);
    const byName = byValue ? undefined : SWITCH.test(t.text.trim()) ? undefined : secretName(name);
    if (!byValue && !byName) continue;
    problems.push(
      error('secret-in-args', `The arg "${name}" looks like a secret (${byValue ? `its value looks like ${byValue}` : byName}). Build args are stored in the image: anyone who can pull it reads them with \`docker history\` or from the image config, and they land in the build cache.`, {
        file: t.origin.file,
        pointer: t.origin.pointer,
        atKey: !byValue,
        hint: HINT_FIX(name) + (byValue ? ' Revoke this credential: it is written in the matrix, so it is in your git history.' : ' If it is not a secret, rename it.'),
      }),
    );
  }
  return problems;
}

/** `what`: the kind of value ("label"), or how to name one from its key. */
function valueProblems(settings: Settings, what: string | ((name: string) => string), where?: string): Problem[] {
  return Object.entries(settings).flatMap(([name, t]) => {
    const looks = secretValue(t.text, name);
    const named = typeof what === 'string' ? `The ${what} "${name}"` : what(name);
    return looks ? [leak(`${named} looks like ${looks}`, t.origin, where)] : [];
  });
}

function leak(message: string, origin: Origin, where = 'Labels are stored in the image config for anyone who can pull it.'): Problem {
  return error('secret-in-matrix', `${message}. ${where}`, {
    file: origin.file,
    pointer: origin.pointer,
    hint: 'Remove it from the matrix and revoke it: it is in your git history. Pass credentials to the build as a bake `secret` and mount them with `RUN --mount=type=secret`.',
  });
}

const INTO_BAKE_FILE = 'What a template uses is written into the generated bake file, which is committed, and usually into the image.';

const isTemplate = (cell: Template | Record<string, Template>): cell is Template => typeof (cell as Template).text === 'string';

function allArgs(m: Matrix): Settings[] {
  return [
    m.args,
    ...m.axes.flatMap((a) => a.values.map((v) => v.args)),
    ...m.overrides.map((o) => o.args),
    ...m.stages.flatMap((s) => [s.args, ...s.layers.map((l) => l.args)]),
  ];
}

function allLabels(m: Matrix): Settings[] {
  return [m.labels, ...m.axes.flatMap((a) => a.values.map((v) => v.labels)), ...m.overrides.map((o) => o.labels), ...m.stages.map((s) => s.labels)];
}

export const secretArgs: Rule = (m) => [
  ...allArgs(m).flatMap(argProblems),
  ...allLabels(m).flatMap((l) => valueProblems(l, 'label')),
  // Values that reach the bake file through a template, or that bake reads from a URL.
  ...m.axes.flatMap((a) => a.values.flatMap((v) => valueProblems(v.vars, (name) => `The attribute "${name}" of ${a.name} "${v.name}"`, INTO_BAKE_FILE))),
  ...m.tables.flatMap((t) => [...t.entries.values()].flatMap((e) => valueProblems(isTemplate(e.cell) ? { [t.name]: e.cell } : e.cell, (name) => `The entry${name === t.name ? '' : ` "${name}"`} of the table "${t.name}" for ${Object.entries(e.values).map(([k, v]) => `${k}=${v}`).join(', ')}`, INTO_BAKE_FILE))),
  ...m.stages.flatMap((s) => valueProblems(s.contexts, 'named context', 'Named contexts are written into the generated bake file, which is committed.')),
  ...m.variables.flatMap((v) => {
    const looks = secretValue(v.default, v.key);
    const at = { file: v.origin.file, pointer: `${v.origin.pointer}/default` }; // falls back to the key for the short form
    return looks ? [leak(`The default of the variable "${v.key}" looks like ${looks}`, at, 'Variable defaults are written into the generated bake file, which is committed.')] : [];
  }),
];
