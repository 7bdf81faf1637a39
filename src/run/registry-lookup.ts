// Whether an image exists, asked of its registry in this process (the
// distribution API: HEAD /v2/<name>/manifests/<tag>), so that a no-change
// `--skip-built` run does not start a docker CLI and a buildx plugin per image.
//
// Only what this can answer for sure is answered here: the manifest's digest
// (200 with a `Docker-Content-Digest` of sha256:<64 hex>), or "not found" (404
// from a registry that let us ask). Anything else (a credential helper or
// store in docker's config, a TLS or network error, a redirect, 401/403 after
// the credentials docker's config holds, an odd answer) is `undefined`: the
// caller asks `docker buildx imagetools inspect`, as before.
//
// Credentials are docker's own: the `auths` entry of the registry in
// $DOCKER_CONFIG/config.json (else ~/.docker/config.json). They go to that
// registry only, and to the token service its 401 names only over https (or
// to a loopback host). Plain http is used for loopback registries only
// (localhost, 127.0.0.0/8, [::1]), as docker and containerd do. Every request
// has a time limit and a bounded answer; redirects are refused.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageReference } from '../reference/parse-reference.ts';
import { MAX_JSON_DEPTH, readJsonFile } from './read-json-file.ts';
import type { Lookup } from './skip-built.ts';

const TIMEOUT_MS = 10_000;
const MAX_TOKEN_BYTES = 1 << 20;
const MAX_CONFIG_BYTES = 1 << 20;
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Credentials {
  basic?: string;
  /** A credential helper or store is configured: this process does not run it. */
  helper?: true;
}

interface RegistryLookupOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** For tests: a fetch of their own. */
  fetch?: typeof fetch;
}

/** The registry host of a reference, as docker names it (docker.io's API is at registry-1.docker.io). */
function hostOf(ref: ImageReference): { api: string; key: string; path: string } {
  const domain = ref.domain === '' || ref.domain === 'docker.io' || ref.domain === 'index.docker.io' ? 'docker.io' : ref.domain;
  if (domain === 'docker.io') return { api: 'registry-1.docker.io', key: 'https://index.docker.io/v1/', path: ref.path.includes('/') ? ref.path : `library/${ref.path}` };
  return { api: domain, key: domain, path: ref.path };
}

const isLoopback = (host: string) => /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/.test(host);

type DockerConfig = { auths?: Record<string, { auth?: string; identitytoken?: string }>; credsStore?: string; credHelpers?: Record<string, string> };

/** docker's config.json: a regular file, size and depth bounded (unreadable: no credentials). */
/** docker's config.json, read once per environment (one command's look-ups share it), not once per image. */
const configs = new WeakMap<object, DockerConfig>();

function dockerConfig(env: RegistryLookupOptions['env']): DockerConfig {
  const known = configs.get(env);
  if (known) return known;
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  const read = readJsonFile(join(dir, 'config.json'), { size: MAX_CONFIG_BYTES, depth: MAX_JSON_DEPTH });
  const config = read.ok && read.value && typeof read.value === 'object' ? (read.value as DockerConfig) : {};
  configs.set(env, config);
  return config;
}

function credentialsFor(key: string, env: RegistryLookupOptions['env']): Credentials {
  const c = dockerConfig(env);
  if (c.credHelpers && Object.hasOwn(c.credHelpers, key)) return { helper: true };
  const entry = c.auths && Object.hasOwn(c.auths, key) ? c.auths[key] : undefined;
  if (entry?.identitytoken) return { helper: true }; // an OAuth refresh token: left to docker
  if (typeof entry?.auth === 'string' && entry.auth) return { basic: entry.auth };
  if (c.credsStore) return { helper: true };
  return {};
}

/** The parameters of a `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` challenge. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase(), params };
}

/** Reads at most `max` bytes of a response body; undefined when it is longer. */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The answer of the registry for `ref` (a validated reference with a tag), or
 * undefined when only `imagetools inspect` can tell.
 */
export async function registryLookup(ref: ImageReference, options: RegistryLookupOptions): Promise<Lookup | undefined> {
  if (ref.tag === undefined || ref.digest !== undefined) return undefined;
  const doFetch = options.fetch ?? fetch;
  const { api, key, path } = hostOf(ref);
  const loopback = isLoopback(api);
  const base = `${loopback ? 'http' : 'https'}://${api}`;
  const url = `${base}/v2/${path}/manifests/${encodeURIComponent(ref.tag)}`;
  // docker goes through the proxy the environment names; this process would not: left to docker,
  // rather than waiting out a connection a firewall drops.
  if (proxied(api, loopback, options.env)) return undefined;
  const credentials = credentialsFor(key, options.env);
  const ask = (authorization?: string) => doFetch(url, { method: 'HEAD', redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS), headers: { Accept: ACCEPT, ...(authorization ? { Authorization: authorization } : {}) } });
  try {
    let response = await ask();
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
      if (!challenge) return undefined;
      if (challenge.scheme === 'basic') {
        if (!credentials.basic) return undefined;
        response = await ask(`Basic ${credentials.basic}`);
      } else if (challenge.scheme === 'bearer') {
        const token = await bearerToken(challenge.params, path, credentials, doFetch);
        if (token === undefined) return undefined;
        response = await ask(`Bearer ${token}`);
      } else return undefined;
    }
    if (response.status === 404) return { exists: false, why: 'not found' };
    if (response.status !== 200) return undefined;
    const digest = response.headers.get('docker-content-digest') ?? '';
    return /^sha256:[a-f0-9]{64}$/.test(digest) ? { exists: true, digest } : undefined;
  } catch {
    return undefined; // TLS, network, time limit, a redirect: docker decides
  }
}

/** Whether a proxy variable (as curl and Go read them) applies to `host`: then only docker can ask. */
function proxied(host: string, loopback: boolean, env: RegistryLookupOptions['env']): boolean {
  const get = (name: string) => env[name] ?? env[name.toUpperCase()];
  const proxy = loopback ? get('http_proxy') : get('https_proxy');
  if (!proxy && !get('all_proxy')) return false;
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  const exempt = (get('no_proxy') ?? '').split(',').map((e) => e.trim().toLowerCase().replace(/:\d+$/, '')).filter(Boolean);
  return !exempt.some((e) => e === '*' || name === e.replace(/^\./, '') || name.endsWith(e.startsWith('.') ? e : `.${e}`));
}

/** A pull token from the realm the challenge names; credentials go there only over https or to a loopback host. */
async function bearerToken(params: Record<string, string>, path: string, credentials: Credentials, doFetch: typeof fetch): Promise<string | undefined> {
  if (credentials.helper) return undefined;
  let realm: URL;
  try {
    realm = new URL(params.realm ?? '');
  } catch {
    return undefined;
  }
  const secure = realm.protocol === 'https:' || (realm.protocol === 'http:' && isLoopback(realm.host));
  if (!secure || realm.username || realm.password) return undefined;
  if (params.service) realm.searchParams.set('service', params.service);
  realm.searchParams.set('scope', `repository:${path}:pull`);
  const response = await doFetch(realm, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS), headers: credentials.basic ? { Authorization: `Basic ${credentials.basic}` } : {} });
  if (response.status !== 200) return undefined;
  const text = await boundedText(response, MAX_TOKEN_BYTES);
  if (text === undefined) return undefined;
  try {
    const body = JSON.parse(text) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    // A token goes into a header: printable ASCII only.
    return token && /^[\x21-\x7e]+$/.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}
