// `bake-matrix report --log bake.log [--metadata-file m.json]`: per target,
// build time and cache hits of a bake run, from its --progress=plain log (and
// digests from its metadata file). Markdown for $GITHUB_STEP_SUMMARY.
import { resolve } from 'node:path';
import { error } from '../../problems/problem.ts';
import { readMetadata } from '../../run/metadata.ts';
import { readRegularFile } from '../../run/read-json-file.ts';

/** A plain log of 100 000 targets is well under 100 MB. */
const MAX_LOG_SIZE = 512 * 1024 * 1024;
import { progressReport, reportMarkdown, reportText } from '../../run/progress-report.ts';
import { appendStepSummary } from '../../run/step-summary.ts';
import { EXIT, type Command } from '../io.ts';
import { parseChoice, parseOptions } from '../options.ts';
import { help } from '../help.ts';
import { reportProblems } from '../reported-error.ts';

const REPORT_OPTIONS = { log: { type: 'string' }, 'metadata-file': { type: 'string' }, title: { type: 'string', default: 'bake-matrix: build time and cache hits' }, format: { type: 'string', default: 'markdown' }, help: { type: 'boolean', short: 'h', default: false } } as const;

export const reportCommand: Command = {
  name: 'report',
  summary: 'Summarise a bake run per target (build time, cache hits, digest) from its --progress=plain log',
  usage: 'bake-matrix report --log FILE [--metadata-file FILE] [--title TEXT] [--format markdown|text|json]',
  options: REPORT_OPTIONS,
  optionHelp: {
    log: { arg: 'FILE', text: 'the --progress=plain output of the bake run' },
    'metadata-file': { arg: 'FILE', text: "the run's --metadata-file, for each target's digest" },
    title: { arg: 'TEXT', text: 'the heading of the summary' },
    format: { arg: 'markdown|text|json', text: 'what is printed (default: markdown)' },
  },
  examples: ['npm run bake -- default --progress=plain 2>&1 | tee bake.log; bake-matrix report --log bake.log'],
  details: 'Run the bake with --progress=plain and keep its output (`... 2>&1 | tee bake.log`). The Markdown\nis printed, and appended to $GITHUB_STEP_SUMMARY when that is set.\n',
  async run(args, io) {
    const { values } = parseOptions(args, REPORT_OPTIONS, this.usage);
    if (values.help) return help(this, io);
    if (!values.log) throw reportProblems([error('usage', 'Name the log of the bake run: --log FILE (its --progress=plain output).', { hint: `Usage: ${this.usage}` })], [], io, false);
    parseChoice('format', values.format, ['markdown', 'text', 'json'], this.usage, 'a report format');
    // The log comes from another CI job: a regular file only (a FIFO would block), size-bounded.
    const read = readRegularFile(resolve(io.cwd, values.log), MAX_LOG_SIZE, 'a log');
    if (!read.ok) throw reportProblems([error(read.missing ? 'log-not-found' : 'bad-log', `Cannot read the log ${values.log}: it ${read.reason}.`)], [], io, false);
    const log = read.text;
    const metadata = values['metadata-file'] ? readMetadata(resolve(io.cwd, values['metadata-file'])) : undefined;
    const report = progressReport(log, metadata);
    if (values.format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
    else if (values.format === 'text') io.stdout(reportText(report, values.title));
    else {
      const markdown = reportMarkdown(report, values.title);
      io.stdout(markdown);
      appendStepSummary(io, markdown);
    }
    return EXIT.ok;
  },
};
