import { listPlan, parseWhere } from '../../inspect/list.ts';
import { renderListing } from '../../inspect/list-text.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, parseOptions } from '../options.ts';
import { generateOrThrow, reportProblems, withWarnings } from '../pipeline.ts';
import { help } from '../help.ts';

const LIST_OPTIONS = { matrix: COMMON_OPTIONS.matrix, where: { type: 'string' as const, multiple: true as const, default: [] as string[] }, json: COMMON_OPTIONS.json, help: COMMON_OPTIONS.help };

export const listCommand: Command = {
  name: 'list',
  summary: 'List the targets and groups the matrix generates (filter with --where axis=value)',
  usage: 'bake-matrix list [--where AXIS=VALUE[,VALUE]]... [--matrix PATH] [--json]',
  options: LIST_OPTIONS,
  examples: ['bake-matrix list', 'bake-matrix list --where framework=vllm', 'bake-matrix list --where framework=vllm,sglang --where cuda=cu130 --json'],
  async run(args, io) {
    const { values } = parseOptions(args, LIST_OPTIONS, this.usage);
    if (values.help) return help(this, io);
    const generated = generateOrThrow(values.matrix, io, values.json);
    const where = parseWhere(values.where, generated.matrix);
    if (!where.ok) throw reportProblems(where.problems, [], io, values.json);
    const listing = listPlan(generated.plan, generated.matrix, where.value);
    io.stdout(values.json ? JSON.stringify(withWarnings(listing, generated), null, 2) + '\n' : renderListing(listing));
    return EXIT.ok;
  },
};

