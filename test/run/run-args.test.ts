// Telling our options, target names and buildx flags (with or without values) apart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildCommand, shellQuote } from '../../src/run/build-command.ts';
import { parseRunArgs } from '../../src/run/run-args.ts';

const parse = (args: string[]) => parseRunArgs(args, 'usage');

const cases: { name: string; args: string[]; names: string[]; flags: string[][]; own?: Partial<ReturnType<typeof parse>> }[] = [
  { name: 'names only', args: ['a', 'b'], names: ['a', 'b'], flags: [] },
  { name: '--set takes the next word, which is no name', args: ['--set', '*.platform=linux/amd64', 'a'], names: ['a'], flags: [['--set', '*.platform=linux/amd64']] },
  { name: '--set=value is one word', args: ['a', '--set=a.args.X=1'], names: ['a'], flags: [['--set=a.args.X=1']] },
  { name: '--progress plain', args: ['--progress', 'plain', 'a'], names: ['a'], flags: [['--progress', 'plain']] },
  { name: 'boolean flags take no value', args: ['--push', 'a', '--load', '--print', '--no-cache', '--pull', 'b'], names: ['a', 'b'], flags: [['--push'], ['--load'], ['--print'], ['--no-cache'], ['--pull']] },
  { name: '--check takes a value only with =', args: ['--check', 'a'], names: ['a'], flags: [['--check']] },
  { name: 'valued flags of newer buildx', args: ['--call', 'outline', '--allow', 'fs.read=.', '--list', 'targets', '--var', 'X=1', '--policy', 'strict=true', '--builder', 'b', '--metadata-file', 'm.json', '--sbom', 'true', '--provenance', 'mode=max', 'a'], names: ['a'], flags: [['--call', 'outline'], ['--allow', 'fs.read=.'], ['--list', 'targets'], ['--var', 'X=1'], ['--policy', 'strict=true'], ['--builder', 'b'], ['--metadata-file', 'm.json'], ['--sbom', 'true'], ['--provenance', 'mode=max']] },
  { name: '-f FILE, -fFILE and --file=FILE', args: ['-f', 'x.hcl', '-fy.hcl', '--file=z.hcl', 'a'], names: ['a'], flags: [['-f', 'x.hcl'], ['-fy.hcl'], ['--file=z.hcl']] },
  { name: '-D is a boolean', args: ['-D', 'a'], names: ['a'], flags: [['-D']] },
  { name: 'an unknown flag passes as typed and takes no value', args: ['--brand-new', 'a'], names: ['a'], flags: [['--brand-new']] },
  { name: 'our own options are not passed on', args: ['--matrix', 'm', '--out=o', '--dry-run', '--json', 'a'], names: ['a'], flags: [], own: { matrix: 'm', out: 'o', dryRun: true, json: true } },
  { name: 'after --, everything is a name', args: ['a', '--', '--push'], names: ['a', '--push'], flags: [] },
];

describe('parseRunArgs', () => {
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parse(c.args);
      assert.deepEqual(parsed.names, c.names);
      assert.deepEqual(parsed.flags.map((f) => f.raw), c.flags);
      for (const [key, value] of Object.entries(c.own ?? {})) assert.deepEqual(parsed[key as keyof typeof parsed], value, key);
    });
  }

  test('values are read however they were written', () => {
    const parsed = parse(['-fx.hcl', '--set', 'a=1', '--set=b=2']);
    assert.deepEqual(parsed.flags.map((f) => [f.name, f.value]), [['file', 'x.hcl'], ['set', 'a=1'], ['set', 'b=2']]);
  });

  for (const args of [['--set'], ['a', '--progress'], ['--matrix'], ['--dry-run=yes']]) {
    test(`rejects ${args.join(' ')}`, () => assert.throws(() => parse(args), { name: 'UserError' }));
  }
});

describe('buildCommand', () => {
  test('-f generated, -f overlays, names, flags in their order, then our metadata file', () => {
    const run = parse(['--push', 'a', '-f', 'ci.hcl', '--set', '*.platform=linux/amd64', 'b', '--file=x.hcl']);
    assert.deepEqual(buildCommand(run, 'bake/docker-bake.json', '/tmp/m.json').args, ['buildx', 'bake', '-f', 'bake/docker-bake.json', '-f', 'ci.hcl', '-f', 'x.hcl', 'a', 'b', '--push', '--set', '*.platform=linux/amd64', '--metadata-file', '/tmp/m.json']);
  });

  test('shellQuote quotes what a shell would expand, and only that', () => {
    assert.equal(shellQuote(['docker', '--set', '*.platform=linux/amd64', "it's", '', 'a=b,c']), `docker --set '*.platform=linux/amd64' 'it'\\''s' '' a=b,c`);
  });
});
