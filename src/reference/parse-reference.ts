// Image references, parsed as docker parses them: the grammar of
// github.com/distribution/reference (regexp.go, reference.go `Parse`), with
// the digest checks of github.com/opencontainers/go-digest (a known algorithm,
// its exact length, lower-case hex), and `ParseNormalizedNamed`'s refusal of a
// bare 64-hex name. test/reference/parse-reference.test.ts runs the upstream
// test vectors against it.
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] remote-name
//   domain           := host [':' port-number]
//   host             := domain-name | IPv4address | \[ IPv6address \]
//   domain-name      := domain-component ['.' domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   remote-name      := path-component ['/' path-component]*
//   path-component   := /[a-z0-9]+/ [separator /[a-z0-9]+/]*
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex   (sha256: 64, sha384: 96, sha512: 128 of [a-f0-9])

/** Upstream's NameTotalLengthMax, over the whole name (domain included), as every docker release up to 2023 checks it (newer ones check the path only). */
export const MAX_NAME_LENGTH = 255;
/** Upstream's tag grammar allows 1 + 127 characters. */
export const MAX_TAG_LENGTH = 128;

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const namePattern = `(?:${domainAndPort}/)?${remoteName}`;

const REFERENCE = new RegExp(`^(${namePattern})(?::(${tag}))?(?:@(${digestPattern}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** go-digest's registered algorithms and their hex lengths. */
const DIGEST_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** domain/path: the repository, as written. */
  name: string;
  /** The registry part, "" when there is none (`ubuntu`, `library/ubuntu`). */
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

export type ReferenceError = 'empty' | 'format' | 'uppercase' | 'name-too-long' | 'digest-unsupported' | 'digest-length' | 'digest-format' | 'identifier';

export type ParsedReference = { ok: true; value: ImageReference } | { ok: false; error: ReferenceError; reason: string };

const REASONS: Record<ReferenceError, string> = {
  empty: 'it is empty',
  format: 'it does not follow the image reference grammar ([registry/]name[:tag], lower-case name, tag of at most 128 of [A-Za-z0-9_.-])',
  uppercase: 'the repository name has upper-case letters',
  'name-too-long': `the repository name is longer than ${MAX_NAME_LENGTH} characters`,
  'digest-unsupported': 'its digest algorithm is not one of sha256, sha384, sha512',
  'digest-length': 'its digest has the wrong length for its algorithm (sha256: 64 hex digits)',
  'digest-format': 'its digest is not lower-case hex',
  identifier: 'it is a 64-hex image ID, not a repository name',
};

function fail(error: ReferenceError): ParsedReference {
  return { ok: false, error, reason: REASONS[error] };
}

/** `Parse` of distribution/reference, with go-digest's digest checks. */
export function parseReference(text: string): ParsedReference {
  if (text === '') return fail('empty');
  const match = REFERENCE.exec(text);
  if (!match) {
    const lower = text.toLowerCase();
    return fail(lower !== text && REFERENCE.test(lower) ? 'uppercase' : 'format');
  }
  const name = match[1]!;
  const parts = ANCHORED_NAME.exec(name);
  const domain = parts?.[1] ?? '';
  const path = parts ? parts[2]! : name;
  if (name.length > MAX_NAME_LENGTH) return fail('name-too-long');
  const digest = match[3];
  if (digest) {
    const problem = digestProblem(digest);
    if (problem) return fail(problem);
  }
  return { ok: true, value: { name, domain, path, ...(match[2] ? { tag: match[2] } : {}), ...(digest ? { digest } : {}) } };
}

/** go-digest `Parse`/`Validate` of an `algorithm:hex` that already matches the reference grammar's digest. */
function digestProblem(digest: string): ReferenceError | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_LENGTHS[algorithm];
  if (length === undefined) return 'digest-unsupported';
  if (hex.length !== length) return 'digest-length';
  if (!/^[a-f0-9]+$/.test(hex)) return 'digest-format';
  return undefined;
}

/**
 * A reference docker accepts (buildx `imagetools`, bake tags and `docker-image://`):
 * `parseReference`, and not a bare 64-hex image ID (`ParseNormalizedNamed`).
 */
export function parseDockerReference(text: string): ParsedReference {
  if (IDENTIFIER.test(text)) return fail('identifier');
  return parseReference(text);
}

/** Whether parseDockerReference accepts the text, found without making its parts (most texts: a short one without a digest, one match). */
export function isDockerReference(text: string): boolean {
  // Without "@" there is no digest to check, and at this length the name cannot be too long.
  if (text.length <= MAX_NAME_LENGTH && !text.includes('@')) return text !== '' && REFERENCE.test(text) && !IDENTIFIER.test(text);
  return parseDockerReference(text).ok;
}

/** A digest reference of exactly `repository@sha256:<64 lower-case hex>` (no tag). */
export function isPinnedReference(text: string, repository: string): boolean {
  const parsed = parseReference(text);
  return parsed.ok && parsed.value.name === repository && parsed.value.tag === undefined && /^sha256:[a-f0-9]{64}$/.test(parsed.value.digest ?? '');
}
