import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/main.ts';
import { runCli } from '../helpers/cli.ts';

test('each listed command loads, under its own name and summary', async () => {
  for (const entry of COMMANDS) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary);
  }
});

test('an unknown command is a usage error with a suggestion', async () => {
  const run = await runCli(['generat'], process.cwd());
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown command "generat"\. Did you mean "generate"\?/);
});
