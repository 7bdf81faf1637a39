// `root:` may climb a few folders above its matrix file, never to the filesystem root.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ROOT_LEVELS, projectRoot } from '../../src/validate/project-root.ts';

const origin = { file: 'ci/matrix/stack.yaml', pointer: '/root' };
const file = '/work/repo/services/api/ci/matrix/stack.yaml';

const cases = [
  { name: 'the folder itself', root: '.', expected: '/work/repo/services/api/ci/matrix' },
  { name: 'one level up', root: '..', expected: '/work/repo/services/api/ci' },
  { name: `${MAX_ROOT_LEVELS} levels up`, root: '../../../..', expected: '/work/repo' },
  { name: 'down and up again counts what is left', root: 'x/../../..', expected: '/work/repo/services/api' },
  { name: 'a folder beside it', root: '../../../../other', expected: '/work/repo/other' },
  { name: `${MAX_ROOT_LEVELS + 1} levels up`, root: '../../../../..', problem: /climbs 5 folders above the folder of ci\/matrix\/stack\.yaml; at most 4/ },
  { name: 'the filesystem root', root: '../../../../../../..', problem: /is the filesystem root \(\/\)/ },
  { name: 'an absolute path', root: '/etc', problem: /is an absolute path/ },
  { name: 'a Windows drive', root: 'C:/projects', problem: /is an absolute path/ },
];
for (const c of cases) {
  test(c.name, () => {
    const found = projectRoot(c.root, file, origin);
    if (c.problem) {
      assert.ok('problem' in found, JSON.stringify(found));
      assert.equal(found.problem.code, 'bad-root');
      assert.equal(found.problem.pointer, '/root');
      assert.match(found.problem.message, c.problem);
    } else assert.deepEqual(found, { root: c.expected });
  });
}
