import { generateOrThrow, outDir, withWarnings, writeOutputs } from '../pipeline.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, FORMAT_OPTION, parseFormat, parseOptions } from '../options.ts';
import { help } from '../help.ts';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Write the bake file(s) for the matrix',
  usage: 'bake-matrix generate [--matrix PATH] [--out DIR] [--format json|hcl|both] [--json]',
  options: { ...COMMON_OPTIONS, ...FORMAT_OPTION },
  examples: ['bake-matrix generate', 'bake-matrix generate --matrix matrix/stack.yaml --out build --format json'],
  details: `The default writes one file, docker-bake.json: plain \`docker buildx bake\` (no -f) in that folder sees
the old generation or the new one, never a mix, whenever generate is stopped. --format hcl writes only
docker-bake.hcl; --format both writes the two (buildx loads and merges both: a kill between their
two renames leaves plain buildx a mix until the next generate or run finishes the write).
The files are replaced all or nothing: on any error the previous ones stay byte for byte.`,
  async run(args, io) {
    const { values } = parseOptions(args, { ...COMMON_OPTIONS, ...FORMAT_OPTION }, this.usage);
    if (values.help) return help(this, io);
    const format = parseFormat(values.format, this.usage);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const generated = generateOrThrow(values.matrix, io, values.json, { format });
    const { written, removed, notes } = writeOutputs(generated, outDir(values.out, generated, io), io);
    const targets = [...generated.plan.targets.values()].filter((t) => t.kind !== 'common').length;
    // BAKE_MATRIX_TIMING=1 adds the pipeline's wall and CPU time and peak memory to --json (scripts/bench.ts reads it).
    const used = process.cpuUsage(cpu);
    const timing = io.env.BAKE_MATRIX_TIMING ? { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, maxRssKb: process.resourceUsage().maxRSS } : undefined;
    const pp = generated.plan.perPlatform;
    const perPlatform = pp ? `; ${pp.of.size} per-platform targets, ${[...pp.groups.values()].reduce((n, g) => n + g.size, 0)} groups` : '';
    if (values.json) io.stdout(JSON.stringify(withWarnings({ written, ...(removed.length ? { removed } : {}), targets, groups: generated.plan.groups.size, ...(timing ? { timing } : {}) }, generated), null, 2) + '\n');
    else {
      io.stdout(written.map((p) => `wrote ${p} (${targets} targets, ${generated.plan.groups.size} groups${perPlatform})`).join('\n') + '\n');
      for (const p of removed) io.stdout(`removed ${p}, an earlier generation's (plain docker buildx bake would merge it over ${written.join(', ')}; --format both writes it again)\n`);
      for (const note of notes) io.stderr(note);
    }
    return EXIT.ok;
  },
};
