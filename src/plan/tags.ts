// The tags of one stage cell: the stage's (those whose `when` matches), then
// the overrides naming the stage (added, or replacing them), in file order.
// Tags several targets share on purpose are kept apart: bake does not push them.
import { matches, type Values } from '../expand/index.ts';
import { capital } from '../problems/capital.ts';
import { error, type Problem } from '../problems/problem.ts';
import type { Matrix, Origin, Stage, TagSpec, Variable } from '../types/matrix.ts';
import { applyFilters, conditionalBake, evaluatePieces, filterFor, parseTemplate, piecesToBake, render, type Piece, type PlaceholderPart, type RenderProblem, type Scope, type Source } from '../template/index.ts';
import { imageReferenceProblem } from './names.ts';
import { contentTagText, INPUTS_SAMPLE, inputsOutsideTag, usesInputs, withInputs } from '../template/inputs-placeholder.ts';

export interface PlannedTag {
  /** As written into the bake file: with `if`, an entry that is "" (left out) while a condition is empty. */
  bake: string;
  /** With every variable at its default ("" when a condition is empty then). */
  preview: string;
  origin: Origin;
  /** The template as written. */
  template: string;
  shared: boolean;
  sources: Source[];
  /** The tag's text, without its conditions. */
  pieces: Piece[];
  /** `if:` as bake variables: the tag exists only while each is set. */
  if?: string[];
  /** It reads {inputs}: a content tag, rendered by run and ci, never written into the bake file. */
  content?: true;
  /** For a content tag with `if:`: each variable with its default. */
  conditions?: { env: string; default: string }[];
}

export function tagSpecsOf(m: Matrix, stage: Stage, values: Values): readonly TagSpec[] {
  // Most stages have no tags of their own and no override adds any: nothing is copied for their cells.
  let specs: readonly TagSpec[] = stage.tags.length ? stage.tags.filter((t) => !t.when || matches(t.when, values)) : NO_TAGS;
  for (const o of m.overrides) {
    if (!o.tags.length || !o.stages?.includes(stage.key) || !matches(o.when, values)) continue;
    const added = o.tags.filter((t) => !t.when || matches(t.when, values));
    specs = o.replaceTags ? added : [...specs, ...added];
  }
  return specs.length ? specs.flatMap((spec) => perElement(m, spec, values)) : NO_TAGS;
}

const NO_TAGS: readonly TagSpec[] = [];

/**
 * A tag that uses a list attribute of a value ({python.aliases}) once per
 * element, each element written in as literal text, filters applied:
 * `python:{python.aliases}-{variant}` with aliases [3.14.6, 3.14, 3] is three
 * tags. Every placeholder of that attribute (`{python.aliases|major}` too)
 * takes the same element. One list attribute per tag: a second one is left as
 * written, and renders as a `list-var` error, so a tag never multiplies into
 * the product of several lists.
 */
function perElement(m: Matrix, spec: TagSpec, values: Values): TagSpec[] {
  if (!spec.template.text.includes('.')) return [spec];
  const parts = parseTemplate(spec.template.text);
  let chosen: { name: string; attr: string; list: readonly { text: string }[]; isDefault: boolean } | undefined;
  for (const p of parts) {
    if (p.kind !== 'placeholder' || !p.attr || p.arg || !filtersKnown(p)) continue;
    const valueName = values[p.name];
    const value = valueName === undefined ? undefined : m.axes.find((a) => a.name === p.name)?.values.find((v) => v.name === valueName);
    const list = value?.lists?.[p.attr];
    if (list && value) {
      chosen = { name: p.name, attr: p.attr, list, isDefault: value.isDefault };
      break;
    }
  }
  if (!chosen) return [spec];
  const { name, attr, list, isDefault } = chosen;
  const escape = (text: string) => text.replaceAll('{', '{{');
  return list.map((element) => {
    const text = parts
      .map((p) => {
        if (p.kind === 'literal') return escape(p.text);
        if (p.name !== name || p.attr !== attr || p.arg) return p.raw;
        const value = applyFilters(element.text, p.filters);
        if (!p.optional) return escape(value);
        return value === '' || (isDefault && !p.optional.keepDefault) ? '' : escape(p.optional.before + value + p.optional.after);
      })
      .join('');
    return { ...spec, template: { ...spec.template, text } };
  });
}

/** An unknown filter is reported where the placeholder renders, so such a list placeholder is left as written. */
function filtersKnown(p: PlaceholderPart): boolean {
  return p.filters.every((f) => filterFor(f));
}

