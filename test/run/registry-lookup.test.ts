// In-process registry look-ups (src/run/registry-lookup.ts) against a small
// registry stand-in on loopback: what it answers for sure, and every case it
// leaves to `docker buildx imagetools inspect` (undefined).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseDockerReference } from '../../src/reference/parse-reference.ts';
import { parseChallenge, registryLookup } from '../../src/run/registry-lookup.ts';
import { lookupImages } from '../../src/run/skip-built.ts';
import type { Runner } from '../../src/run/runner.ts';
import { testdir } from '../helpers/testdir.ts';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const TOKEN = 'tok-123';
const BASIC = Buffer.from('user:secret').toString('base64');

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
}

let server: ReturnType<typeof createServer>;
let port = 0;
const seen: Seen[] = [];

/** Repositories: `open/*` answers anyone, `bearer/*` wants a token (from /token, with Basic user:secret), `basic/*` wants Basic, `odd/*` answers oddly. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(req.headers.accept ? { accept: req.headers.accept } : {}) });
  const url = new URL(req.url!, `http://localhost:${port}`);
  if (url.pathname === '/token') {
    if (req.headers.authorization !== `Basic ${BASIC}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
    return;
  }
  const m = /^\/v2\/([a-z0-9/._-]+)\/manifests\/([\w.-]+)$/.exec(url.pathname);
  if (!m) return void res.writeHead(404).end();
  const [, repo, tag] = m as unknown as [string, string, string];
  const found = tag === 'there';
  const answer = (): void => void (found ? res.writeHead(200, { 'docker-content-digest': DIGEST }).end() : res.writeHead(404).end());
  if (repo.startsWith('open/')) return answer();
  if (repo.startsWith('bearer/')) {
    if (req.headers.authorization === `Bearer ${TOKEN}`) return answer();
    return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://localhost:${port}/token",service="stand-in",scope="repository:${repo}:pull"` }).end();
  }
  if (repo.startsWith('basic/')) {
    if (req.headers.authorization === `Basic ${BASIC}`) return answer();
    return void res.writeHead(401, { 'www-authenticate': 'Basic realm="stand-in"' }).end();
  }
  if (repo === 'odd/no-digest') return void res.writeHead(200).end();
  if (repo === 'odd/bad-digest') return void res.writeHead(200, { 'docker-content-digest': 'sha256:short' }).end();
  if (repo === 'odd/redirect') return void res.writeHead(307, { location: `http://localhost:${port}/v2/open/x/manifests/there` }).end();
  if (repo === 'odd/error') return void res.writeHead(500).end();
  if (repo === 'odd/forbidden') return void res.writeHead(403).end();
  res.writeHead(404).end();
}

before(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** An environment whose docker config holds `config`. */
function envWith(config: object | undefined): Record<string, string> {
  const dir = testdir(config ? { 'config.json': JSON.stringify(config) } : {});
  return { DOCKER_CONFIG: dir, HOME: dir };
}

const ref = (text: string) => {
  const parsed = parseDockerReference(text.replace('HOST', `localhost:${port}`));
  assert.ok(parsed.ok, text);
  return parsed.value;
};

