import { listPlan, parseWhere } from '../../inspect/list.ts';
import { renderListing } from '../../inspect/list-text.ts';
import { formatProblems, problemsAsJson } from '../../problems/format.ts';
import type { Problem } from '../../problems/problem.ts';
import { EXIT, type Command, type Io } from '../io.ts';
import { COMMON_OPTIONS, parseOptions } from '../options.ts';
import { generateOrThrow } from '../pipeline.ts';
import { ReportedError } from '../reported-error.ts';
import { help } from './generate.ts';

export const listCommand: Command = {
  name: 'list',
  summary: 'List the targets and groups the matrix generates (filter with --where axis=value)',
  usage: 'bake-matrix list [--where AXIS=VALUE[,VALUE]]... [--matrix PATH] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { ...COMMON_OPTIONS, where: { type: 'string', multiple: true, default: [] } }, this.usage);
    if (values.help) return help(this, io);
    const generated = generateOrThrow(values.matrix, io, values.json);
    const where = parseWhere(values.where, generated.matrix);
    if (!where.ok) throw reported(where.problems, io, values.json);
    const listing = listPlan(generated.plan, generated.matrix, where.value);
    io.stdout(values.json ? JSON.stringify(listing, null, 2) + '\n' : renderListing(listing));
    return EXIT.ok;
  },
};

/** Prints problems found after generating (as JSON on stdout too with --json); main maps the error to exit 2. */
export function reported(problems: Problem[], io: Io, json: boolean): ReportedError {
  if (json) io.stdout(JSON.stringify({ problems: problemsAsJson(problems, []) }, null, 2) + '\n');
  io.stderr(formatProblems(problems, []));
  return new ReportedError(problems);
}
