// The one place inspect spawns a process: `git show REV:./PATH`, argv only, no shell.
import { sep } from 'node:path';
import { error, UserError } from '../problems/problem.ts';

/** The text of `path` (relative to `cwd`) at git revision `rev`; undefined when it is longer than `maxBytes`; a UserError when git cannot give it. */
export async function readAtRevision(rev: string, path: string, cwd: string, env: NodeJS.ProcessEnv, maxBytes = Number.MAX_SAFE_INTEGER): Promise<string | undefined> {
  const { execa } = await import('execa');
  const git = (args: string[]) => execa('git', args, { cwd, env, extendEnv: false, reject: false, stripFinalNewline: false });
  const inside = await git(['rev-parse', '--is-inside-work-tree']);
  if (inside.failed) {
    const reason = inside.code === 'ENOENT' ? 'git is not installed (or not on PATH)' : `${cwd} is not inside a git repository`;
    throw new UserError([error('no-git', `Cannot read ${path} at ${rev}: ${reason}.`, { hint: 'Compare two files instead: bake-matrix diff OLD.json NEW.json' })]);
  }
  if (rev.startsWith('-')) throw new UserError([error('usage', `"${rev}" is not a git revision.`, { hint: 'Pass --base REV, for example --base main or --base HEAD~1.' })]);
  const commit = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (commit.failed) {
    throw new UserError([error('unknown-revision', `"${rev}" is no commit of this repository.`, { hint: rev === 'HEAD' ? 'The repository has no commit yet: commit the bake file first, or compare two files: bake-matrix diff OLD.json NEW.json' : 'Pass --base with a branch, tag or commit, for example --base main.' })]);
  }
  const shown = await execa('git', ['show', `${rev}:./${path.split(sep).join('/')}`], { cwd, env, extendEnv: false, reject: false, stripFinalNewline: false, maxBuffer: { stdout: maxBytes + 1 } });
  if (shown.isMaxBuffer) return undefined;
  if (shown.failed) {
    throw new UserError([error('not-in-revision', `${path} is not in ${rev}.`, { hint: 'Commit the generated bake file, pick another --base, or compare two files: bake-matrix diff OLD.json NEW.json' })]);
  }
  return String(shown.stdout);
}