describe('registryLookup', () => {
  const withAuth = { auths: { HOST: { auth: BASIC } } };
  const cases: { name: string; ref: string; config?: object; answer: unknown; asked?: RegExp }[] = [
    { name: 'found: the digest the registry names', ref: 'HOST/open/x:there', answer: { exists: true, digest: DIGEST } },
    { name: 'not found: a 404', ref: 'HOST/open/x:missing', answer: { exists: false, why: 'not found' } },
    { name: 'a bearer challenge: a pull token from its realm with docker\'s credentials', ref: 'HOST/bearer/x:there', config: withAuth, answer: { exists: true, digest: DIGEST }, asked: /token\?service=stand-in&scope=repository%3Abearer%2Fx%3Apull/ },
    { name: 'a bearer challenge and no credentials: left to docker', ref: 'HOST/bearer/x:there', answer: undefined },
    { name: 'a basic challenge with docker\'s credentials', ref: 'HOST/basic/x:missing', config: withAuth, answer: { exists: false, why: 'not found' } },
    { name: 'a credential helper for the registry: left to docker (this process runs none)', ref: 'HOST/bearer/x:there', config: { credHelpers: { HOST: 'pass' } }, answer: undefined },
    { name: 'a credential store: left to docker', ref: 'HOST/basic/x:there', config: { credsStore: 'desktop' }, answer: undefined },
    { name: '200 without a digest: left to docker', ref: 'HOST/odd/no-digest:there', answer: undefined },
    { name: 'a digest that is not sha256:<64 hex>: left to docker', ref: 'HOST/odd/bad-digest:there', answer: undefined },
    { name: 'a redirect is not followed: left to docker', ref: 'HOST/odd/redirect:there', answer: undefined },
    { name: 'a server error: left to docker', ref: 'HOST/odd/error:there', answer: undefined },
    { name: 'forbidden: left to docker', ref: 'HOST/odd/forbidden:there', answer: undefined },
    { name: 'nothing listens: left to docker', ref: 'localhost:1/open/x:there', answer: undefined },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      seen.length = 0;
      const config = c.config ? JSON.parse(JSON.stringify(c.config).replaceAll('HOST', `localhost:${port}`)) : undefined;
      assert.deepEqual(await registryLookup(ref(c.ref), { env: envWith(config) }), c.answer);
      if (c.asked) assert.ok(seen.some((s) => c.asked!.test(s.url)), JSON.stringify(seen));
      for (const s of seen.filter((s) => s.url.includes('/manifests/'))) {
        assert.equal(s.method, 'HEAD');
        assert.match(s.accept!, /application\/vnd\.oci\.image\.index\.v1\+json/);
      }
    });
  }

  test('credentials go to no realm over plain http off loopback, and no realm with a user in it', async () => {
    let asked = 0;
    const fake: typeof fetch = async (input) => {
      asked++;
      if (String(input).includes('/manifests/')) return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://evil.test/token",service="x"' } });
      throw new Error(`asked ${String(input)}`);
    };
    const env = envWith({ auths: { 'registry.test': { auth: BASIC } } });
    assert.equal(await registryLookup(ref('registry.test/app:there'), { env, fetch: fake }), undefined);
    assert.equal(asked, 1, 'the realm was not asked');
  });

  test('a proxy in the environment: left to docker (this process does not use it), unless NO_PROXY exempts the host', async () => {
    let asked = 0;
    const fake: typeof fetch = async () => {
      asked++;
      return new Response(null, { status: 404 });
    };
    const env = envWith(undefined);
    for (const proxy of [{ HTTPS_PROXY: 'http://proxy.test:3128' }, { https_proxy: 'http://proxy.test:3128' }, { ALL_PROXY: 'socks5://proxy.test' }]) {
      assert.equal(await registryLookup(ref('registry.test/app:there'), { env: { ...env, ...proxy }, fetch: fake }), undefined, JSON.stringify(proxy));
    }
    assert.equal(asked, 0, 'no request went out');
    for (const noProxy of ['registry.test', '.test', 'other.test, registry.test:443', '*']) {
      assert.deepEqual(await registryLookup(ref('registry.test/app:there'), { env: { ...env, HTTPS_PROXY: 'http://proxy.test:3128', NO_PROXY: noProxy }, fetch: fake }), { exists: false, why: 'not found' }, noProxy);
    }
    assert.equal(await registryLookup(ref('registry.test/app:there'), { env: { ...env, HTTPS_PROXY: 'http://proxy.test:3128', NO_PROXY: 'registry.test.evil' }, fetch: fake }), undefined);
    // A loopback registry is asked over http: only http_proxy applies to it.
    assert.deepEqual(await registryLookup(ref('localhost:1/app:there'), { env: { ...env, HTTPS_PROXY: 'http://proxy.test:3128' }, fetch: fake }), { exists: false, why: 'not found' });
  });

  test('docker.io: the API host, the library/ path and the index key of its credentials', async () => {
    const urls: string[] = [];
    const fake: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(null, { status: 404 });
    };
    assert.deepEqual(await registryLookup(ref('ubuntu:there'), { env: envWith(undefined), fetch: fake }), { exists: false, why: 'not found' });
    assert.deepEqual(urls, ['https://registry-1.docker.io/v2/library/ubuntu/manifests/there']);
  });

  test('parseChallenge reads quoted and bare parameters', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://a.test/token",service="a.test",scope="repository:x:pull,push"'), { scheme: 'bearer', params: { realm: 'https://a.test/token', service: 'a.test', scope: 'repository:x:pull,push' } });
    assert.deepEqual(parseChallenge('Basic realm=registry'), { scheme: 'basic', params: { realm: 'registry' } });
  });
});

describe('lookupImages', () => {
  /** A runner standing in for docker: records what it was asked, answers "not found". */
  function runner(): Runner & { asked: string[][] } {
    const asked: string[][] = [];
    return {
      asked,
      capture: async (args: readonly string[]) => {
        asked.push([...args]);
        return { exitCode: 1, stdout: '', stderr: 'ERROR: not found' };
      },
      inherit: async () => ({ exitCode: 0 }),
    } as unknown as Runner & { asked: string[][] };
  }

  test('what the registry answers for sure is not asked of docker; the rest is', async () => {
    const r = runner();
    const refs = [`localhost:${port}/open/x:there`, `localhost:${port}/open/x:missing`, `localhost:${port}/odd/error:there`];
    const found = await lookupImages(r, refs, envWith(undefined));
    assert.deepEqual(found.get(refs[0]!), { exists: true, digest: DIGEST });
    assert.deepEqual(found.get(refs[1]!), { exists: false, why: 'not found' });
    assert.equal(found.get(refs[2]!)!.exists, false);
    assert.deepEqual(r.asked.map((a) => a[3]), [refs[2]]);
  });

  test('BAKE_MATRIX_REGISTRY_LOOKUP=docker, or no environment: docker only', async () => {
    for (const env of [{ ...envWith(undefined), BAKE_MATRIX_REGISTRY_LOOKUP: 'docker' }, undefined]) {
      const r = runner();
      seen.length = 0;
      await lookupImages(r, [`localhost:${port}/open/x:there`], env);
      assert.equal(seen.length, 0);
      assert.equal(r.asked.length, 1);
    }
  });
});
