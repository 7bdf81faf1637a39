// Bounds on rendering: `{arg:NAME}` and table entries can use a value several
// times, so a short chain of templates can double a value at every step. The
// length of each rendered value is checked while it is built (before it grows
// past the limit), and the characters rendered across the whole plan are
// counted, so rendering is linear in the limits whatever the templates say.
import { DEFAULT_LIMITS, limitReason, raiseHint, type Limits } from '../load/limits.ts';

type RenderLimits = Pick<Limits, 'valueLength' | 'renderWork' | 'templateChain'>;

export class RenderBudget {
  private left: number;
  /** Renderings in progress, one inside the other ({arg:NAME} and table entries). */
  depth = 0;
  /** Set once a limit is exceeded: every later rendering fails at once (the first one said why). */
  exhausted = false;

  constructor(readonly limits: RenderLimits = DEFAULT_LIMITS) {
    this.left = limits.renderWork;
  }

  get valueLength(): number {
    return this.limits.valueLength;
  }

  get templateChain(): number {
    return this.limits.templateChain;
  }

  /** Counts `characters` rendered; false once the total is past the limit. */
  spend(characters: number): boolean {
    this.left -= characters;
    if (this.left < 0) this.exhausted = true;
    return !this.exhausted;
  }

  /** Why a value cannot be rendered: it would be longer than a value may be. */
  tooLong(length: number): { reason: string; hint: string } {
    this.exhausted = true;
    return { reason: limitReason('valueLength', this.full(), `rendered, this value would have ${length.toLocaleString('en-US')} or more`), hint: raiseHint('valueLength', this.full()) };
  }

  /** Why a template cannot be rendered: it is too deep in a chain of templates that read each other. */
  tooDeep(): { reason: string; hint: string } {
    this.exhausted = true;
    return { reason: limitReason('templateChain', this.full(), `this one is number ${(this.depth + 1).toLocaleString('en-US')} of its chain`), hint: raiseHint('templateChain', this.full()) };
  }

  /** Why rendering stopped: the templates of the matrix render too much text in all. */
  spent(): { reason: string; hint: string } {
    return { reason: limitReason('renderWork', this.full(), 'the targets rendered so far reach it here'), hint: raiseHint('renderWork', this.full()) };
  }

  private full(): Limits {
    return { ...DEFAULT_LIMITS, ...this.limits };
  }
}

/** For a rendering outside a plan (a name in `explain`): the length of the value is bounded, the total is not counted. */
export function uncounted(): RenderBudget {
  return new RenderBudget({ ...DEFAULT_LIMITS, renderWork: Number.POSITIVE_INFINITY });
}
