import { explain } from '../../inspect/explain.ts';
import { renderDropped, renderExplanation, renderGroupExplanation } from '../../inspect/explain-text.ts';
import { error } from '../../problems/problem.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, parseOptions } from '../options.ts';
import { generateOrThrow, withWarnings } from '../pipeline.ts';
import { help } from '../help.ts';
import { reportProblems } from '../reported-error.ts';

const EXPLAIN_OPTIONS = { matrix: COMMON_OPTIONS.matrix, json: COMMON_OPTIONS.json, help: COMMON_OPTIONS.help } as const;

export const explainCommand: Command = {
  name: 'explain',
  summary: 'Show where every value of a target comes from: matrix file:line, inherited target',
  usage: 'bake-matrix explain <target|group> [--matrix PATH] [--json]',
  options: EXPLAIN_OPTIONS,
  examples: ['bake-matrix explain vllm-cu130-runtime', 'bake-matrix explain vllm-cu129 --json'],
  async run(args, io) {
    const { values, positionals } = parseOptions(args, EXPLAIN_OPTIONS, this.usage, true);
    if (values.help) return help(this, io);
    if (positionals.length !== 1) {
      throw reportProblems([error('usage', positionals.length ? `explain takes one target, not ${positionals.length}.` : 'Which target? explain needs a target or group name.', { hint: `Usage: ${this.usage}; \`bake-matrix list\` shows the names.` })], [], io, values.json);
    }
    const generated = generateOrThrow(values.matrix, io, values.json);
    const e = explain(generated, positionals[0]!);
    if (e.kind === 'unknown') {
      const close = e.suggestions.length ? ` Did you mean ${e.suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
      throw reportProblems([error('unknown-target', `The matrix generates no target or group "${e.name}".${close}`, { hint: 'Run `bake-matrix list` to see every target and group.', suggestions: e.suggestions })], [], io, values.json);
    }
    if (values.json) io.stdout(JSON.stringify(withWarnings(e, generated), null, 2) + '\n');
    else io.stdout(e.kind === 'group' ? renderGroupExplanation(e) : e.kind === 'dropped' ? renderDropped(e) : renderExplanation(e));
    return EXIT.ok;
  },
};
