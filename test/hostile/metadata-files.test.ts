// Hostile --metadata files for `bake-matrix manifest` (they come from other CI
// jobs): names that would become options or leave the repository, digests
// that are not sha256:<64 hex>, named pipes, symlink loops, huge or deep JSON.
// Each case: exit 2 before docker runs, a message naming the file (and the
// key), and nothing changed beside the project (the parent folder is snapshotted).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';
import { fakeDocker } from '../run/fake-docker.ts';
import { CI_DOCKERFILE, CI_STACK } from '../ci/stack.ts';

const REPO = 'localhost:5000/ci/vllm';
const digestOf = (target: string) => 'sha256:' + createHash('sha256').update(target).digest('hex');
const AMD = 'vllm-cu129-runtime-amd64';
const ARM = 'vllm-cu129-runtime-arm64';

/** One metadata entry as buildx writes it, with `patch` over it. */
const entry = (target: string, patch: Record<string, unknown> = {}) => ({ 'containerimage.digest': digestOf(target), 'image.name': REPO, ...patch });
const file = (entries: Record<string, unknown>) => JSON.stringify({ 'buildx.build.warnings': [], ...entries });

interface Case {
  name: string;
  /** Files under metadata/ (besides the good arm64 one). */
  files?: Record<string, string>;
  /** Made after the files: `kind` at metadata/<path>. */
  special?: { path: string; kind: 'fifo' | 'loop' | 'dangling' | 'folder-link' };
  /** What --metadata names (default: the folder). */
  metadata?: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'a name starting with -t (an option to imagetools)', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': '-tghcr.io/evil:latest' }) }) }, message: /metadata\/amd\.json: error metadata-bad-name {2}\(vllm-cu129-runtime-amd64\.image\.name\)\n {2}The image name "-tghcr\.io\/evil:latest" of "vllm-cu129-runtime-amd64" in metadata\/amd\.json is not usable: it does not follow the image reference grammar/ },
  { name: 'a name that is --builder=…', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': '--builder=evil' }) }) }, message: /error metadata-bad-name[\s\S]*"--builder=evil"/ },
  { name: 'a newline in the name', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': `${REPO}\n-t` }) }) }, message: /error metadata-bad-name[\s\S]*"localhost:5000\/ci\/vllm\\n-t"/ },
  { name: 'a name with a digest other than the image\'s', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': `${REPO}@${digestOf('other')}` }) }) }, message: /error metadata-bad-name[\s\S]*its digest is not the containerimage\.digest/ },
  { name: 'an md5 digest', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'containerimage.digest': 'md5:0123' }) }) }, message: /metadata\/amd\.json: error metadata-bad-digest {2}\(vllm-cu129-runtime-amd64\.containerimage\.digest\)\n {2}The digest of "vllm-cu129-runtime-amd64" in metadata\/amd\.json is "md5:0123", not sha256:<64 lower-case hex digits>\./ },
  { name: 'a 12-hex digest', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'containerimage.digest': 'sha256:0123456789ab' }) }) }, message: /error metadata-bad-digest[\s\S]*"sha256:0123456789ab"/ },
  { name: 'an upper-case digest', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'containerimage.digest': digestOf(AMD).toUpperCase() }) }) }, message: /error metadata-bad-digest/ },
  { name: 'a digest with an option after it', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'containerimage.digest': `${digestOf(AMD)} --builder=x` }) }) }, message: /error metadata-bad-digest/ },
  { name: 'a digest that is no string', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'containerimage.digest': 12 }) }) }, message: /The digest of "vllm-cu129-runtime-amd64" in metadata\/amd\.json is a number, not sha256/ },
  { name: 'an image pushed to another repository', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': 'ghcr.io/evil/vllm' }) }) }, message: /metadata\/amd\.json: error metadata-foreign-repository {2}\(vllm-cu129-runtime-amd64\.image\.name\)\n {2}vllm-cu129-runtime-amd64 was pushed to "ghcr\.io\/evil\/vllm" \(metadata\/amd\.json\), but its own repository is "localhost:5000\/ci\/vllm"/ },
  { name: 'an image pushed to another registry under the same path', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': 'docker.io/ci/vllm' }) }) }, message: /error metadata-foreign-repository[\s\S]*"docker\.io\/ci\/vllm"/ },
  { name: 'one of two names in another repository', files: { 'amd.json': file({ [AMD]: entry(AMD, { 'image.name': `${REPO},ghcr.io/evil/vllm:x` }) }) }, message: /error metadata-foreign-repository[\s\S]*"ghcr\.io\/evil\/vllm"/ },
  { name: 'a named pipe named *.json in the folder', special: { path: 'pipe.json', kind: 'fifo' }, message: /metadata\/pipe\.json: error metadata-unreadable\n {2}metadata\/pipe\.json is named like a metadata file but is a named pipe \(FIFO\): only regular files are read\./ },
  { name: 'a named pipe given as the metadata file', special: { path: 'pipe.json', kind: 'fifo' }, metadata: 'metadata/pipe.json', message: /error metadata-unreadable\n {2}The metadata file metadata\/pipe\.json is a named pipe \(FIFO\), not a regular file\./ },
  { name: 'a symlink loop given as the metadata file', special: { path: 'loop.json', kind: 'loop' }, metadata: 'metadata/loop.json', message: /metadata\/loop\.json: error metadata-unreadable\n {2}The metadata file metadata\/loop\.json is a symlink loop/ },
  { name: 'a symlink loop named *.json in the folder', special: { path: 'loop.json', kind: 'loop' }, message: /metadata\/loop\.json: error metadata-unreadable\n {2}The metadata file metadata\/loop\.json is a symlink loop/ },
  { name: 'a dangling symlink named *.json in the folder', special: { path: 'gone.json', kind: 'dangling' }, message: /The metadata file metadata\/gone\.json is a symlink to nothing/ },
  { name: 'a symlink to a folder named *.json', special: { path: 'up.json', kind: 'folder-link' }, message: /The metadata file metadata\/up\.json is a folder, not a regular file\./ },
  { name: 'JSON nested 100 deep', files: { 'deep.json': `{"x": ${'['.repeat(100)}${']'.repeat(100)}}` }, message: /The metadata file metadata\/deep\.json nests more than 64 levels deep\./ },
  { name: 'a file that is not JSON, named one by one', files: { 'amd.txt': 'not json' }, metadata: 'metadata/amd.txt', message: /The metadata file metadata\/amd\.txt is not JSON/ },
];

describe('hostile metadata files (bake-matrix manifest)', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const outer = testdir({ 'project/matrix/stack.yaml': CI_STACK, 'project/Dockerfile': CI_DOCKERFILE });
      const root = join(outer, 'project');
      const dir = join(root, 'metadata');
      mkdirSync(dir);
      writeFileSync(join(dir, 'arm.json'), file({ [ARM]: entry(ARM) }));
      if (!c.files?.['amd.json']) writeFileSync(join(dir, 'amd-good.json'), file({ [AMD]: entry(AMD) }));
      for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
      const special = c.special && join(dir, c.special.path);
      if (c.special?.kind === 'fifo') execFileSync('mkfifo', [special!]);
      if (c.special?.kind === 'loop') symlinkSync(c.special.path, special!);
      if (c.special?.kind === 'dangling') symlinkSync('nowhere.json', special!);
      if (c.special?.kind === 'folder-link') symlinkSync('..', special!);
      const docker = fakeDocker({ FAKE_DOCKER_REPOSITORIES: REPO });
      const before = snapshotTree(outer, ['project/bake']);
      const run = await runCli(['manifest', 'vllm-cu129', '--metadata', c.metadata ?? 'metadata'], root, docker.env);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, c.message);
      assert.deepEqual(docker.calls().filter((argv) => argv[1] === 'imagetools'), [], 'docker imagetools was not run');
      assert.deepEqual(treeChanges(before, snapshotTree(outer, ['project/bake'])), []);
    });
  }

  test('the same files, well formed, merge (the catalogue above fails for its own reason)', async () => {
    const outer = testdir({ 'project/matrix/stack.yaml': CI_STACK, 'project/Dockerfile': CI_DOCKERFILE, 'project/metadata/arm.json': file({ [ARM]: entry(ARM) }), 'project/metadata/amd.json': file({ [AMD]: entry(AMD) }) });
    const docker = fakeDocker({ FAKE_DOCKER_REPOSITORIES: REPO });
    const run = await runCli(['manifest', 'vllm-cu129', '--metadata', 'metadata'], join(outer, 'project'), docker.env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(docker.calls().at(-1), ['buildx', 'imagetools', 'create', '-t', `${REPO}:dev-cu129`, `${REPO}@${digestOf(AMD)}`, `${REPO}@${digestOf(ARM)}`]);
    assert.deepEqual(docker.violations(), []);
  });
});
