// hclString: a bake template (the text a docker-bake.json holds) as an HCL quoted string.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hclString, SIMPLE, simpleByWalk } from '../../src/emit/hcl-string.ts';

const cases: { name: string; template: string; hcl: string }[] = [
  { name: 'plain text', template: 'linux/amd64', hcl: '"linux/amd64"' },
  { name: 'empty', template: '', hcl: '""' },
  { name: 'double quotes', template: 'say "hi"', hcl: '"say \\"hi\\""' },
  { name: 'backslashes', template: 'C:\\dir\\n', hcl: '"C:\\\\dir\\\\n"' },
  { name: 'newline, carriage return, tab', template: 'a\nb\r\n\tc', hcl: '"a\\nb\\r\\n\\tc"' },
  { name: 'other control characters as \\u', template: '\u0000\u0001\u001b\u007f\u0085', hcl: '"\\u0000\\u0001\\u001B\\u007F\\u0085"' },
  { name: 'line and paragraph separators as \\u', template: 'a\u2028b\u2029', hcl: '"a\\u2028b\\u2029"' },
  { name: 'a lone surrogate as \\u', template: 'x\ud800y', hcl: '"x\\uD800y"' },
  { name: 'non-ASCII stays UTF-8', template: 'ü café 😀 👨‍👩‍👧', hcl: '"ü café 😀 👨‍👩‍👧"' },
  { name: 'interpolation kept', template: '${REGISTRY}/app:${VERSION}', hcl: '"${REGISTRY}/app:${VERSION}"' },
  { name: 'escaped ${ and %{ kept', template: '$${HOME} %%{x} $$${y}', hcl: '"$${HOME} %%{x} $$${y}"' },
  { name: 'lone $ and %', template: '$ 100% $$ %% $', hcl: '"$ 100% $$ %% $"' },
  { name: 'lone braces', template: 'a{b}c} {', hcl: '"a{b}c} {"' },
  { name: 'sequences side by side', template: '${A}${B}%${C}$$${D}', hcl: '"${A}${B}%${C}$$${D}"' },
  { name: 'braces nested in an interpolation', template: '${ {a = 1}.a }x', hcl: '"${ {a = 1}.a }x"' },
  { name: 'quoted string inside an interpolation kept bare', template: '${lower("A\\"B")}-x"y', hcl: '"${lower("A\\"B")}-x\\"y"' },
  { name: 'braces and a nested template inside an interpolation', template: '${ {a = "${B}}"}.a }!', hcl: '"${ {a = "${B}}"}.a }!"' },
  { name: 'directive with a quoted string', template: '%{ if R != "" }"q"%{ endif }', hcl: '"%{ if R != "" }\\"q\\"%{ endif }"' },
];

for (const c of cases) {
  test(`hclString: ${c.name}`, () => {
    assert.equal(hclString(c.template), c.hcl);
  });
}

test('hclString: an unterminated ${ is a bug upstream and throws', () => {
  assert.throws(() => hclString('a ${REGISTRY'), /unterminated template sequence at offset 2/);
  assert.throws(() => hclString('${f("x)}'), /unterminated quoted string/);
  assert.throws(() => hclString('$${ok} ${no'), /unterminated template sequence at offset 7/);
  assert.throws(() => hclString('%{ {x}'), /unterminated template sequence at offset 0/);
});

test('hclString: the one-match form of a plain text (SIMPLE) accepts no text the character walk refuses, and the common texts', () => {
  // Texts over the characters that matter (sequences, escapes, quotes, controls), every one up to length 5 and random longer ones.
  const alphabet = ['$', '%', '{', '}', '"', '\\', 'a', '-', '\n', 'é'];
  let checked = 0;
  const check = (text: string) => {
    if (SIMPLE.test(text)) assert.ok(simpleByWalk(text), `SIMPLE accepts ${JSON.stringify(text)}, which the walk refuses`);
    checked++;
  };
  const all = (prefix: string, length: number): void => {
    check(prefix);
    if (length > 0) for (const c of alphabet) all(prefix + c, length - 1);
  };
  all('', 5);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 20000; n++) check(Array.from({ length: 6 + Math.floor(random() * 20) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
  assert.ok(checked > 100000);
  for (const text of ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime,mode=max', '${REGISTRY}/vllm:${VERSION}-cu129', '$${HOME} and %%{x}', '100%', 'a$b', 'target:base-cu129']) {
    assert.ok(SIMPLE.test(text), text);
    assert.equal(hclString(text), `"${text}"`);
  }
});
