// The variable uses an empty value breaks: not `${X:-default}` or `${X:+alt}`,
// not in ENV, LABEL or ARG (an empty label is fine), and not args named as
// optional extras (EXTRA_..., ..._ARGS, ..._FLAGS, ..._OPTS, ..._OPTIONS).
// What `arg-without-value` (check-args.ts) reports, and what `init` sets to "".
import type { VarUse } from './parse-dockerfile.ts';

const OPTIONAL_NAME = /(^|_)EXTRA(_|$)|_(ARGS|FLAGS|OPTS|OPTIONS)$/i;

export function requiredUses(uses: readonly VarUse[]): VarUse[] {
  return uses.filter((u) => !u.optional && !['ENV', 'LABEL', 'ARG', 'ONBUILD'].includes(u.keyword) && !OPTIONAL_NAME.test(u.name));
}
