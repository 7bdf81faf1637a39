// `bake-matrix manifest <names> --metadata <file|dir>...`: after the
// per-platform builds, create each image's multi-platform manifest list under
// its final tags (docker buildx imagetools create), as a runbook: read the
// digests, plan every manifest and report every missing platform before
// anything runs, show each command, run it, summarise.
import type { ContextDigest } from '../../inputs/context-files.ts';
import { manifestPlatform } from '../../plan/shared-tags.ts';
import { imagetoolsArgs, MANIFEST_SCOPES, planManifests, runtimeValues, type Manifest, type ManifestSkips, type NotMade } from '../../manifest/plan-manifests.ts';
import { resolveNames } from '../../ci/resolve-names.ts';
import { bakeValues, contentTagOf, contentTemplatesOf } from '../../inputs/content-tags.ts';
import { inputDigests } from '../../inputs/input-digests.ts';
import { lookupImages, lookupRunner, pinBases } from '../../run/skip-built.ts';
import type { Plan } from '../../plan/index.ts';
import type { Io } from '../io.ts';
import { formatProblems, problemsAsJson } from '../../problems/format.ts';
import { readDigests } from '../../manifest/read-digests.ts';
import { error } from '../../problems/problem.ts';
import { shellQuote } from '../../run/build-command.ts';
import { checkDocker } from '../../run/preflight.ts';
import { createRunner, findOnPath } from '../../run/runner.ts';
import { appendStepSummary } from '../../run/step-summary.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, parseChoice, parseOptions } from '../options.ts';
import { help } from '../help.ts';
import { generateOrThrow, withWarnings } from '../pipeline.ts';
import { reportProblems } from '../reported-error.ts';

const HELP = `Needs \`ci:\` in the matrix. Reads the digest of each per-platform image from the
--metadata-file of its build (\`containerimage.digest\`, \`image.name\`): pass the files, or
folders holding them (searched for *.json). For each tagged image of the names (default:
\`default\`) it runs

  docker buildx imagetools create -t <tag> [-t <tag>...] <repo>@<digest of each platform>

and one such command per tag declared \`shared: true\`, from the digests of every image that
carries it. The tags are computed as bake computes them: run-time variables from the
environment (REGISTRY, VERSION, RELEASE_VERSION, ...), set them as for the build jobs; a
tag with \`if:\` is left out while its variable is empty.

Paths (--matrix, --metadata, --metadata-file) may be absolute (\$RUNNER_TEMP/metadata) or
relative to the working directory.

Every source is <the image's own repository>@sha256:<64 hex>: the repository of its first
tag under the run-time variables of this run (where its per-platform builds pushed), and the
digest from the metadata. The metadata files come from other CI jobs: only regular files are
read (at most 32 MiB, JSON nested at most 64 deep), each \`containerimage.digest\` must be
sha256:<64 lower-case hex> and each \`image.name\` an image reference of that repository.

Everything is checked before anything runs: every image platform without a digest, every
tag that is not an image reference, every shared tag that would leave out an image carrying
it or hold two images of one platform. By default (--scope all) one such problem makes
nothing. --scope group makes the manifests of every name given (group or target) that holds
no problem; --scope tag makes every manifest list that has none (an image's, or one shared
tag's). Either way the problems are printed first, the manifests left out are named in the
summary, and the command exits 2 once the others are made. A problem with the input as a
whole (an unreadable metadata file, an unknown name) still makes nothing.

Exit 0 when every manifest list was created, 1 when one failed (and none was left out), 2 on
missing input or when a manifest list was left out for a problem.
`;

const MANIFEST_OPTIONS = { matrix: COMMON_OPTIONS.matrix, json: COMMON_OPTIONS.json, help: COMMON_OPTIONS.help, metadata: { type: 'string' as const, multiple: true as const, default: [] as string[] }, 'metadata-file': { type: 'string' as const, multiple: true as const, default: [] as string[] }, 'dry-run': { type: 'boolean' as const, default: false }, scope: { type: 'string' as const, default: 'all' }, 'skip-built': { type: 'boolean' as const, default: false }, 'pin-bases': { type: 'boolean' as const, default: false } };

