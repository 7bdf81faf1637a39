// The .dockerignore matcher (src/inputs/dockerignore.ts) against the vectors of
// moby/patternmatcher's own tests (patternmatcher_test.go at 5a6d842:
// TestMatches and its multi-pattern cases run through MatchesOrParentMatches,
// TestMatch's filepath.Match table, the Test*Exclusion* cases, TestCleanPatterns*)
// and of ignorefile_test.go (ReadAll), transcribed as tables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanPath, compileIgnore, readIgnoreFile } from '../../src/inputs/dockerignore.ts';

const excluded = (patterns: string[], path: string): boolean | string => {
  const c = compileIgnore(patterns);
  return c.ok ? c.matcher.excluded(path) : 'error';
};

describe('TestMatches (MatchesOrParentMatches)', () => {
  const cases: [string, string, boolean][] = [
    ['**', 'file', true], ['**', 'file/', true], ['**/', 'file', true], ['**/', 'file/', true], ['**', '/', true], ['**/', '/', true],
    ['**', 'dir/file', true], ['**/', 'dir/file', true], ['**', 'dir/file/', true], ['**/', 'dir/file/', true],
    ['**/**', 'dir/file', true], ['**/**', 'dir/file/', true], ['dir/**', 'dir/file', true], ['dir/**', 'dir/file/', true],
    ['dir/**', 'dir/dir2/file', true], ['dir/**', 'dir/dir2/file/', true], ['**/dir', 'dir', true], ['**/dir', 'dir/file', true],
    ['**/dir2/*', 'dir/dir2/file', true], ['**/dir2/*', 'dir/dir2/file/', true], ['**/dir2/**', 'dir/dir2/dir3/file', true],
    ['**/dir2/**', 'dir/dir2/dir3/file/', true], ['**file', 'file', true], ['**file', 'dir/file', true], ['**/file', 'dir/file', true],
    ['**file', 'dir/dir/file', true], ['**/file', 'dir/dir/file', true], ['**/file*', 'dir/dir/file', true], ['**/file*', 'dir/dir/file.txt', true],
    ['**/file*txt', 'dir/dir/file.txt', true], ['**/file*.txt', 'dir/dir/file.txt', true], ['**/file*.txt*', 'dir/dir/file.txt', true],
    ['**/**/*.txt', 'dir/dir/file.txt', true], ['**/**/*.txt2', 'dir/dir/file.txt', false], ['**/*.txt', 'file.txt', true],
    ['**/**/*.txt', 'file.txt', true], ['a**/*.txt', 'a/file.txt', true], ['a**/*.txt', 'a/dir/file.txt', true],
    ['a**/*.txt', 'a/dir/dir/file.txt', true], ['a/*.txt', 'a/dir/file.txt', false], ['a/*.txt', 'a/file.txt', true],
    ['a/*.txt**', 'a/file.txt', true], ['a[b-d]e', 'ae', false], ['a[b-d]e', 'ace', true], ['a[b-d]e', 'aae', false],
    ['a[^b-d]e', 'aze', true], ['.*', '.foo', true], ['.*', 'foo', false], ['abc.def', 'abcdef', false], ['abc.def', 'abc.def', true],
    ['abc.def', 'abcZdef', false], ['abc?def', 'abcZdef', true], ['abc?def', 'abcdef', false], ['a\\\\', 'a\\', true],
    ['**/foo/bar', 'foo/bar', true], ['**/foo/bar', 'dir/foo/bar', true], ['**/foo/bar', 'dir/dir2/foo/bar', true],
    ['abc/**', 'abc', false], ['abc/**', 'abc/def', true], ['abc/**', 'abc/def/ghi', true], ['**/.foo', '.foo', true],
    ['**/.foo', 'bar.foo', false], ['a(b)c/def', 'a(b)c/def', true], ['a(b)c/def', 'a(b)c/xyz', false], ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
    ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
    ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
    ['a\\*b', 'a*b', true],
  ];
  for (const [pattern, path, want] of cases) test(`${pattern} ~ ${path}: ${want}`, () => assert.equal(excluded([pattern], path), want));

  const multi: [string[], string, boolean][] = [
    [['**', '!util/docker/web'], 'util/docker/web/foo', false],
    [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
    [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
    [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
    // TestWildcardMatches, TestPatternMatches, Test*Exclusion*
    [['*'], 'fileutils.go', true],
    [['*.go'], 'fileutils.go', true],
    [['!fileutils.go', '*.go'], 'fileutils.go', true],
    [['docs', '!docs/README.md'], 'docs/README.md', false],
    [['docs/', '!docs/README.md'], 'docs/README.md', false],
    [['docs/*', '!docs/README.md'], 'docs/README.md', false],
    [['*.go', '!fileutils.go'], 'fileutils.go', false],
    [['*.go'], '.', false],
    [[], '/any/path/there', false],
  ];
  for (const [patterns, path, want] of multi) test(`${JSON.stringify(patterns)} ~ ${path}: ${want}`, () => assert.equal(excluded(patterns, path), want));
});

describe('TestMatch (filepath.Match semantics and syntax errors)', () => {
  const cases: [string, string, boolean | 'error'][] = [
    ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true], ['a*', 'ab/c', true],
    ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false], ['a*b*c*d*e*/f', 'axbxcxdxe/f', true], ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false], ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false], ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false], ['ab[^b-d]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false], ['a[^a][^a][^a]b', 'a☺b', false], ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false], ['a?b', 'a/b', false], ['a*b', 'a/b', false], ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true], ['[x\\-]', 'z', false], ['[\\-x]', 'x', true], ['[\\-x]', '-', true], ['[\\-x]', 'a', false],
    ['[]a]', ']', 'error'], ['[-]', '-', 'error'], ['[x-]', 'x', 'error'], ['[x-]', '-', 'error'], ['[x-]', 'z', 'error'], ['[-x]', 'x', 'error'],
    ['[-x]', '-', 'error'], ['[-x]', 'a', 'error'], ['\\', 'a', 'error'], ['[a-b-c]', 'a', 'error'], ['[', 'a', 'error'], ['[^', 'a', 'error'],
    ['[^bc', 'a', 'error'], ['a[', 'a', 'error'], ['a[', 'ab', 'error'], ['*x', 'xxx', true],
    // TestSingleExclamationError, TestMatchesWithMalformedPatterns
    ['!', 'fileutils.go', 'error'],
  ];
  for (const [pattern, path, want] of cases) test(`${pattern} ~ ${path}: ${want}`, () => assert.equal(excluded([pattern], path), want));
});

