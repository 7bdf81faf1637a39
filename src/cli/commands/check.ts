import { diffBake, rebuildsOf, type Rebuilds } from '../../inspect/diff.ts';
import { parseBakeJson } from '../../inspect/parse-bake-json.ts';
import { join, resolve } from 'node:path';
import { generateOrThrow, leftoverBakeFiles, leftoverNote, outDir, pendingWrite, withWarnings } from '../pipeline.ts';
import { JOURNAL_FILE } from '../../emit/output-journal.ts';
import { DEFAULT_LIMITS, limitsFrom } from '../../load/limits.ts';
import { readRegularFile } from '../../run/read-json-file.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, FORMAT_OPTION, parseFormat, parseOptions } from '../options.ts';
import { help } from '../help.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Fail when the committed bake files differ from what the matrix generates',
  usage: 'bake-matrix check [--matrix PATH] [--out DIR] [--format json|hcl|both] [--json]',
  options: { ...COMMON_OPTIONS, ...FORMAT_OPTION },
  examples: ['bake-matrix check', 'bake-matrix check --format both --json'],
  details: `Exit codes: 0 up to date, 1 stale (run generate and commit), 2 invalid matrix.
check only reads: a write a killed generate left unfinished is reported (stale), not finished.`,
  async run(args, io) {
    const { values } = parseOptions(args, { ...COMMON_OPTIONS, ...FORMAT_OPTION }, this.usage);
    if (values.help) return help(this, io);
    const format = parseFormat(values.format, this.usage);
    const generated = generateOrThrow(values.matrix, io, values.json, { format });
    const out = outDir(values.out, generated, io);
    const names = Object.keys(generated.outputs);
    const pending = pendingWrite(out, io);
    const stale: string[] = [];
    const reasons: string[] = [];
    const maxSize = limitsFrom(io.env).limits.bakeFileSize;
    for (const [name, text] of Object.entries(generated.outputs)) {
      const path = join(out, name);
      // A committed file is untrusted: a regular file only (a FIFO would block), size-bounded.
      const read = readRegularFile(resolve(io.cwd, path), maxSize, 'a bake file');
      if (!read.ok && !read.missing) reasons.push(`${path} ${read.reason}.`);
      if (!read.ok || read.text !== text || pending?.some((e) => e.file === name)) stale.push(path);
    }
    if (stale.length) reasons.push(`${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} stale: the matrix generates something else.`);
    const left = leftoverBakeFiles(resolve(io.cwd, out), names);
    for (const name of left.ours) {
      stale.push(join(out, name));
      reasons.push(`${join(out, name)} is an earlier generation's: plain \`docker buildx bake\` (no -f) loads it too and merges it over ${names.map((n) => join(out, n)).join(', ')}; generate removes it.`);
    }
    if (pending) reasons.push(`${join(out, JOURNAL_FILE)}: a killed bake-matrix left ${pending.map((e) => join(out, e.file)).join(', ')} half replaced; generate finishes that (check only reads).`);
    if (values.json) io.stdout(JSON.stringify(withWarnings({ upToDate: stale.length === 0 && !pending, stale, ...(pending ? { unfinishedWrite: join(out, JOURNAL_FILE) } : {}), ...(stale.includes(join(out, 'docker-bake.json')) ? { rebuilds: rebuilds(out, generated.outputs, io.cwd) } : {}) }, generated), null, 2) + '\n');
    else for (const name of left.others) io.stderr(leftoverNote(join(out, name), names.map((n) => join(out, n))));
    if (stale.length === 0 && !pending) {
      if (!values.json) io.stdout(`${names.map((n) => join(out, n)).join(', ')} up to date\n`);
      return EXIT.ok;
    }
    if (!values.json) io.stderr(`${reasons.join('\n')}\n  hint: run \`npx bake-matrix generate${values.matrix !== undefined ? ` --matrix ${values.matrix}` : ''}${values.out !== undefined ? ` --out ${values.out}` : ''}${format !== 'json' ? ` --format ${format}` : ''}\` and commit the result.\n`);
    return EXIT.failed;
  },
};

/** What the committed docker-bake.json -> the generated one rebuilds (undefined without a JSON file on either side). */
function rebuilds(out: string, outputs: Record<string, string>, cwd: string): Rebuilds | undefined {
  const now = outputs['docker-bake.json'];
  const read = readRegularFile(resolve(cwd, out, 'docker-bake.json'), DEFAULT_LIMITS.bakeFileSize, 'a bake file');
  if (now === undefined || !read.ok) return undefined;
  try {
    const before = parseBakeJson(read.text, join(out, 'docker-bake.json'));
    const after = parseBakeJson(now, 'generated');
    return rebuildsOf(after, diffBake(before, after));
  } catch {
    return undefined; // a committed file that is no bake file rebuilds everything; check says it is stale
  }
}
