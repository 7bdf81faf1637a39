import { defaultMatrix } from '../../load/find-matrix-files.ts';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diffBake, isEmpty, rebuildsOf } from '../../inspect/diff.ts';
import { renderDiff } from '../../inspect/diff-text.ts';
import { bakeFileTooLarge, parseBakeJson, type BakeFileLimits } from '../../inspect/parse-bake-json.ts';
import { limitsFrom } from '../../load/limits.ts';
import { readRegularFile } from '../../run/read-json-file.ts';
import { readAtRevision } from '../../inspect/read-at-revision.ts';
import { error, UserError } from '../../problems/problem.ts';
import type { BakeFile } from '../../types/bake.ts';
import { displayPath } from '../../load/index.ts';
import { EXIT, type Command, type Io } from '../io.ts';
import { COMMON_OPTIONS, parseOptions } from '../options.ts';
import { generateOrThrow } from '../pipeline.ts';
import { help } from '../help.ts';
import { reportProblems } from '../reported-error.ts';

const BAKE_FILE = 'docker-bake.json';
const DIFF_OPTIONS = { ...COMMON_OPTIONS, base: { type: 'string' }, 'exit-code': { type: 'boolean', default: false } } as const;

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Compare two bake files, or the committed one with what the matrix generates now',
  usage: 'bake-matrix diff [OLD.json [NEW.json]] [--base REV] [--exit-code] [--matrix PATH] [--out DIR] [--json]',
  options: DIFF_OPTIONS,
  examples: ['bake-matrix diff', 'bake-matrix diff --base origin/main --exit-code', 'bake-matrix diff old/docker-bake.json bake/docker-bake.json'],
  details: 'Without files it compares the committed bake file at git HEAD (or --base) with what the matrix generates now.\n"rebuilds" lists every target the change rebuilds: changed itself (in what it builds, not only its tags\nor cache), or built on one through inherits or a target: link; and those of them that publish images.',
  async run(args, io) {
    const options = DIFF_OPTIONS;
    const { values, positionals } = parseOptions(args, options, this.usage, true);
    if (values.help) return help(this, io);
    try {
      if (positionals.length > 2) throw new UserError([error('usage', `diff compares two bake files, not ${positionals.length}.`, { hint: `Usage: ${this.usage}` })]);
      if (positionals.length && values.base !== undefined) throw new UserError([error('usage', '--base compares a git revision with the matrix; it does not go with file arguments.', { hint: `Usage: ${this.usage}` })]);
      const { limits, problems } = limitsFrom(io.env);
      if (problems.length) throw new UserError(problems);
      const old0 = positionals[0] !== undefined ? fromFile(positionals[0], io, limits) : undefined;
      const now = positionals[1] !== undefined ? fromFile(positionals[1], io, limits) : fromMatrix(values.matrix, io, values.json);
      const old = old0 ?? (await fromRevision(values.base ?? 'HEAD', join(values.out ?? displayPath(join(now.root!, 'bake'), io.cwd), BAKE_FILE), io, limits));
      const d = diffBake(old.bake, now.bake);
      const rebuilds = rebuildsOf(now.bake, d);
      io.stdout(values.json ? JSON.stringify({ old: old.label, new: now.label, changed: !isEmpty(d), rebuilds, ...d }, null, 2) + '\n' : renderDiff(d, { old: old.label, new: now.label }, rebuilds));
      return values['exit-code'] && !isEmpty(d) ? EXIT.failed : EXIT.ok;
    } catch (e) {
      if (e instanceof UserError && e.constructor === UserError) throw reportProblems(e.problems, [], io, values.json);
      throw e;
    }
  },
};

function fromFile(path: string, io: Io, limits: BakeFileLimits): { label: string; bake: BakeFile; root?: string } {
  // A regular file only (a FIFO would block forever), size-bounded before it is read.
  const read = readRegularFile(resolve(io.cwd, path), limits.bakeFileSize, 'a bake file');
  if (read.ok) return { label: path, bake: parseBakeJson(read.text, path, limits) };
  if (read.tooLarge) throw new UserError([bakeFileTooLarge(statSync(resolve(io.cwd, path)).size, path, limits)]);
  throw new UserError([error('file-not-found', `Cannot read ${path}: it ${read.reason}.`, { file: path })]);
}

async function fromRevision(rev: string, path: string, io: Io, limits: BakeFileLimits) {
  const label = `${rev}:${path}`;
  const text = await readAtRevision(rev, path, io.cwd, io.env, limits.bakeFileSize);
  if (text === undefined) throw new UserError([bakeFileTooLarge(limits.bakeFileSize + 1, label, limits)]);
  return { label, bake: parseBakeJson(text, label, limits) };
}

function fromMatrix(matrix: string | undefined, io: Io, json: boolean) {
  const generated = generateOrThrow(matrix, io, json, { format: 'json' });
  const chosen = defaultMatrix(matrix, io.cwd);
  const label = `generated from ${chosen.ok ? chosen.input : matrix}`;
  return { label, bake: parseBakeJson(generated.outputs[BAKE_FILE] ?? '{}', label), root: generated.matrix.root };
}
