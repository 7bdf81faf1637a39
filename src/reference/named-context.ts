// A named context's value, read as buildx reads it (build/build.go,
// bake/bake.go): `docker-image://<image reference>`, `target:<bake target>`,
// `oci-layout://<path>[:<tag>][@<digest>]` (buildx cuts the path at the first
// "@", then at the first ":"), an http(s) or git URL, or else a local path.
// Any other `scheme:` is refused: buildx would read it as a local path.
import { parseDockerReference } from './parse-reference.ts';

export const CONTEXT_SCHEMES = ['docker-image://', 'target:', 'oci-layout://', 'https://', 'http://', 'git://', 'git@', 'ssh://'] as const;

export type NamedContextValue =
  | { kind: 'image'; reference: string }
  | { kind: 'target'; name: string }
  | { kind: 'oci-layout'; path: string; tag?: string; digest?: string }
  | { kind: 'url' }
  | { kind: 'local'; path: string }
  | { kind: 'invalid'; reason: string; hint: string };

const SCHEME_LIST = 'docker-image://<image>, target:<bake target>, oci-layout://<folder>[:<tag>][@sha256:<digest>], http(s)://, git URLs (git://, git@, ssh://), or a folder relative to the project root';
const TAG = /^[\w][\w.-]{0,127}$/;
const TARGET_NAME = /^[a-zA-Z0-9_-]+$/;

export function classifyContext(value: string): NamedContextValue {
  if (value.startsWith('docker-image://')) {
    const reference = value.slice('docker-image://'.length);
    const parsed = parseDockerReference(reference);
    return parsed.ok ? { kind: 'image', reference } : invalid(`"${reference}" is not an image reference: ${parsed.reason}`, 'Write docker-image://<registry/name[:tag][@sha256:<digest>]>, e.g. docker-image://nvcr.io/nvidia/cuda:12.9.1-devel-ubuntu24.04.');
  }
  if (value.startsWith('target:')) {
    const name = value.slice('target:'.length);
    return TARGET_NAME.test(name) && !name.startsWith('-') ? { kind: 'target', name } : invalid(`"${name}" is not a bake target name`, 'Write target:<name of a generated target>; names are letters, digits, "_" and "-".');
  }
  if (value.startsWith('oci-layout://')) {
    const rest = value.slice('oci-layout://'.length);
    const at = rest.indexOf('@');
    const beforeDigest = at >= 0 ? rest.slice(0, at) : rest;
    const digest = at >= 0 ? rest.slice(at + 1) : undefined;
    const colon = beforeDigest.indexOf(':');
    const path = colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
    const tag = colon >= 0 ? beforeDigest.slice(colon + 1) : undefined;
    const hint = 'Write oci-layout://<folder>[:<tag>][@sha256:<64 hex>]: buildx reads the folder up to the first ":" (or "@"), so neither may appear in it.';
    if (path === '') return invalid('it names no folder', hint);
    if (tag !== undefined && !TAG.test(tag)) return invalid(`buildx reads the folder "${path}" and the tag "${tag}", which is not a tag`, hint);
    if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) return invalid(`"${digest}" is not a sha256:<64 lower-case hex> digest`, hint);
    return { kind: 'oci-layout', path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
  }
  if (/^(?:https?:\/\/|git:\/\/|git@|ssh:\/\/)/i.test(value)) {
    return /[\s\p{Cc}]/u.test(value) ? invalid('a URL holds no space or control character', 'Write the URL without spaces.') : { kind: 'url' };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    return invalid(`"${value.slice(0, value.indexOf(':') + 1)}" is not a kind of context buildx knows: it would read "${value}" as a local path`, `A named context is one of: ${SCHEME_LIST}.`);
  }
  if (value === '') return invalid('it is empty', `A named context is one of: ${SCHEME_LIST}.`);
  return { kind: 'local', path: value };
}

function invalid(reason: string, hint: string): NamedContextValue {
  return { kind: 'invalid', reason, hint };
}