export function renderTags(specs: readonly TagSpec[], cellScope: Scope, report: (t: TagSpec, problems: RenderProblem[]) => void, problems: Problem[] = []): PlannedTag[] {
  const tags: PlannedTag[] = [];
  const scope = withInputs(cellScope);
  for (const spec of specs) {
    const result = render(spec.template, scope);
    if (!result.ok) {
      report(spec, result.problems);
      continue;
    }
    const content = usesInputs(result.value.pieces);
    if (content) {
      const misuse = inputsOutsideTag(spec.template.text) ?? (spec.shared ? 'a content tag names one image: it cannot be `shared`' : undefined);
      if (misuse) {
        if (!problems.some((q) => q.code === 'bad-content-tag' && q.file === spec.template.origin.file && q.pointer === spec.template.origin.pointer)) problems.push(error('bad-content-tag', `The tag "${spec.template.text}": ${misuse}.`, { file: spec.template.origin.file, pointer: spec.template.origin.pointer, hint: 'A content tag is <repository>:<text with {inputs} or {inputs|short}>, e.g. "{registry}/{framework}:{inputs|short}"; the repository is that of the image.' }));
        continue;
      }
    }
    const conditions = (spec.if ?? []).flatMap((key) => {
      const found = scope.lookup({ kind: 'placeholder', raw: `{${key}}`, name: key, arg: false, filters: [] });
      return found.kind === 'variable' ? [found.variable] : []; // an unknown one is reported by validation
    });
    // Without a condition, the text the rendering already made (not a second copy of it).
    const bake = conditions.length ? conditionalBake(result.value.pieces, conditions.map((v) => v.env)) : result.value.bake;
    if (tags.some((t) => t.bake === bake)) continue;
    const preview = conditions.some((v) => v.default === '') ? '' : content ? contentTagText(result.value.pieces, INPUTS_SAMPLE, {}) : result.value.preview;
    tags.push({ bake, preview, origin: spec.template.origin, template: spec.template.text, shared: spec.shared, sources: result.value.sources, pieces: result.value.pieces, ...(conditions.length ? { if: conditions.map((v) => v.env) } : {}), ...(content ? { content: true as const, ...(conditions.length ? { conditions: conditions.map((v) => ({ env: v.env, default: v.default })) } : {}) } : {}) });
  }
  return tags;
}

const GRAMMAR_HINT = 'Tags are [registry/]name[:tag]; names are lower-case.';

interface TagOwner {
  target: string;
  shared: boolean;
  origin: Origin;
  /** The tag as written into the bake file (variables as `${NAME}`). */
  bake: string;
  template: string;
}

/**
 * Who pushes which tag: two targets pushing one tag is an error unless both declare it shared.
 * Tags are compared as written into the bake file and at their resolved values (every
 * variable at its default): `{registry}/x:1` and the registry written out are one tag.
 */
export class TagOwners {
  private readonly owners = new Map<string, TagOwner>();
  private readonly resolved = new Map<string, TagOwner>();

  constructor(private readonly variables: readonly Variable[]) {}

  check(tag: PlannedTag, target: string): Problem | undefined {
    const invalid = imageReferenceProblem(checkedText(tag));
    if (invalid) return this.invalid(tag, target, invalid);
    // A content tag differs with each image's inputs: two images with the same inputs are the same image.
    if (tag.content) return undefined;
    // The tag as written, without its condition (a tag without one is written as that already).
    const key = tag.if ? piecesToBake(tag.pieces) : tag.bake;
    // A conditional tag whose condition is empty by default exists only at run time: compared as written only.
    const value = tag.preview || undefined;
    const owner = this.owners.get(key) ?? (value !== undefined ? this.resolved.get(value) : undefined);
    if (!owner) {
      const entry = { target, shared: tag.shared, origin: tag.origin, bake: key, template: tag.template };
      this.owners.set(key, entry);
      if (value !== undefined && !this.resolved.has(value)) this.resolved.set(value, entry);
      return undefined;
    }
    if (owner.target === target || (owner.shared && tag.shared)) return undefined;
    if (owner.bake !== key) {
      return error('duplicate-tag', `Targets "${owner.target}" and "${target}" would both push the tag "${tag.preview}": "${owner.template}" and "${tag.template}" are the same reference at the run-time variables' defaults.`, {
        file: tag.origin.file,
        pointer: tag.origin.pointer,
        hint: 'Write the tags the same way (a placeholder such as {registry} rather than its value written out) and put the axes that tell the targets apart into them, or declare both `shared: true` if one manifest should hold both images.',
      });
    }
    if (owner.shared !== tag.shared) {
      const [sharedAt, plainAt] = owner.shared ? [owner.target, target] : [target, owner.target];
      return error('duplicate-tag', `The tag "${tag.preview || tag.template}" is declared \`shared\` for target "${sharedAt}" but not for "${plainAt}", which would push it alone.`, {
        file: tag.origin.file,
        pointer: tag.origin.pointer,
        hint: 'Mark the tag `shared: true` everywhere it is meant to stand for several images, or tell the tags apart.',
      });
    }
    return error('duplicate-tag', `Targets "${owner.target}" and "${target}" would both push the tag "${tag.preview || tag.template}".`, {
      file: tag.origin.file,
      pointer: tag.origin.pointer,
      hint: 'Put the axes that tell the targets apart into the tag template, or declare the tag `shared: true` if one manifest should hold both images (`bake-matrix manifest`).',
    });
  }

