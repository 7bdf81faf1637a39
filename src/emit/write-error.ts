// A failed write in words: what the system said, about which path, and what to do.
import { error, type Problem } from '../problems/problem.ts';

const REASONS: Record<string, { why: string; hint: string }> = {
  EROFS: { why: 'the file system is read-only', hint: 'Write somewhere writable with --out DIR, or remount the file system read-write.' },
  ENOSPC: { why: 'the disk is full (no space left on the device)', hint: 'Free some space (`df -h` shows where it went), then run it again.' },
  EDQUOT: { why: 'your disk quota is used up', hint: 'Free some space within your quota, then run it again.' },
  EACCES: { why: 'permission denied: you may not write there', hint: 'Check the folder\'s owner and permissions (`ls -ld`), or write somewhere else with --out DIR.' },
  EPERM: { why: 'the operation is not permitted there (permissions, or a file flagged immutable)', hint: 'Check the folder\'s owner and permissions (`ls -ld`), or write somewhere else with --out DIR.' },
  EISDIR: { why: 'a folder is in the way, where a file should go', hint: 'Remove or rename that folder, or write somewhere else with --out DIR.' },
  ENOTDIR: { why: 'part of the path is a file, not a folder', hint: '--out must name a folder (it is created when missing), not a file.' },
  ENOTEMPTY: { why: 'a folder that is not empty is in the way, where a file should go', hint: 'Remove or rename that folder, or write somewhere else with --out DIR.' },
  ENAMETOOLONG: { why: 'the path is too long for the file system', hint: 'Use a shorter --out path.' },
  ELOOP: { why: 'the path goes through a loop of symbolic links', hint: 'Fix the links, or write somewhere else with --out DIR.' },
  EMFILE: { why: 'too many files are open', hint: 'Raise the open-file limit (`ulimit -n`) and run it again.' },
  EBUSY: { why: 'the file is busy (in use or a mount point)', hint: 'Close what holds it, or write somewhere else with --out DIR.' },
  EEXIST: { why: 'a file is in the way, where a folder should go', hint: '--out must name a folder (it is created when missing), not a file.' },
  EIO: { why: 'an input/output error (the disk or network file system failed)', hint: 'Check the disk or the mount, then run it again.' },
};

/** `path`: as shown to the user. */
export function writeProblem(e: unknown, path: string, previousKept: boolean): Problem {
  const code = (e as NodeJS.ErrnoException).code;
  const known = code ? REASONS[code] : undefined;
  const why = known ? `${known.why} (${code})` : `${(e as Error).message ?? String(e)}`;
  return error('write-failed', `Could not write ${path}: ${why}. ${previousKept ? 'No bake file was changed.' : 'The bake files may be incomplete: run generate again.'}`, {
    hint: known?.hint ?? 'Check that --out names a folder you can write to (not a file).',
  });
}
