// A test hook, and the only one: BAKE_MATRIX_TEST_KILL_AT=<n> makes the writer
// SIGKILL its own process just before its n-th file-system step (write a temp
// file, flush it, link a previous file aside, put the journal in place, each
// rename or removal, remove the journal), as a crash at that exact point would.
// test/emit/kill-points.test.ts stops `generate` at every step this way.
// Unset (always, outside that test) a step costs one comparison.

/** Called before each file-system step of a write; `what` names it (BAKE_MATRIX_TEST_KILL_TRACE=1 prints it). */
export type Step = (what: string) => void;

/** The step counter of one write, from the environment given (the CLI's); a no-op when neither variable is set. */
export function killPoints(env: NodeJS.ProcessEnv): Step {
  const at = Number(env.BAKE_MATRIX_TEST_KILL_AT);
  const trace = env.BAKE_MATRIX_TEST_KILL_TRACE === '1';
  if (!(Number.isInteger(at) && at > 0) && !trace) return noStep;
  let count = 0;
  return (what) => {
    count++;
    if (trace) process.stderr.write(`bake-matrix: step ${count}: ${what}\n`);
    if (count === at) process.kill(process.pid, 'SIGKILL');
  };
}

export const noStep: Step = () => {};
