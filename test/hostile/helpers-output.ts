// The shared bits of the output-folder cases: a project (the run stack of
// test/run/fake-docker.ts) in `<parent>/project`, a folder of someone else's
// beside it in `<parent>/outside`, the hostile files planted, a command run,
// and a snapshot of the whole parent before and after: the command may change
// nothing outside `project/bake/` (and, when it only reads, nothing at all).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli, type CliRun } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';
import { fakeDocker, STACK } from '../run/fake-docker.ts';

export interface Places {
  parent: string;
  project: string;
  outside: string;
}

export interface OutputCase {
  name: string;
  /** Files to write (relative to the parent: `project/...`, `outside/...`). */
  files?: Record<string, string>;
  /** Symbolic links to make: path (relative to the parent) -> target (as written in the link). */
  links?: Record<string, string>;
  /** Anything else to plant, after the files and links. */
  plant?: (p: Places) => void;
  /** The bake-matrix command, run in the project (`run` gets the stand-in docker). */
  command: string[];
  exit: number;
  /** Fragments the output (stderr, then stdout) must hold. */
  message: (string | RegExp)[];
  /** The command must change nothing at all, not even in project/bake (check, refused writes). */
  readOnly?: boolean;
  /** An upper bound on the run's wall time (an unusable lock is refused at once). */
  withinMs?: number;
  env?: Record<string, string>;
  /** More to assert afterwards. */
  after?: (p: Places, run: CliRun) => void;
}

/** A day and more ago: what `run` prunes from its closure folder. */
export const OLD_TIME = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);

export function setUp(c: OutputCase): Places {
  const parent = testdir({});
  const p: Places = { parent, project: join(parent, 'project'), outside: join(parent, 'outside') };
  mkdirSync(p.outside);
  writeFileSync(join(p.outside, 'victim.txt'), 'someone else\'s file\n');
  for (const [path, text] of Object.entries(STACK)) write(join(p.project, path), text);
  for (const [path, text] of Object.entries(c.files ?? {})) write(join(parent, path), text);
  for (const [path, target] of Object.entries(c.links ?? {})) {
    mkdirSync(dirname(join(parent, path)), { recursive: true });
    symlinkSync(target, join(parent, path));
  }
  c.plant?.(p);
  return p;
}

export async function runOutputCase(c: OutputCase): Promise<{ places: Places; run: CliRun }> {
  const p = setUp(c);
  const before = snapshotTree(p.parent);
  const docker = c.command[0] === 'run' ? fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' }) : undefined;
  const started = Date.now();
  const run = await runCli(c.command, p.project, { ...(docker?.env ?? {}), ...(c.env ?? {}) });
  const took = Date.now() - started;
  const output = `${run.stderr}${run.stdout}`;
  assert.equal(run.code, c.exit, `exit ${run.code}, expected ${c.exit}:\n${output}`);
  for (const fragment of c.message) {
    if (typeof fragment === 'string') assert.ok(output.includes(fragment), `the output holds ${JSON.stringify(fragment)}:\n${output}`);
    else assert.match(output, fragment);
  }
  assert.doesNotMatch(output, /internal error|\n\s+at /, 'no crash, no stack trace');
  if (c.withinMs !== undefined) assert.ok(took < c.withinMs, `answered in ${took} ms, within ${c.withinMs} ms`);
  const changes = treeChanges(before, snapshotTree(p.parent));
  const outsideBake = changes.filter((line) => !/^[-+~] project\/bake(\/|:|$)/.test(line));
  assert.deepEqual(outsideBake, [], 'nothing outside project/bake changed');
  if (c.readOnly) assert.deepEqual(changes, [], 'nothing changed at all');
  c.after?.(p, run);
  return { places: p, run };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Sets a file's times to OLD_TIME (lstat-wise: a link's target is not touched by this helper's callers). */
export function makeOld(path: string): void {
  utimesSync(path, OLD_TIME, OLD_TIME);
}
