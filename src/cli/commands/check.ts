import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateOrThrow, outDir, repairOutputs, withWarnings } from '../pipeline.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, FORMAT_OPTION, parseFormat, parseOptions } from '../options.ts';
import { help } from '../help.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Fail when the committed bake files differ from what the matrix generates',
  usage: 'bake-matrix check [--matrix PATH] [--out DIR] [--format json|hcl|both] [--json]',
  options: { ...COMMON_OPTIONS, ...FORMAT_OPTION },
  examples: ['bake-matrix check', 'bake-matrix check --format json --json'],
  details: 'Exit codes: 0 up to date, 1 stale (run generate and commit), 2 invalid matrix.',
  async run(args, io) {
    const { values } = parseOptions(args, { ...COMMON_OPTIONS, ...FORMAT_OPTION }, this.usage);
    if (values.help) return help(this, io);
    const format = parseFormat(values.format, this.usage);
    const generated = generateOrThrow(values.matrix, io, values.json, { format });
    const out = outDir(values.out, generated, io);
    repairOutputs(out, io);
    const stale: string[] = [];
    for (const [name, text] of Object.entries(generated.outputs)) {
      const path = join(out, name);
      const current = existsSync(resolve(io.cwd, path)) ? readFileSync(resolve(io.cwd, path), 'utf8') : undefined;
      if (current !== text) stale.push(path);
    }
    if (values.json) io.stdout(JSON.stringify(withWarnings({ upToDate: stale.length === 0, stale }, generated), null, 2) + '\n');
    if (stale.length === 0) {
      if (!values.json) io.stdout(`${Object.keys(generated.outputs).map((n) => join(out, n)).join(', ')} up to date\n`);
      return EXIT.ok;
    }
    if (!values.json) io.stderr(`${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} stale: the matrix generates something else.\n  hint: run \`npx bake-matrix generate${values.matrix !== 'matrix' ? ` --matrix ${values.matrix}` : ''}${values.out !== undefined ? ` --out ${values.out}` : ''}${format !== 'both' ? ` --format ${format}` : ''}\` and commit the result.\n`);
    return EXIT.failed;
  },
};