  /** Names the variable whose empty default makes the tag invalid, and how to set it. */
  private invalid(tag: PlannedTag, target: string, problem: string): Problem {
    const used = new Set(tag.sources.map((s) => s.variable).filter((v) => !tag.if?.includes(v!)));
    const culprit = this.variables.find((v) => v.default === '' && used.has(v.env));
    if (culprit) {
      return error('bad-tag', `The tag "${checkedText(tag)}" of target "${target}" is not a valid image reference when ${culprit.env} has its default (empty): ${problem}.`, {
        file: tag.origin.file,
        pointer: tag.origin.pointer,
        ...caretAt(tag, culprit),
        hint: `${emptyVariableFix(tag, culprit)} CI sets ${culprit.env} in the environment.`,
      });
    }
    return error('bad-tag', `The tag "${checkedText(tag)}" of target "${target}" is not a valid image reference: ${problem}.`, {
      file: tag.origin.file,
      pointer: tag.origin.pointer,
      hint: `${GRAMMAR_HINT} Variables are checked at their defaults.`,
    });
  }
}

/**
 * How to keep a tag valid while a variable is empty. An optional segment drops
 * the value with its separator: the one before it ({-git_sha}) after other
 * text, the one after it ({git_sha-}) where it starts the tag or a name part,
 * since a tag cannot start with "-". A placeholder that is the whole tag or
 * name part has nothing to fall back to: give a default, or `if:`.
 */
/** The caret on the variable's placeholder in the tag, when it is there as written. */
function caretAt(tag: PlannedTag, variable: Variable): Partial<Problem> {
  const raw = tag.sources.find((s) => s.variable === variable.env)?.placeholder;
  return raw && tag.template.includes(raw) ? { caret: { text: raw, occurrence: 0, length: tag.template.length } } : {};
}

function emptyVariableFix(tag: PlannedTag, variable: Variable): string {
  const fallback = `give {${variable.key}} a default (variables.${variable.key}.default)`;
  const raw = tag.sources.find((s) => s.variable === variable.env)?.placeholder;
  const at = raw ? tag.template.indexOf(raw) : -1;
  if (!raw || at < 0 || !/^\{[a-z]/.test(raw)) return `${capital(fallback)}, or keep the tag only while ${variable.env} is set (\`if: ${variable.key}\`).`;
  const before = tag.template[at - 1] ?? '';
  const after = tag.template[at + raw.length] ?? '';
  const starts = before === '' || before === ':' || before === '/';
  const ends = after === '' || after === ':' || after === '/' || after === '@';
  const separator = /^[-_.]$/;
  if (!starts && separator.test(before)) return `Make it an optional segment, left out with its "${before}" while ${variable.env} is empty: write ${before}${raw} as ${raw.slice(0, 1)}${before}${raw.slice(1)}; or ${fallback}.`;
  if (starts && separator.test(after)) return `Make it an optional segment, left out with its "${after}" while ${variable.env} is empty: write ${raw}${after} as ${raw.slice(0, -1)}${after}}; or ${fallback}.`;
  if (starts && ends) return `It is a whole part of the tag, which would be empty: keep the tag only while ${variable.env} is set (\`{ tag: "${tag.template}", if: ${variable.key} }\`), or ${fallback}.`;
  return `${capital(fallback)}, or keep the tag only while ${variable.env} is set (\`if: ${variable.key}\`).`;
}

/** The text a tag is checked as: at the defaults, and a conditional one as it reads when its conditions hold ("x0" for an empty default). */
function checkedText(tag: PlannedTag): string {
  if (!tag.if) return tag.preview;
  const sample = Object.fromEntries(tag.pieces.flatMap((p) => ('runtime' in p && p.runtime && tag.if!.includes(p.runtime.env) && p.runtime.default === '' ? [[p.runtime.env, 'x0']] : [])));
  return evaluatePieces(tag.pieces, sample);
}
