// docs/errors.md "Codes" lists every problem code the source can report, and no other.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/**
 * Codes as the source writes them, read from its syntax tree: every string literal in the first argument
 * of an `error(...)` call and in the value of a `code:` property (problems of templates and look-ups),
 * ternaries included (`error(missing ? 'metadata-not-found' : 'metadata-unreadable', ...)`).
 */
function reportedCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const literals = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) && /^[a-z][a-z0-9]*(-[a-z0-9]+)+$|^[a-z]+$/.test(node.text)) codes.set(node.text, file.slice(ROOT.length));
      else if (!ts.isCallExpression(node)) ts.forEachChild(node, literals);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'error' && node.arguments[0]) literals(node.arguments[0]);
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'code') literals(node.initializer);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return codes;
}

function documentedCodes(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Codes\n'));
  assert.ok(section.length > 20, 'docs/errors.md has no "## Codes" section');
  const codes = new Set<string>();
  for (const row of section.matchAll(/^\| ([^|]+) \|/gm)) for (const m of row[1]!.matchAll(/`([a-z][a-z0-9-]*)`/g)) codes.add(m[1]!);
  return codes;
}

test('every code the source reports is listed in docs/errors.md', () => {
  const documented = documentedCodes();
  const missing = [...reportedCodes()].filter(([code]) => !documented.has(code)).map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(missing, [], `add these to the "Codes" tables of docs/errors.md: ${missing.join(', ')}`);
});

test('every code listed in docs/errors.md is one the source reports', () => {
  const reported = reportedCodes();
  const stale = [...documentedCodes()].filter((code) => !reported.has(code));
  assert.deepEqual(stale, [], `docs/errors.md lists codes nothing reports: ${stale.join(', ')}`);
});

test('the extraction finds the codes of both forms (a guard for the scan itself)', () => {
  const reported = reportedCodes();
  for (const code of ['unknown-key', 'yaml-syntax', 'missing-var', 'list-var', 'unknown-filter', 'metadata-not-found', 'usage', 'empty']) assert.ok(reported.has(code), `the scan of src/ missed ${code}`);
  assert.ok(reported.size > 150, `only ${reported.size} codes found in src/`);
});
