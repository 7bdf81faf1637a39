// `from: {stage, arg}`: the stage's Dockerfile reads its base from an arg
// (FROM ${BASE_IMAGE}) that gets the parent's tag, and bake links the parent
// under that name (contexts = { "<tag>" = "target:<parent>" }), so one run
// builds the parent first and pulls nothing. BuildKit looks a FROM name up
// in its familiar form without ":latest" (dockerfile builder,
// contextByNameFunc), so the key must already be written that way.

export type KeyResult = { ok: true; key: string } | { ok: false; reason: string; hint: string };

/** The familiar form of a reference: docker.io/library/ and :latest left out. */
export function familiarName(ref: string): string {
  let name = ref;
  if (name.startsWith('docker.io/')) name = name.slice('docker.io/'.length);
  else if (name.startsWith('index.docker.io/')) name = name.slice('index.docker.io/'.length);
  if (name.startsWith('library/') && !name.slice('library/'.length).includes('/')) name = name.slice('library/'.length);
  return name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
}

export function baseImageKey(bake: string, preview: string): KeyResult {
  const familiar = familiarName(preview);
  if (familiar !== preview) {
    return {
      ok: false,
      reason: `BuildKit looks the base image up as "${familiar}", so a context named "${preview}" would not be used and the image would be pulled instead`,
      hint: `Write the tag in its short form ("${familiar}"): without docker.io/, library/ or :latest.`,
    };
  }
  return { ok: true, key: bake };
}
