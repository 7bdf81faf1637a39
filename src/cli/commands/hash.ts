// `bake-matrix hash [names] [--json] [--explain]`: each target's input digest
// (src/inputs/input-digests.ts), its content tag, and with --explain what went
// in, so a user can see why an image would rebuild.
import { contentTagOf, bakeValues, contentTemplatesOf } from '../../inputs/content-tags.ts';
import { inputDigests, type InputDigest } from '../../inputs/input-digests.ts';
import type { ContextDigest } from '../../inputs/context-files.ts';
import { error } from '../../problems/problem.ts';
import { formatProblems, problemsAsJson } from '../../problems/format.ts';
import { lookupRunner, pinBases } from '../../run/skip-built.ts';
import { knownNames, selectTargets } from '../../run/select-targets.ts';
import { didYouMean } from '../../problems/suggest.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, parseOptions } from '../options.ts';
import { help } from '../help.ts';
import { generateOrThrow, withWarnings } from '../pipeline.ts';
import { reportProblems } from '../reported-error.ts';

const HASH_OPTIONS = { matrix: COMMON_OPTIONS.matrix, json: COMMON_OPTIONS.json, help: COMMON_OPTIONS.help, explain: { type: 'boolean', default: false }, files: { type: 'boolean', default: false }, 'pin-bases': { type: 'boolean', default: false } } as const;

const HELP = `The input digest of a target is a sha256 of everything that decides its image: its
definition after inherits (context and Dockerfile paths, target stage, args, platforms,
secret ids but never their values, named contexts) at this run's variable values (an
environment variable of a bake variable's name wins, as in bake), the lines before the
first FROM and the stages its target stage reaches, the files of its context that BuildKit
would send (the .dockerignore applied as BuildKit applies it), and the digests of the
targets it links. Tags, labels, cache and output do not enter: they do not change what is
built. A base image named by tag enters as written.

The content tag is <repository of the first tag>:inputs-<first 12 hex digits>, or the
first tag entry of the stage that uses {inputs} or {inputs|short}: what \`run
--skip-built\` pushes and looks for. Targets without tags have none.
`;

export const hashCommand: Command = {
  name: 'hash',
  summary: 'Print the input digest (and content tag) of targets: what decides their image, for --skip-built',
  usage: 'bake-matrix hash [<target|group>...] [--explain [--files]] [--pin-bases] [--json] [--matrix PATH]',
  options: HASH_OPTIONS,
  optionHelp: {
    explain: { text: 'show what went into each digest: definition, Dockerfile stages, context files, linked digests' },
    files: { text: 'with --explain: list every context file that went in' },
  },
  examples: ['bake-matrix hash vllm-cu129', 'bake-matrix hash vllm-cu129-runtime --explain', 'bake-matrix hash default --json'],
  details: HELP,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, HASH_OPTIONS, this.usage, true);
    if (values.help) return help(this, io);
    const generated = generateOrThrow(values.matrix, io, values.json);
    const bake = generated.plan.bake;
    const selection = selectTargets(bake, positionals);
    if (selection.unknown.length) {
      const known = knownNames(bake);
      throw reportProblems(selection.unknown.map((n) => error('unknown-name', `"${n}" is no target or group of the bake file.${didYouMean(n, known)}`, { hint: '`bake-matrix list` shows the targets and groups.' })), [], io, values.json);
    }
    const names = selection.targets.map((t) => t.name);
    let pinned: Map<string, string> | undefined;
    const contextCache = new Map<string, ContextDigest>();
    if (values['pin-bases']) {
      const runner = await lookupRunner(io.env, generated.matrix.root);
      if (!runner.ok) throw reportProblems(runner.problems, [], io, values.json);
      const found = await pinBases(bake, names, { root: generated.matrix.root, env: io.env, keepLines: values.files, contextCache }, runner.value);
      if (!found.ok) throw reportProblems(found.problems, generated.files, io, values.json);
      pinned = found.value;
    }
    const digests = inputDigests(bake, names, { root: generated.matrix.root, env: io.env, keepLines: values.files, contextCache, ...(pinned ? { pinned } : {}) });
    if (!digests.ok) throw reportProblems(digests.problems, generated.files, io, values.json);
    const vars = bakeValues(bake, io.env);
    const templates = contentTemplatesOf(generated.plan);
    const rows = names.map((name) => {
      const d = digests.value.get(name)!;
      const tag = contentTagOf(bake, name, digests.value, vars, { templates, env: io.env });
      return { name, digest: d, contentTag: tag.ok ? tag.tag : undefined, contentTags: tag.ok && tag.tags.length > 1 ? tag.tags : undefined };
    });
    if (values.json) {
      const json = rows.map(({ name, digest, contentTag, contentTags }) => ({ name, digest: digest.digest, ...(contentTag ? { contentTag } : {}), ...(contentTags ? { contentTags } : {}), ...(values.explain ? { inputs: explained(digest) } : {}) }));
      const result = withWarnings({ targets: json }, generated);
      const warnings = [...(result.warnings ?? []), ...problemsAsJson(digests.warnings, [])];
      io.stdout(JSON.stringify(warnings.length ? { ...result, warnings } : result, null, 2) + '\n');
      return EXIT.ok;
    }
    const width = Math.max(...rows.map((r) => r.name.length));
    const out: string[] = [];
    for (const { name, digest, contentTag } of rows) {
      out.push(`${name.padEnd(width)}  ${digest.digest}${contentTag ? `  ${contentTag}` : ''}`);
      if (values.explain) {
        const e = explained(digest);
        out.push(`  definition  ${JSON.stringify(e.definition)}`);
        out.push(`  dockerfile  ${e.dockerfile.path} ${e.dockerfile.digest} (stages ${e.dockerfile.stages.join(', ')}; and the lines before the first FROM)`);
        out.push(`  context     ${e.context.path}${e.context.ignoreFile ? ` less ${e.context.ignoreFile}` : ''}: ${e.context.files} files, ${e.context.bytes} bytes, ${e.context.digest}`);
        for (const line of digest.context.lines ?? []) out.push(`    ${line}`);
        if (digest.bases.length) out.push(`  bases       ${digest.bases.map((b) => (pinned ? `${b}@${pinned.get(b) ?? 'not found'}` : b)).join(', ')}${pinned ? '' : ' (as written: --pin-bases looks them up)'}`);
        for (const [key, value] of Object.entries(e.contexts)) out.push(`  context ${key}: ${value}${value.startsWith('target:') ? ` (${linkedName(digests.value, value.slice(7))})` : ''}`);
      }
    }
    io.stdout(out.join('\n') + '\n');
    if (digests.warnings.length) io.stderr(formatProblems(digests.warnings, []));
    return EXIT.ok;
  },
};

function explained(d: InputDigest) {
  const { lines: _lines, ...context } = d.context;
  return { definition: d.definition, dockerfile: d.dockerfile, context, contexts: d.contexts };
}

function linkedName(digests: ReadonlyMap<string, InputDigest>, digest: string): string {
  for (const [name, d] of digests) if (d.digest === digest) return name;
  return '?';
}
