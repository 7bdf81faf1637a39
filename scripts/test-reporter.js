// The node:test reporter of `npm test`: one dot per ten tests while they run,
// then the failures first (where, what, the first lines of the error), the
// reasons tests were skipped, and a closing line "N passed, N failed, N skipped".
// Suites are not counted, their tests are. BAKE_MATRIX_TEST_REPORTER=spec (or tap)
// gives node's own reporter instead (scripts/test.js).
import { relative } from 'node:path';

const MAX_ERROR_LINES = 20;

export default async function* reporter(source) {
  const failures = [];
  const skipped = new Map();
  let passed = 0;
  let failed = 0;
  let skips = 0;
  let todo = 0;
  let seen = 0;
  const path = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:start') path[data.nesting] = data.name;
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    data.path = [...path.slice(0, data.nesting), data.name].join(' › ');
    if (data.details?.type === 'suite') {
      // A suite that fails by itself (a hook, an error outside its tests) has no failing test to show it.
      if (type === 'test:fail' && data.details.error?.failureType !== 'subtestsFailed') {
        failed++;
        failures.push(data);
      }
      continue;
    }
    if (++seen % 10 === 0) yield '.';
    if (data.skip !== undefined) {
      skips++;
      const reason = typeof data.skip === 'string' ? data.skip : 'skipped';
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    } else if (data.todo !== undefined) todo++;
    else if (type === 'test:pass') passed++;
    else {
      failed++;
      failures.push(data);
    }
  }
  yield '\n';
  for (const f of failures) {
    const where = f.file ? relative(process.cwd(), f.file) : '';
    const error = f.details?.error;
    const cause = error?.cause ?? error;
    const text = String(cause?.stack ?? cause?.message ?? cause ?? 'failed').split('\n').filter((l) => !/^\s+at .*(node:internal|node:async_hooks)/.test(l));
    yield `\n✖ ${where ? `${where}: ` : ''}${f.path}\n`;
    yield text.slice(0, MAX_ERROR_LINES).map((l) => `    ${l}`).join('\n') + (text.length > MAX_ERROR_LINES ? `\n    ... ${text.length - MAX_ERROR_LINES} more lines` : '') + '\n';
  }
  if (skipped.size) {
    yield '\nskipped:\n';
    for (const [reason, n] of skipped) yield `  ${n} × ${reason}\n`;
  }
  yield `\n${passed} passed, ${failed} failed, ${skips} skipped${todo ? `, ${todo} todo` : ''}\n`;
}