describe('what bake-matrix refuses rather than match approximately', () => {
  for (const pattern of ['a\\d', '[*]', 'x[?]', 'a]b']) test(pattern, () => assert.equal(excluded([pattern], 'a'), 'error'));
});

describe('patterns as read (ignorefile.ReadAll, TestCleanPatterns*)', () => {
  const cases: [string, string[]][] = [
    ['docs\nconfig\n', ['docs', 'config']],
    ['docs\n\nconfig\n', ['docs', 'config']],
    ['docs\n!docs/README.md\n', ['docs', '!docs/README.md']],
    ['  docs\n', ['docs']],
    ['docs  \n', ['docs']],
    ['\uFEFF# comment\n/a/b/../c/\n! /x\r\n  # not a comment after spaces\n', ['a/c', '!x', '# not a comment after spaces']],
    ['/\n./\n', ['/', '.']],
  ];
  for (const [text, want] of cases) test(JSON.stringify(text), () => assert.deepEqual(readIgnoreFile(text), want));
  test('cleanPath is filepath.Clean', () => {
    for (const [a, b] of [['', '.'], ['a//b/./c/', 'a/b/c'], ['../a/..', '..'], ['/../a', '/a'], ['a/../..', '..'], ['/', '/']]) assert.equal(cleanPath(a!), b);
  });
});

describe('hostile patterns stay linear', () => {
  test('twelve `**/a/` in one pattern against a 40-folder path: the answers a backtracking engine would take minutes for', () => {
    const c = compileIgnore(['**/a/'.repeat(12) + 'x']);
    assert.ok(c.ok);
    const deep = Array.from({ length: 40 }, () => 'a').join('/');
    assert.equal(c.matcher.excluded(`${deep}/y`), false);
    assert.equal(c.matcher.excluded(`${deep}/x`), true);
    assert.equal(c.matcher.excluded('a/a/a/a/a/a/a/a/a/a/a/x'), false, 'eleven folders: one short');
    assert.equal(c.matcher.excluded('a/a/a/a/a/a/a/a/a/a/a/a/x'), true);
  });
});
