// `--help` on every command lists every option it parses, with examples; an
// unknown option gets a "did you mean".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMANDS } from '../../src/cli/main.ts';
import { OPTION_HELP } from '../../src/cli/options.ts';
import { OWN_BOOLEAN, OWN_VALUE } from '../../src/run/run-args.ts';
import { runCli } from '../helpers/cli.ts';

describe('--help', () => {
  for (const entry of COMMANDS) {
    test(`${entry.name} --help lists every option, with examples`, async () => {
      const command = await entry.load();
      for (const flag of ['--help', '-h']) {
        const run = await runCli([entry.name, flag], process.cwd());
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '');
        assert.match(run.stdout, new RegExp(`^${command.summary.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}\\n\\nUsage: bake-matrix ${entry.name}`));
        assert.match(run.stdout, /\nOptions:\n[\s\S]*\nExamples:\n {2}\S/);
        for (const name of Object.keys(command.options)) {
          const help = command.optionHelp?.[name] ?? OPTION_HELP[name];
          assert.ok(help, `--${name} of ${entry.name} has no help text (OPTION_HELP, or the command's optionHelp)`);
          assert.match(run.stdout, new RegExp(`\\n {2}(-\\w, )? *--${name}\\b[^\\n]* {2}${help.text.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `--${name} is listed with its help`);
        }
      }
    });
  }

  test('run documents each of its own options (the ones it does not pass to buildx)', async () => {
    const run = await (COMMANDS.find((c) => c.name === 'run')!).load();
    for (const name of [...OWN_VALUE, ...OWN_BOOLEAN]) assert.ok(name in run.options, `run's own --${name} is missing from its help`);
  });
});

describe('unknown options', () => {
  const CASES = [
    { argv: ['generate', '--fromat', 'json'], message: /Unknown option '--fromat'\. Did you mean "--format"\?/ },
    { argv: ['list', '--were', 'cuda=cu129'], message: /Unknown option '--were'\. Did you mean "--where"\?/ },
    { argv: ['diff', '--exitcode'], message: /Unknown option '--exitcode'\. Did you mean "--exit-code"\?/ },
    { argv: ['run', 'vllm', '--dryrun'], message: /Unknown option --dryrun: neither bake-matrix nor `docker buildx bake` has it\. Did you mean --dry-run\?/ },
    { argv: ['run', 'vllm', '--psuh'], message: /Did you mean --push\?/ },
  ];
  for (const c of CASES) {
    test(`${c.argv.join(' ')}: exit 2 with a suggestion, nothing run`, async () => {
      const run = await runCli(c.argv, process.cwd(), { PATH: '/nonexistent' });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, c.message);
      assert.equal(run.stdout, '');
    });
  }
});
