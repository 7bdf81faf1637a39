// `report` and `run` read a --metadata-file too (for digests): a named pipe
// there is not waited on, and a digest that is not sha256:<64 hex> is not shown.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { readMetadata } from '../../src/run/metadata.ts';

const LOG = '#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n';

describe('metadata read by report and run', () => {
  test('report --metadata-file naming a named pipe returns at once, without digests', async () => {
    const dir = testdir({ 'bake.log': LOG });
    execFileSync('mkfifo', [join(dir, 'metadata.json')]);
    const run = await runCli(['report', '--log', 'bake.log', '--metadata-file', 'metadata.json', '--format', 'json'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /sha256/);
  });

  test('digests that are not sha256:<64 hex> are left out', () => {
    const dir = testdir({});
    const good = `sha256:${'a'.repeat(64)}`;
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ a: { 'containerimage.digest': good }, b: { 'containerimage.digest': 'md5:0123\n-t evil' }, c: { 'containerimage.digest': 7 } }));
    const metadata = readMetadata(join(dir, 'm.json'))!;
    assert.deepEqual([...metadata].map(([k, v]) => [k, v.digest]), [['a', good], ['b', undefined], ['c', undefined]]);
  });

  test('a file nested deeper than 64 levels is no metadata', () => {
    const dir = testdir({ 'deep.json': `{"a": ${'['.repeat(70)}${']'.repeat(70)}}` });
    assert.equal(readMetadata(join(dir, 'deep.json')), undefined);
  });
});