export const manifestCommand: Command = {
  name: 'manifest',
  summary: 'Merge the per-platform images of targets or groups into multi-platform manifest lists under their final tags',
  usage: 'bake-matrix manifest [<group|target>...] --metadata <file|folder>... [--scope all|group|tag] [--skip-built [--pin-bases]] [--dry-run] [--json] [--matrix PATH]',
  options: MANIFEST_OPTIONS,
  optionHelp: {
    metadata: { arg: 'P', text: 'a --metadata-file of a per-platform build, or a folder of them (repeatable)' },
    'metadata-file': { arg: 'P', text: 'the same as --metadata' },
    'dry-run': { text: 'print the imagetools commands, run nothing (needs no docker)' },
    scope: { arg: 'all|group|tag', text: 'what a problem keeps from being made: everything (all, the default), the names given that hold it (group), or its manifest lists only (tag)' },
    json: { text: 'the plan (or the results), and any problems, as JSON on stdout' },
    'skip-built': { text: 'as after `ci --skip-built`: an image whose content tag exists gets its tags from that digest (no per-platform digest needed); every other image gets its content tag too (docker needed, --metadata optional)' },
    'pin-bases': { text: 'with --skip-built: base images enter the digests at their current digest, as in the build jobs that `ci --skip-built --pin-bases` made (the content tags must be the same)' },
  },
  examples: ['bake-matrix manifest default --metadata metadata/', 'bake-matrix manifest vllm --metadata metadata/ --dry-run', 'bake-matrix manifest vllm sglang --metadata "$RUNNER_TEMP/metadata" --scope group'],
  details: HELP,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, MANIFEST_OPTIONS, this.usage, true);
    if (values.help) return help(this, io);
    const metadata = [...values.metadata, ...values['metadata-file']];
    if (!metadata.length && !values['skip-built']) throw reportProblems([error('usage', 'Name the per-platform builds\' metadata: --metadata <file|folder> (their --metadata-file outputs).', { hint: `Usage: ${this.usage}` })], [], io, values.json);
    const scope = parseChoice('scope', values.scope, MANIFEST_SCOPES, this.usage, 'a scope');
    const generated = generateOrThrow(values.matrix, io, values.json);
    const digests = metadata.length ? readDigests(metadata, io.cwd) : ({ ok: true, value: { images: new Map(), files: [] } } as const);
    if (!digests.ok) throw reportProblems(digests.problems, generated.files, io, values.json);
    const skips = values['skip-built'] ? await manifestSkips(generated.plan, positionals, generated.matrix.root, io, values.json, values['pin-bases']) : undefined;
    const planned = planManifests(generated.plan, positionals, digests.value.images, runtimeValues(generated.matrix.variables, io.env), digests.value.files, scope, skips);
    if (!planned.ok) {
      const reported = reportProblems(planned.problems, generated.files, io, values.json);
      if (!values.json) io.stderr('bake-matrix manifest: nothing was made. --scope group or --scope tag makes the manifest lists these problems do not concern.\n');
      throw reported;
    }
    const { manifests, untagged, notMade, held } = planned.value;
    const commands = manifests.map((m) => ({ manifest: m, argv: ['docker', ...imagetoolsArgs(m)] }));
    const note = untagged.length ? `bake-matrix manifest: no tag under the current variables, nothing to create for ${untagged.join(', ')}\n` : '';
    const heldJson = held.length ? { notMade, problems: problemsAsJson(held, generated.files) } : {};
    if (held.length && !values.json) io.stderr(formatProblems(held, generated.files));

    if (values['dry-run']) {
      if (values.json) io.stdout(JSON.stringify(withWarnings({ manifests, untagged, commands: commands.map((c) => c.argv), ...heldJson }, generated), null, 2) + '\n');
      else io.stdout(commands.map((c) => shellQuote(c.argv)).join('\n') + (commands.length ? '\n' : '') + `\n${manifests.length} manifest list${manifests.length === 1 ? '' : 's'}; nothing was run (--dry-run).\n`);
      if (!values.json) io.stderr(note + notMadeText(notMade, scope));
      return held.length ? EXIT.usage : EXIT.ok;
    }

    const docker = findOnPath('docker', io.env);
    const runner = docker ? createRunner(docker, io.cwd, io.env) : undefined;
    const ready = await checkDocker({ runner, path: io.env.PATH ?? '', flags: [], needBuilder: false, builder: undefined, envBuilder: io.env.BUILDX_BUILDER || undefined, targets: [] });
    if (!ready.ok) throw reportProblems(ready.problems, [], io, values.json);
    if (!values.json) io.stderr(note);
    const results: { manifest: Manifest; exitCode: number }[] = [];
    for (const c of commands) {
      if (!values.json) io.stderr(`bake-matrix: ${shellQuote(c.argv)}\n`);
      const finished = await runner!.inherit(c.argv.slice(1));
      results.push({ manifest: c.manifest, exitCode: finished.exitCode });
      if (finished.forwarded) break;
    }
    const failed = results.filter((r) => r.exitCode !== 0);
    if (values.json) io.stdout(JSON.stringify(withWarnings({ results, untagged, ...heldJson }, generated), null, 2) + '\n');
    else io.stderr(summaryText(results, commands.length) + notMadeText(notMade, scope));
    appendStepSummary(io, summaryMarkdown(results, notMade));
    if (held.length) return EXIT.usage;
    return failed.length || results.length < commands.length ? EXIT.failed : EXIT.ok;
  },
};

