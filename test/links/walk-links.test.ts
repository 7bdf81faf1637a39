// The one walk over links (src/links/walk-links.ts): group expansion, `target:`
// links, inherits, closures and dependents, on well-formed and hostile files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dependentsOf, expandGroups, inheritsOf, linkClosures, linksOf, walkLinks } from '../../src/links/walk-links.ts';
import type { BakeFile } from '../../src/types/bake.ts';

const FILE: BakeFile = {
  group: {
    default: { targets: ['all'] },
    all: { targets: ['a', 'b', 'all'] }, // lists itself: expanded once
    a: { targets: ['a-runtime', 'a-dev'] },
    b: { targets: ['b-runtime'] },
    loop1: { targets: ['loop2', 'base'] },
    loop2: { targets: ['loop1'] },
  },
  target: {
    _common: {},
    base: { inherits: ['_common'] },
    torch: { contexts: { base: 'target:base' } },
    'a-framework': { contexts: { base: 'target:base', torch: 'target:torch', img: 'docker-image://x' } },
    'a-runtime': { contexts: { framework: 'target:a-framework', base: 'target:base' } },
    'a-dev': { inherits: ['a-runtime'], contexts: { runtime: 'target:a-runtime' } },
    'b-runtime': { contexts: { base: 'target:base', missing: 'target:nowhere' } },
    c1: { contexts: { x: 'target:c2' } },
    c2: { contexts: { x: 'target:c1' } },
  },
};

describe('linksOf / inheritsOf', () => {
  const cases: { name: string; target: unknown; links: string[]; inherits: string[] }[] = [
    { name: 'target: contexts in order, other schemes left out', target: FILE.target['a-framework'], links: ['base', 'torch'], inherits: [] },
    { name: 'inherits in order', target: { inherits: ['x', 'y'] }, links: [], inherits: ['x', 'y'] },
    { name: 'contexts with a value that is no string: no links', target: { contexts: { a: 'target:x', b: 1 } }, links: [], inherits: [] },
    { name: 'inherits entries that are no strings are left out', target: { inherits: ['x', 2, null] }, links: [], inherits: ['x'] },
    { name: 'not an object', target: 'target:x', links: [], inherits: [] },
    { name: 'contexts a list', target: { contexts: ['target:x'] }, links: [], inherits: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(linksOf(c.target), c.links);
      assert.deepEqual(inheritsOf(c.target), c.inherits);
    });
  }
});

describe('expandGroups', () => {
  const run = (names: string[]) => {
    const seen: string[] = [];
    expandGroups(FILE.group, names, (name, root, isGroup) => seen.push(`${root}:${name}${isGroup ? '/' : ''}`));
    return seen;
  };
  test('depth first, members in order, a group before its members, a self-listing group once', () => {
    assert.deepEqual(run(['default']), ['default:default/', 'default:all/', 'default:a/', 'default:a-runtime', 'default:a-dev', 'default:b/', 'default:b-runtime']);
  });
  test('a cycle of groups is walked once', () => {
    assert.deepEqual(run(['loop1']), ['loop1:loop1/', 'loop1:loop2/', 'loop1:base']);
  });
  test('each root on its own: a name under two roots is visited for both', () => {
    assert.deepEqual(run(['b', 'b-runtime']), ['b:b/', 'b:b-runtime', 'b-runtime:b-runtime']);
  });
  test('names that are no group are visited as they are', () => {
    assert.deepEqual(run(['nowhere', '__proto__']), ['nowhere:nowhere', '__proto__:__proto__']);
  });
  test('nesting 100 000 deep needs no stack', () => {
    const groups: BakeFile['group'] = {};
    for (let i = 0; i < 100_000; i++) groups[`g${i}`] = { targets: [i + 1 < 100_000 ? `g${i + 1}` : 'leaf'] };
    let last = '';
    expandGroups(groups, ['g0'], (name) => (last = name));
    assert.equal(last, 'leaf');
  });
});

describe('walkLinks', () => {
  test('links only, breadth first, missing names not reached but seen as edges', () => {
    const edges: string[] = [];
    assert.deepEqual(walkLinks(FILE.target, ['b-runtime', 'nowhere'], { edge: (f, t) => edges.push(`${f}>${t}`) }), ['b-runtime', 'base']);
    assert.deepEqual(edges, ['b-runtime>base', 'b-runtime>nowhere']);
  });
  test('with inherits', () => {
    assert.deepEqual(walkLinks(FILE.target, ['a-dev'], { inherits: true }), ['a-dev', 'a-runtime', 'a-framework', 'base', 'torch', '_common']);
  });
  test('a cycle of links ends', () => {
    assert.deepEqual(walkLinks(FILE.target, ['c1']), ['c1', 'c2']);
  });
});

describe('linkClosures', () => {
  test('every closure complete, whatever order they are asked in', () => {
    for (const order of [['a-dev', 'a-framework', 'c1', 'c2'], ['c2', 'c1', 'a-framework', 'a-dev']]) {
      const closureOf = linkClosures(FILE.target);
      const got = Object.fromEntries(order.map((n) => [n, [...closureOf(n)].sort()]));
      assert.deepEqual(got['a-dev'], ['a-dev', 'a-framework', 'a-runtime', 'base', 'torch']);
      assert.deepEqual(got['a-framework'], ['a-framework', 'base', 'torch']);
      assert.deepEqual(got.c1, ['c1', 'c2']);
      assert.deepEqual(got.c2, ['c1', 'c2']);
    }
  });
});

describe('dependentsOf', () => {
  const cases = [
    { name: 'a base: everything above it', seeds: ['base'], inherits: false, want: ['a-dev', 'a-framework', 'a-runtime', 'b-runtime', 'base', 'torch'] },
    { name: 'an inherited block counts only with inherits', seeds: ['_common'], inherits: false, want: ['_common'] },
    { name: 'an inherited block with inherits', seeds: ['_common'], inherits: true, want: ['_common', 'a-dev', 'a-framework', 'a-runtime', 'b-runtime', 'base', 'torch'] },
    { name: 'a top: itself and what inherits or links it', seeds: ['a-runtime'], inherits: true, want: ['a-dev', 'a-runtime'] },
    { name: 'a cycle', seeds: ['c1'], inherits: false, want: ['c1', 'c2'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual([...dependentsOf(FILE.target, c.seeds, { inherits: c.inherits })].sort(), c.want));
});
