// Inputs of an unexpected shape are user errors (exit 2 and a message), never a
// crash (exit 70 and a stack trace).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

interface Shape {
  name: string;
  files: Record<string, string | Uint8Array>;
  /** Symlinks to create: path -> target. */
  links?: Record<string, string>;
  /** A named pipe to create (reading it would block forever). */
  fifo?: string;
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  message: RegExp;
}

const ONE_STAGE = 'stages:\n  app: {}\n';

const SHAPES: Shape[] = [
  { name: 'an empty YAML file', files: { 'matrix/m.yaml': '' }, message: /matrix\/m\.yaml:1:1: error empty-file[\s\S]*matrix\/m\.yaml defines nothing/ },
  { name: 'an empty TOML file', files: { 'matrix/m.toml': '' }, message: /matrix\/m\.toml:1:1: error empty-file[\s\S]*matrix\/m\.toml defines nothing/ },
  { name: 'a YAML file of comments only', files: { 'matrix/m.yaml': '# nothing yet\n' }, message: /matrix\/m\.yaml:1:1: error empty-file/ },
  { name: 'a YAML null document', files: { 'matrix/m.yaml': 'null\n' }, message: /matrix\/m\.yaml:1:1: error empty-file/ },
  { name: 'an empty file beside a full one', files: { 'matrix/a.yaml': 'name: x\n', 'matrix/b.toml': '# later\n' }, message: /matrix\/b\.toml:1:1: error empty-file/ },
  { name: 'a matrix without stages', files: { 'matrix/m.yaml': 'name: x\n' }, message: /matrix\/m\.yaml:1:1: error no-stages[\s\S]*The matrix \(matrix\/m\.yaml\) defines no stages/ },
  { name: 'a file with just []', files: { 'matrix/m.yaml': '[]\n' }, message: /matrix\/m\.yaml:1:1: error wrong-type[\s\S]*The top level must be a mapping, not a list/ },
  { name: 'a scalar YAML document', files: { 'matrix/m.yaml': '42\n' }, message: /matrix\/m\.yaml:1:1: error wrong-type[\s\S]*not a number \(42\)/ },
  { name: 'a quoted string document', files: { 'matrix/m.yaml': '"stages"\n' }, message: /must be a mapping, not a string/ },
  { name: 'two YAML documents in one file', files: { 'matrix/m.yaml': 'name: a\n---\nname: b\n' }, message: /matrix\/m\.yaml:2:1: error yaml-second-document/ },
  { name: 'stages as a list', files: { 'matrix/m.yaml': 'stages: [base, runtime]\n' }, message: /"stages" must be a mapping, not a list/ },
  { name: 'a stage that is null', files: { 'matrix/m.yaml': 'stages:\n  base:\n' }, message: /"stages\.base" must be a mapping, not null/ },
  { name: 'binary garbage in a TOML file', files: { 'matrix/m.toml': '\u0000\u0001\u00ff' }, message: /matrix\/m\.toml:1:\d+: error toml-syntax/ },
  { name: 'a matrix folder with no matrix file', files: { 'matrix/README.md': '# not a matrix\n' }, message: /holds no \.yaml, \.yml, \.toml or \.ts file \(looked in the working directory \/.+\)/ },
  { name: 'no matrix at all', files: {}, message: /No matrix in the working directory \/.+: neither a matrix\/ folder nor a bake-matrix\.yaml, bake-matrix\.yml, bake-matrix\.toml, bake-matrix\.ts file/ },
  { name: '--matrix naming nothing', files: {}, argv: ['generate', '--matrix', 'stack.yaml'], message: /No matrix at stack\.yaml \(nothing there; looked in the working directory \/.+\)/ },
  { name: 'a folder named like a matrix file', files: { 'matrix/m.yaml': 'name: x\n', 'matrix/more.yaml/README.md': 'x\n' }, message: /matrix\/more\.yaml: error matrix-file-unreadable[\s\S]*is a folder/ },
  { name: 'a UTF-16 file without a byte-order mark', files: { 'matrix/m.yaml': Buffer.from('name: x\nstages: {}\n', 'utf16le') }, message: /error file-encoding[\s\S]*UTF-16 \(little-endian, no byte-order mark\)/ },
  { name: 'a dangling symlink named like a matrix file', files: { 'matrix/m.yaml': 'name: x\n' }, links: { 'matrix/gone.yaml': 'missing.yaml' }, message: /matrix\/gone\.yaml: error matrix-file-unreadable[\s\S]*a symlink to nothing/ },
  { name: 'a named pipe named like a matrix file', files: { 'matrix/m.yaml': 'name: x\n' }, fifo: 'matrix/pipe.yaml', message: /matrix\/pipe\.yaml: error matrix-file-unreadable[\s\S]*a named pipe/ },
  { name: '--matrix naming a named pipe', files: {}, fifo: 'matrix.yaml', argv: ['generate', '--matrix', 'matrix.yaml'], message: /matrix\.yaml: error matrix-file-unreadable[\s\S]*a named pipe/ },
  { name: 'a UTF-16 file', files: { 'matrix/m.yaml': Buffer.from('\ufeffname: x\n', 'utf16le') }, message: /matrix\/m\.yaml:1:1: error file-encoding[\s\S]*encoded as UTF-16 \(little-endian\)/ },
  { name: 'a named pipe as the Dockerfile', files: { 'matrix/m.yaml': ONE_STAGE }, fifo: 'Dockerfile', message: /matrix\/m\.yaml:\d+:\d+: error dockerfile-not-found[\s\S]*The Dockerfile "Dockerfile" \(the default\) of stage "app" is a named pipe \(FIFO\), not a regular file/ },
  {
    name: 'a Dockerfile larger than its limit',
    files: { 'matrix/m.yaml': ONE_STAGE, Dockerfile: `FROM scratch\n${'# padding\n'.repeat(200)}` },
    env: { BAKE_MATRIX_MAX_DOCKERFILE_SIZE: '1K' },
    message: /error dockerfile-not-found[\s\S]*"Dockerfile" \(the default\) of stage "app" is too large: the size of one Dockerfile is limited to 1 KiB[\s\S]*hint: If this is intended, raise the limit: BAKE_MATRIX_MAX_DOCKERFILE_SIZE=4K/,
  },
];

describe('unexpected input shapes', () => {
  for (const shape of SHAPES) {
    test(`${shape.name}: exit 2 and a message`, async () => {
      const dir = testdir(shape.files);
      for (const [path, target] of Object.entries(shape.links ?? {})) symlinkSync(target, join(dir, path));
      if (shape.fifo) execFileSync('mkfifo', [join(dir, shape.fifo)]);
      const run = await runCli(shape.argv ?? ['generate'], dir, shape.env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, shape.message);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /, 'no stack trace');
      assert.equal(run.stdout, '');
    });
  }
});
