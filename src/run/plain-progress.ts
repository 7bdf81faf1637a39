// buildx's `--progress=plain` log (BuildKit's progressui), read back: the
// first `#N` line of a step is its name; then `#N 0.123 text` (output),
// `#N CACHED`, `#N DONE 0.2s` or `#N ERROR: ...`; anything else is a status
// line. In a bake of several targets each name starts with its target:
// `[vllm-cu129-runtime-arm64 runtime 3/5] RUN ...`. buildx v0.10 prints the
// output of a step shared by several targets as `#0 0.123 text`, with no
// header: output lines are never taken for a name, and such output belongs
// to step 0, not to the step that ran it. Count output over every step,
// never per step.

/** One step (vertex) of a `--progress=plain` log. */
export interface Step {
  index: number;
  /** As first printed, e.g. `[vllm-runtime runtime 3/3] RUN printf ...`. */
  name: string;
  cached: boolean;
  done: boolean;
  /** From `DONE 1.2s`; 0 when not printed. */
  seconds: number;
  error?: string;
  /** What the step printed, without the `#N 0.123 ` prefix. */
  output: string[];
}

const LOG = /^(\d+\.\d+) (.*)$/;

export function parsePlainProgress(log: string): Step[] {
  const steps = new Map<number, Step>();
  for (const line of log.split(/\r?\n/)) {
    const match = /^#(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const index = Number(match[1]);
    const rest = match[2]!;
    let step = steps.get(index);
    if (!step) {
      step = { index, name: LOG.test(rest) ? '' : rest, cached: false, done: false, seconds: 0, output: [] };
      steps.set(index, step);
      if (step.name) continue;
    }
    const done = /^DONE(?: ([\d.]+)s)?$/.exec(rest);
    if (rest === 'CACHED') step.cached = true;
    else if (done) {
      step.done = true;
      step.seconds += Number(done[1] ?? 0);
    } else if (rest.startsWith('ERROR: ')) step.error = rest.slice('ERROR: '.length);
    else {
      const log = LOG.exec(rest);
      if (log) step.output.push(log[2]!);
    }
  }
  return [...steps.values()];
}

/** A Dockerfile instruction that builds a layer (`[target stage 2/5] RUN ...`): not FROM, loading, cache import or export. */
export function isInstruction(step: Step): boolean {
  return /^\[[^\]]* \d+\/\d+\] /.test(step.name) && !/^\[[^\]]*\] FROM /.test(step.name);
}

/** A step whose error fails the build: a missing cache to import only prints an error and goes on. */
export function isFailure(step: Step): boolean {
  return step.error !== undefined && !/(^|\] )importing cache manifest from /.test(step.name);
}

/** The target a step belongs to: the first word in its brackets when it is one of `targets`. */
export function stepTarget(step: Step, targets: ReadonlySet<string>): string | undefined {
  const first = /^\[([^\] ]+)/.exec(step.name)?.[1];
  return first && targets.has(first) ? first : undefined;
}
