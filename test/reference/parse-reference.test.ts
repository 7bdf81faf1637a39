// The image reference parser against the test vectors of
// github.com/distribution/reference (reference_test.go TestReferenceParse,
// regexp_test.go TestFullNameRegexp / TestReferenceRegexp / TestDomainRegexp),
// transcribed as tables, plus go-digest's digest rules and our own cases.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDockerReference, isPinnedReference, parseDockerReference, parseReference, type ReferenceError } from '../../src/reference/parse-reference.ts';

const f64 = 'f'.repeat(64);
const sha256 = `sha256:${f64}`;
const sha512 = `sha512:${'f'.repeat(128)}`;
const be178 = 'sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912';

interface Valid { input: string; name: string; domain?: string; tag?: string; digest?: string }

// TestReferenceParse, the cases that parse (repository = name).
const valid: Valid[] = [
  { input: 'test_com', name: 'test_com' },
  { input: 'test.com:tag', name: 'test.com', tag: 'tag' },
  { input: 'test.com:5000', name: 'test.com', tag: '5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', name: 'test.com/repo', tag: 'tag' },
  { input: 'test:5000/repo', domain: 'test:5000', name: 'test:5000/repo' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', name: 'test:5000/repo', tag: 'tag' },
  { input: `test:5000/repo@${sha256}`, domain: 'test:5000', name: 'test:5000/repo', digest: sha256 },
  { input: `test:5000/repo:tag@${sha256}`, domain: 'test:5000', name: 'test:5000/repo', tag: 'tag', digest: sha256 },
  { input: 'lowercase:Uppercase', name: 'lowercase', tag: 'Uppercase' },
  { input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`, domain: 'a', name: `${'a/'.repeat(127)}a`, tag: 'tag-puts-this-over-max' },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', name: 'sub-dom1.foo.com/bar/baz/quux' },
  { input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', domain: 'sub-dom1.foo.com', name: 'sub-dom1.foo.com/bar/baz/quux', tag: 'some-long-tag' },
  { input: 'b.gcr.io/test.example.com/my-app:test.example.com', domain: 'b.gcr.io', name: 'b.gcr.io/test.example.com/my-app', tag: 'test.example.com' },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', domain: 'xn--n3h.com', name: 'xn--n3h.com/myimage', tag: 'xn--n3h.com' },
  { input: `xn--7o8h.com/myimage:xn--7o8h.com@${sha512}`, domain: 'xn--7o8h.com', name: 'xn--7o8h.com/myimage', tag: 'xn--7o8h.com', digest: sha512 },
  { input: 'foo_bar.com:8080', name: 'foo_bar.com', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'foo', name: 'foo/foo_bar.com', tag: '8080' },
  { input: '192.168.1.1', name: '192.168.1.1' },
  { input: '192.168.1.1:tag', name: '192.168.1.1', tag: 'tag' },
  { input: '192.168.1.1:5000', name: '192.168.1.1', tag: '5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', name: '192.168.1.1/repo' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', name: '192.168.1.1:5000/repo' },
  { input: '192.168.1.1:5000/repo:5050', domain: '192.168.1.1:5000', name: '192.168.1.1:5000/repo', tag: '5050' },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', name: '[2001:db8::1]/repo' },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', domain: '[2001:db8:1:2:3:4:5:6]', name: '[2001:db8:1:2:3:4:5:6]/repo', tag: 'tag' },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', name: '[2001:db8::1]:5000/repo' },
  { input: '[2001:db8::1]:5000/repo:tag', domain: '[2001:db8::1]:5000', name: '[2001:db8::1]:5000/repo', tag: 'tag' },
  { input: `[2001:db8::1]:5000/repo@${sha256}`, domain: '[2001:db8::1]:5000', name: '[2001:db8::1]:5000/repo', digest: sha256 },
  { input: `[2001:db8::1]:5000/repo:tag@${sha256}`, domain: '[2001:db8::1]:5000', name: '[2001:db8::1]:5000/repo', tag: 'tag', digest: sha256 },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', name: '[2001:db8::]:5000/repo' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', name: '[::1]:5000/repo' },
  // TestReferenceRegexp
  { input: 'registry.com:8080/myapp:tag', domain: 'registry.com:8080', name: 'registry.com:8080/myapp', tag: 'tag' },
  { input: `registry.com:8080/myapp@${be178}`, domain: 'registry.com:8080', name: 'registry.com:8080/myapp', digest: be178 },
  { input: `registry.com:8080/myapp:tag2@${be178}`, domain: 'registry.com:8080', name: 'registry.com:8080/myapp', tag: 'tag2', digest: be178 },
  { input: `localhost:8080@${be178}`, name: 'localhost', tag: '8080', digest: be178 },
  { input: `localhost:8080/name@${be178}`, domain: 'localhost:8080', name: 'localhost:8080/name', digest: be178 },
  { input: `localhost@${be178}`, name: 'localhost', digest: be178 },
  // TestSerialization
  { input: 'example.com:8000/named:tagged', domain: 'example.com:8000', name: 'example.com:8000/named', tag: 'tagged' },
  { input: 'other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112', domain: 'other.com', name: 'other.com/named', digest: 'sha256:1234567890098765432112345667890098765432112345667890098765432112' },
  // Upper case in the first component makes it a domain (upstream's FIXME): accepted.
  { input: 'Uppercase/lowercase:tag', domain: 'Uppercase', name: 'Uppercase/lowercase', tag: 'tag' },
  // The tag at its longest.
  { input: `ghcr.io/x/y:${'t'.repeat(128)}`, domain: 'ghcr.io', name: 'ghcr.io/x/y', tag: 't'.repeat(128) },
];

// TestReferenceParse's failures, TestReferenceRegexp's non-matches, and the hostile strings of issue 16.
const invalid: { input: string; error: ReferenceError }[] = [
  { input: '', error: 'empty' },
  { input: ':justtag', error: 'format' },
  { input: `@${sha256}`, error: 'format' },
  { input: 'repo@sha256:ffffffffffffffffffffffffffffffffff', error: 'digest-length' },
  { input: `validname@invaliddigest:${f64}`, error: 'digest-unsupported' },
  { input: 'Uppercase:tag', error: 'uppercase' },
  { input: 'test:5000/Uppercase/lowercase:tag', error: 'uppercase' },
  { input: `${'a/'.repeat(128)}a:tag`, error: 'name-too-long' },
  { input: 'aa/asdf$$^/aa', error: 'format' },
  { input: '[2001:db8::1]', error: 'format' },
  { input: '[2001:db8::1]:5000', error: 'format' },
  { input: '[2001:db8::1]:tag', error: 'format' },
  { input: '[fe80::1%eth0]:5000/repo', error: 'format' },
  { input: '[fe80::1%@invalidzone]:5000/repo', error: 'format' },
  { input: 'registry.com:8080/myapp@sha256:badbadbadbad', error: 'format' },
  { input: 'registry.com:8080/myapp:invalid~tag', error: 'format' },
  { input: 'bad_hostname.com:8080/myapp:tag', error: 'format' },
  { input: `localhost:http/name@${be178}`, error: 'format' },
  { input: 'registry.com:8080/myapp@bad', error: 'format' },
  { input: 'registry.com:8080/myapp@2bad', error: 'format' },
  // go-digest: the hex of a known algorithm is lower case.
  { input: `repo@sha256:${'F'.repeat(64)}`, error: 'digest-format' },
  { input: `repo@md5:${'0'.repeat(32)}`, error: 'digest-unsupported' },
  // Issue 16.
  { input: '-tghcr.io/evil:latest', error: 'format' },
  { input: '--builder=evil', error: 'format' },
  { input: 'ghcr.io/x/y:tag\n-t', error: 'format' },
  { input: 'ghcr.io/x/y\n', error: 'format' },
  { input: ' ', error: 'format' },
  { input: 'ubuntu@sha256:12', error: 'format' },
  { input: 'ghcr.io/x/y@md5:0123', error: 'format' },
  { input: 'ghcr.io/x/y@sha256:0123456789ab', error: 'format' },
  { input: 'ghcr.io/x/cache:t,type=local,dest=/tmp/x', error: 'format' },
  { input: `ghcr.io/x/y:${'t'.repeat(129)}`, error: 'format' },
];

// TestFullNameRegexp: names alone (no tag, no digest), as references.
const names: { input: string; ok: boolean; domain?: string; path?: string }[] = [
  { input: 'short', ok: true, domain: '', path: 'short' },
  { input: 'simple/name', ok: true, domain: 'simple', path: 'name' },
  { input: 'library/ubuntu', ok: true, domain: 'library', path: 'ubuntu' },
  { input: 'docker/stevvooe/app', ok: true, domain: 'docker', path: 'stevvooe/app' },
  { input: 'aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb', ok: true, domain: 'aa', path: 'aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb' },
  { input: 'a/a/a/a', ok: true, domain: 'a', path: 'a/a/a' },
  { input: 'a/a/a/a/', ok: false },
  { input: 'a//a/a', ok: false },
  { input: 'foo.com', ok: true, domain: '', path: 'foo.com' },
  { input: 'foo.com/', ok: false },
  { input: 'foo.com:8080/bar', ok: true, domain: 'foo.com:8080', path: 'bar' },
  { input: 'foo.com:http/bar', ok: false },
  { input: 'localhost:8080/bar', ok: true, domain: 'localhost:8080', path: 'bar' },
  { input: 'a^a', ok: false },
  { input: 'asdf$$^/aa', ok: false },
  { input: 'aa-a/a', ok: true, domain: 'aa-a', path: 'a' },
  { input: 'a-/a/a/a', ok: false },
  { input: 'foo.com/a-/a/a', ok: false },
  { input: '-foo/bar', ok: false },
  { input: 'foo/bar-', ok: false },
  { input: 'foo-/bar', ok: false },
  { input: 'foo/-bar', ok: false },
  { input: '_foo/bar', ok: false },
  { input: 'foo_bar', ok: true, domain: '', path: 'foo_bar' },
  { input: 'foo_bar.com', ok: true, domain: '', path: 'foo_bar.com' },
  { input: 'foo_bar.com:8080/app', ok: false },
  { input: 'foo.com/foo_bar', ok: true, domain: 'foo.com', path: 'foo_bar' },
  { input: '____/____', ok: false },
  { input: '_docker/_docker', ok: false },
  { input: 'docker_/docker_', ok: false },
  { input: 'example.com/xn--7o8h.com/myimage', ok: true, domain: 'example.com', path: 'xn--7o8h.com/myimage' },
  { input: 'example.com/some_separator__underscore/myimage', ok: true, domain: 'example.com', path: 'some_separator__underscore/myimage' },
  { input: 'example.com/__underscore/myimage', ok: false },
  { input: 'example.com/..dots/myimage', ok: false },
  { input: 'example.com/.dots/myimage', ok: false },
  { input: 'example.com/nodouble..dots/myimage', ok: false },
  { input: 'docker./docker', ok: false },
  { input: '.docker/docker', ok: false },
  { input: 'docker-/docker', ok: false },
  { input: '-docker/docker', ok: false },
  { input: 'do..cker/docker', ok: false },
  { input: 'do__cker:8080/docker', ok: false },
  { input: 'do__cker/docker', ok: true, domain: '', path: 'do__cker/docker' },
  { input: 'registry.io/foo/project--id.module--name.ver---sion--name', ok: true, domain: 'registry.io', path: 'foo/project--id.module--name.ver---sion--name' },
  { input: 'Asdf.com/foo/bar', ok: true, domain: 'Asdf.com', path: 'foo/bar' },
  { input: 'Foo/FarB', ok: false },
];

// TestDomainRegexp, as the domain of "<domain>/x".
const domains: { domain: string; ok: boolean }[] = [
  ...['test.com', 'test.com:10304', 'localhost', 'localhost:8080', 'a', 'a.b', 'ab.cd.com', 'a-b.com', 'ab.c-om', '0101.com', '001a.com', 'b.gbc.io:443', 'b.gbc.io', 'xn--n3h.com', 'Asdf.com', '192.168.1.1:75050', '192.168.1.1:750050', '[fd00:1:2::3]:75050', '[fd00123123123]:75050', '[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050', '[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505'].map((domain) => ({ domain, ok: true })),
  ...['test.com:http', '-ab.com', 'ab-.com', 'ab.-com', 'ab.com-', '[fd00:1:2::3]75050', '[fd00:1:2::3]::75050', '[fd00:1:2::3%eth0]:75050', 'fd00:1:2::3:75050'].map((domain) => ({ domain, ok: false })),
];

describe('parseReference (distribution/reference Parse)', () => {
  for (const c of valid) {
    test(`parses ${JSON.stringify(c.input.slice(0, 80))}`, () => {
      const parsed = parseReference(c.input);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      assert.equal(parsed.value.name, c.name);
      assert.equal(parsed.value.domain, c.domain ?? '');
      assert.equal(parsed.value.tag, c.tag);
      assert.equal(parsed.value.digest, c.digest);
    });
  }
  for (const c of invalid) {
    test(`refuses ${JSON.stringify(c.input.slice(0, 80))} (${c.error})`, () => {
      const parsed = parseReference(c.input);
      assert.equal(parsed.ok, false);
      assert.equal(!parsed.ok && parsed.error, c.error);
      assert.match(!parsed.ok ? parsed.reason : '', /\w/);
    });
  }
  for (const c of names) {
    test(`name ${JSON.stringify(c.input)}`, () => {
      const parsed = parseReference(c.input);
      assert.equal(parsed.ok, c.ok, parsed.ok ? 'parsed' : parsed.reason);
      if (parsed.ok) assert.deepEqual([parsed.value.domain, parsed.value.path], [c.domain, c.path]);
    });
  }
  for (const c of domains) {
    // A domain that fails is a path component at best: "<domain>/x" must then be no reference with that domain.
    test(`domain ${JSON.stringify(c.domain)}`, () => {
      const parsed = parseReference(`${c.domain}/x`);
      assert.equal(parsed.ok && parsed.value.domain === c.domain, c.ok);
    });
  }
});

describe('parseDockerReference (ParseNormalizedNamed)', () => {
  test('refuses a bare 64-hex image ID', () => {
    const parsed = parseDockerReference('da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821');
    assert.equal(!parsed.ok && parsed.error, 'identifier');
  });
  test('accepts a 64-hex name with a tag, and upper-case hex (not an ID)', () => {
    assert.ok(parseDockerReference('da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821:tag').ok);
    assert.equal(parseDockerReference('7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C').ok, false); // upper case: not a name either
  });
});

describe('isPinnedReference', () => {
  const repo = 'ghcr.io/example/vllm';
  const cases: { name: string; ref: string; ok: boolean }[] = [
    { name: 'the repository at a sha256 digest', ref: `${repo}@sha256:${'0'.repeat(64)}`, ok: true },
    { name: 'another repository', ref: `ghcr.io/evil/vllm@sha256:${'0'.repeat(64)}`, ok: false },
    { name: 'another registry', ref: `docker.io/example/vllm@sha256:${'0'.repeat(64)}`, ok: false },
    { name: 'a tag beside the digest', ref: `${repo}:x@sha256:${'0'.repeat(64)}`, ok: false },
    { name: 'a sha512 digest', ref: `${repo}@${sha512}`, ok: false },
    { name: 'a 12-hex digest', ref: `${repo}@sha256:0123456789ab`, ok: false },
    { name: 'md5', ref: `${repo}@md5:0123`, ok: false },
    { name: 'upper-case hex', ref: `${repo}@sha256:${'A'.repeat(64)}`, ok: false },
    { name: 'a tag only', ref: `${repo}:latest`, ok: false },
    { name: 'an option', ref: `-t${repo}@sha256:${'0'.repeat(64)}`, ok: false },
  ];
  for (const c of cases) test(c.name, () => assert.equal(isPinnedReference(c.ref, repo), c.ok));
});

describe('isDockerReference (parseDockerReference, without making the parts)', () => {
  test('agrees with parseDockerReference on every upstream vector, and on the edge lengths and forms', () => {
    const long = 'a'.repeat(255);
    const texts = [
      ...valid.map((c) => c.input),
      ...invalid.map((c) => c.input),
      ...names.map((c) => c.input),
      ...domains.map((c) => `${c.domain}/x`),
      'da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821',
      'da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821:tag',
      '',
      long,
      `${long}a`,
      `${long.slice(0, 250)}:tag1`,
      `x/${long}`,
      'registry.test/bench/cache:fw5-cu3-runtime',
      'Upper/case',
      'a@sha256:' + 'f'.repeat(64),
    ];
    for (const text of texts) assert.equal(isDockerReference(text), parseDockerReference(text).ok, JSON.stringify(text.slice(0, 80)));
  });
});
