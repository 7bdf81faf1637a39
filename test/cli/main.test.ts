import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('--version prints the version of package.json, nothing else', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+/);
  for (const flag of ['--version', '-V']) {
    const run = await runCli([flag], process.cwd());
    assert.deepEqual(run, { code: 0, stdout: `${version}\n`, stderr: '' });
  }
});
