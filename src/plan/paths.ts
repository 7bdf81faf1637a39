// Where a target builds: its context and Dockerfile (templates over the cell's
// values, relative to the project root), and its named local contexts. Paths
// are fixed when the file is generated: a run-time variable in one is an error.
import { posix } from 'node:path';
import { error, type Problem } from '../problems/problem.ts';
import type { Settings, Template } from '../types/matrix.ts';
import { classifyContext } from '../reference/named-context.ts';
import { hasPlaceholders, render, type RenderProblem, type Scope } from '../template/index.ts';
import { referenceSample } from './reference-sample.ts';
import { dict } from '../dict.ts';

export interface Location {
  /** As emitted: the context, and the Dockerfile relative to it. */
  context: string;
  dockerfile: string;
  /** The Dockerfile relative to the project root, for the Dockerfile checks. */
  dockerfilePath: string;
  /** Where it is written; for the default Dockerfile of a templated context, where the context is. */
  dockerfileOrigin: Template['origin'];
  /** The default "Dockerfile" resolved against a templated context, as bake does. */
  dockerfileInContext?: boolean;
  /** The context relative to the project root, and where it was written. */
  contextPath: string;
  contextOrigin: Template['origin'];
}

/** A named context that is a local folder (no scheme such as docker-image:// or target:). */
export function isLocalContext(value: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(value);
}

/** The folder an `oci-layout://path[:tag][@digest]` context reads (a local path too), cut as buildx cuts it (at the first "@", then the first ":"), or undefined for any other context. */
export function ociLayoutPath(value: string): string | undefined {
  const context = classifyContext(value);
  return context.kind === 'oci-layout' ? context.path : undefined;
}

export function renderPath(t: Template, scope: Scope, report: (t: Template, problems: RenderProblem[]) => void, problems: Problem[]): string | undefined {
  const result = render(t, scope);
  if (!result.ok) {
    report(t, result.problems);
    return undefined;
  }
  if (result.value.usesVariables) {
    problems.push(error('path-uses-variable', `The path "${t.text}" uses a run-time variable; paths are fixed when the bake file is generated (and the Dockerfile is checked then).`, {
      file: t.origin.file,
      pointer: t.origin.pointer,
      hint: 'Use axis values, their `vars` or tables in paths.',
    }));
    return undefined;
  }
  return result.value.preview;
}

/** The file of a path no matrix file writes (the built-in `Dockerfile` and `.`). */
const BUILT_IN_FILE = '(built-in)';

/**
 * Where a stage cell builds. A Dockerfile no matrix file writes is "Dockerfile"
 * resolved against the context when the context is templated, as bake resolves
 * its default (bake/bake.go: path.Join(context, dockerfile)); against the project
 * root otherwise, as before (an untemplated context keeps its output).
 */
export function locationOf(dockerfile: Template, context: Template, scope: Scope, report: (t: Template, problems: RenderProblem[]) => void, problems: Problem[]): Location | undefined {
  const contextPath = renderPath(context, scope, report, problems);
  const inContext = dockerfile.origin.file === BUILT_IN_FILE && hasPlaceholders(context.text);
  const dockerfilePath = inContext ? (contextPath === undefined ? undefined : posix.join(contextPath, dockerfile.text)) : renderPath(dockerfile, scope, report, problems);
  if (contextPath === undefined || dockerfilePath === undefined) return undefined;
  // Most stages build every cell in one place: their cells share one Location.
  let byPaths = locations.get(context);
  if (!byPaths) locations.set(context, (byPaths = new Map()));
  const key = `${contextPath}\0${dockerfilePath}`;
  const known = byPaths.get(key);
  if (known?.dockerfileOrigin === (inContext ? context.origin : dockerfile.origin)) return known;
  const location: Location = {
    context: contextPath,
    dockerfile: posix.relative(posix.normalize(contextPath), posix.normalize(dockerfilePath)) || dockerfilePath,
    dockerfilePath,
    dockerfileOrigin: inContext ? context.origin : dockerfile.origin,
    ...(inContext ? { dockerfileInContext: true } : {}),
    contextPath,
    contextOrigin: context.origin,
  };
  byPaths.set(key, location);
  return location;
}

/** Context template -> "context\0dockerfile" -> its Location (read only). */
const locations = new WeakMap<Template, Map<string, Location>>();

/** The named contexts a stage declares, rendered; local folders may not use variables. */
export interface NamedContext {
  /** As emitted. */
  value: string;
  /** A folder relative to the project root (no scheme). */
  local: boolean;
  /** For `target:<name>`: the bake target it links (checked once every target is planned). */
  target?: string;
  origin: Template['origin'];
}

export function namedContexts(contexts: Settings, scope: Scope, report: (t: Template, problems: RenderProblem[]) => void, problems: Problem[]): Record<string, NamedContext> {
  const out = dict<NamedContext>();
  for (const [name, t] of Object.entries(contexts)) {
    const result = render(t, scope);
    if (!result.ok) {
      report(t, result.problems);
      continue;
    }
    const { text, note } = referenceSample(result.value);
    const context = classifyContext(text);
    if (context.kind === 'invalid') {
      problems.push(error('bad-context', `The named context "${name}" is "${text}": ${context.reason}${note}.`, { file: t.origin.file, pointer: t.origin.pointer, hint: context.hint }));
      continue;
    }
    const local = context.kind === 'local';
    // Local folders (an OCI layout too) and target names are fixed when the file is generated.
    if ((local || context.kind === 'oci-layout') && result.value.usesVariables) {
      renderPath(t, scope, report, problems);
      continue;
    }
    if (context.kind === 'target' && result.value.usesVariables) {
      problems.push(error('name-uses-variable', `The named context "${name}" links a bake target through a run-time variable; target names are fixed when the file is generated.`, { file: t.origin.file, pointer: t.origin.pointer, hint: 'Write target:<name> with axis values, their `vars` or tables.' }));
      continue;
    }
    out[name] = { value: result.value.bake, local, ...(context.kind === 'target' ? { target: context.name } : {}), origin: t.origin };
  }
  return out;
}
