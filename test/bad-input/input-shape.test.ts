// Inputs of an unexpected shape are user errors (exit 2 and a message), never a
// crash (exit 70 and a stack trace).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const SHAPES: { name: string; files: Record<string, string>; message: RegExp }[] = [
  { name: 'an empty YAML file', files: { 'matrix/m.yaml': '' }, message: /matrix\/m\.(yaml|toml):1:1: error no-stages[\s\S]*The matrix \(matrix\/m\.(yaml|toml)\) defines no stages/ },
  { name: 'an empty TOML file', files: { 'matrix/m.toml': '' }, message: /matrix\/m\.(yaml|toml):1:1: error no-stages[\s\S]*The matrix \(matrix\/m\.(yaml|toml)\) defines no stages/ },
  { name: 'a YAML file of comments only', files: { 'matrix/m.yaml': '# nothing yet\n' }, message: /matrix\/m\.(yaml|toml):1:1: error no-stages[\s\S]*The matrix \(matrix\/m\.(yaml|toml)\) defines no stages/ },
  { name: 'a YAML null document', files: { 'matrix/m.yaml': 'null\n' }, message: /matrix\/m\.(yaml|toml):1:1: error no-stages[\s\S]*The matrix \(matrix\/m\.(yaml|toml)\) defines no stages/ },
  { name: 'a file with just []', files: { 'matrix/m.yaml': '[]\n' }, message: /matrix\/m\.yaml:1:1: error wrong-type[\s\S]*The top level must be a mapping, not a list/ },
  { name: 'a scalar YAML document', files: { 'matrix/m.yaml': '42\n' }, message: /matrix\/m\.yaml:1:1: error wrong-type[\s\S]*not a number \(42\)/ },
  { name: 'a quoted string document', files: { 'matrix/m.yaml': '"stages"\n' }, message: /must be a mapping, not a string/ },
  { name: 'two YAML documents in one file', files: { 'matrix/m.yaml': 'name: a\n---\nname: b\n' }, message: /matrix\/m\.yaml:\d+:\d+: error yaml-syntax/ },
  { name: 'stages as a list', files: { 'matrix/m.yaml': 'stages: [base, runtime]\n' }, message: /"stages" must be a mapping, not a list/ },
  { name: 'a stage that is null', files: { 'matrix/m.yaml': 'stages:\n  base:\n' }, message: /"stages\.base" must be a mapping, not null/ },
  { name: 'binary garbage in a TOML file', files: { 'matrix/m.toml': '\u0000\u0001\u00ff' }, message: /matrix\/m\.toml:1:\d+: error toml-syntax/ },
  { name: 'a matrix folder with no matrix file', files: { 'matrix/README.md': '# not a matrix\n' }, message: /holds no \.yaml, \.yml, \.toml or \.ts file/ },
];

describe('unexpected input shapes', () => {
  for (const shape of SHAPES) {
    test(`${shape.name}: exit 2 and a message`, async () => {
      const dir = testdir(shape.files);
      const run = await runCli(['generate'], dir);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, shape.message);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /, 'no stack trace');
      assert.equal(run.stdout, '');
    });
  }
});