function summaryText(results: { manifest: Manifest; exitCode: number }[], planned: number): string {
  const lines = [`bake-matrix manifest: ${results.filter((r) => r.exitCode === 0).length} of ${planned} manifest lists created`];
  for (const r of results) lines.push(`  ${r.exitCode === 0 ? 'ok    ' : `failed (exit ${r.exitCode})`}  ${r.manifest.what}: ${r.manifest.tags.join(', ')} <- ${r.manifest.sources.map((s) => manifestPlatform(s.platform, s.osVersion)).join(', ')}`);
  return lines.join('\n') + '\n';
}

/** The manifest lists a scope left out, one line each with why ('' when none). */
function notMadeText(notMade: readonly NotMade[], scope: string): string {
  if (!notMade.length) return '';
  const lines = [`bake-matrix manifest: ${notMade.length} manifest list${notMade.length === 1 ? ' was' : 's were'} not made (--scope ${scope}):`];
  for (const n of notMade) lines.push(`  not made  ${n.what}${n.tags.length && !n.what.endsWith(n.tags[0]!) ? `: ${n.tags.join(', ')}` : ''} (${n.because.join(', ')})`);
  return lines.join('\n') + '\n';
}

function summaryMarkdown(results: { manifest: Manifest; exitCode: number }[], notMade: readonly NotMade[]): string {
  return [
    '### bake-matrix manifest',
    '',
    '| Image | Tags | Platforms | Result |',
    '| --- | --- | --- | --- |',
    ...results.map((r) => `| \`${r.manifest.what}\` | ${r.manifest.tags.map((t) => `\`${t}\``).join('<br>')} | ${r.manifest.sources.map((s) => `${manifestPlatform(s.platform, s.osVersion)} \`${s.ref.split('@')[1]!.slice(0, 19)}\``).join('<br>')} | ${r.exitCode === 0 ? 'created' : `failed (exit ${r.exitCode})`} |`),
    ...notMade.map((n) => `| \`${n.what}\` | ${n.tags.map((t) => `\`${t}\``).join('<br>')} | | not made (${n.because.join(', ')}) |`),
    '',
    '',
  ].join('\n');
}


/** --skip-built: each image's content tag, and the digest of those that exist. */
async function manifestSkips(plan: Plan, names: readonly string[], root: string, io: Io, json: boolean, pin: boolean): Promise<ManifestSkips> {
  const resolved = resolveNames(plan, names.length ? names : ['default'], 'manifest');
  if (!resolved.ok) throw reportProblems(resolved.problems, [], io, json);
  const images = resolved.value.filter((t) => plan.targets.get(t)!.tags.length > 0 && plan.targets.get(t)!.platforms.length > 0);
  const runner = await lookupRunner(io.env, io.cwd);
  if (!runner.ok) throw reportProblems(runner.problems, [], io, json);
  const contextCache = new Map<string, ContextDigest>();
  const pinned = pin ? await pinBases(plan.bake, images, { root, env: io.env, contextCache }, runner.value) : undefined;
  if (pinned && !pinned.ok) throw reportProblems(pinned.problems, [], io, json);
  const digests = inputDigests(plan.bake, images, { root, env: io.env, contextCache, ...(pinned ? { pinned: pinned.value } : {}) });
  if (!digests.ok) throw reportProblems(digests.problems, [], io, json);
  const values = bakeValues(plan.bake, io.env);
  const contentTags = new Map<string, string>();
  const repositories = new Map<string, string>();
  const moreTags = new Map<string, string[]>();
  const templates = contentTemplatesOf(plan);
  for (const image of images) {
    const tag = contentTagOf(plan.bake, image, digests.value, values, { templates, env: io.env });
    if (tag.ok) {
      contentTags.set(image, tag.tag);
      repositories.set(image, tag.repository);
    }
    if (tag.ok && tag.tags.length > 1) moreTags.set(image, tag.tags.slice(1));
  }
  const lookups = await lookupImages(runner.value, [...contentTags.values()], io.env);
  const existing = new Map<string, string>();
  for (const [image, tag] of contentTags) {
    const l = lookups.get(tag);
    if (l?.exists) existing.set(image, `${repositories.get(image)!}@${l.digest}`);
  }
  if (!json) io.stderr(`bake-matrix manifest: --skip-built: ${existing.size} of ${contentTags.size} images exist under their content tag${existing.size ? ` (${[...existing.keys()].join(', ')})` : ''}\n`);
  return { existing, contentTags, moreTags };
}
