// Named context values as buildx reads them (build/build.go): the schemes it
// knows, oci-layout cut at the first "@" then the first ":", anything else
// with a scheme refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyContext, type NamedContextValue } from '../../src/reference/named-context.ts';

const hex = 'a'.repeat(64);
const cases: { value: string; expected: NamedContextValue['kind']; path?: string; tag?: string; reason?: RegExp }[] = [
  { value: 'docker-image://nvcr.io/nvidia/cuda:12.9.1-devel-ubuntu24.04', expected: 'image' },
  { value: `docker-image://ubuntu@sha256:${hex}`, expected: 'image' },
  { value: 'docker-image://', expected: 'invalid', reason: /it is empty/ },
  { value: 'docker-image://ubuntu@sha256:12', expected: 'invalid', reason: /not an image reference/ },
  { value: 'docker-image:// ubuntu', expected: 'invalid' },
  { value: 'target:base-cu129', expected: 'target' },
  { value: 'target:', expected: 'invalid', reason: /not a bake target name/ },
  { value: 'target:-x', expected: 'invalid' },
  { value: 'target:a b', expected: 'invalid' },
  { value: 'oci-layout://models', expected: 'oci-layout', path: 'models' },
  { value: 'oci-layout://models:v1', expected: 'oci-layout', path: 'models', tag: 'v1' },
  { value: `oci-layout://models:v1@sha256:${hex}`, expected: 'oci-layout', path: 'models', tag: 'v1' },
  { value: 'oci-layout://..:v1', expected: 'oci-layout', path: '..', tag: 'v1' },
  { value: 'oci-layout://a/b:c/../../..', expected: 'invalid', reason: /the folder "a\/b" and the tag "c\/\.\.\/\.\.\/\.\."/ },
  { value: 'oci-layout://models@sha256:12', expected: 'invalid', reason: /not a sha256/ },
  { value: 'oci-layout://', expected: 'invalid', reason: /names no folder/ },
  { value: 'https://github.com/org/repo.git#main', expected: 'url' },
  { value: 'git@github.com:org/repo.git', expected: 'url' },
  { value: 'https://example.com/a b', expected: 'invalid' },
  { value: 'docker/base', expected: 'local', path: 'docker/base' },
  { value: 'x:/../..', expected: 'invalid', reason: /"x:" is not a kind of context buildx knows/ },
  { value: 'file:///etc', expected: 'invalid' },
  { value: '', expected: 'invalid', reason: /empty/ },
];

describe('classifyContext', () => {
  for (const c of cases) {
    test(JSON.stringify(c.value), () => {
      const got = classifyContext(c.value);
      assert.equal(got.kind, c.expected, got.kind === 'invalid' ? got.reason : '');
      if (c.path !== undefined) assert.equal('path' in got && got.path, c.path);
      if (c.tag !== undefined) assert.equal('tag' in got && got.tag, c.tag);
      if (c.reason) assert.match(got.kind === 'invalid' ? got.reason : '', c.reason);
    });
  }
});
