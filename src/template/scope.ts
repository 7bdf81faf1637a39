// What placeholders stand for in one target: its axis values and their
// attributes, the built-ins, the tables, the run-time variables and its args.
import { own } from '../dict.ts';
import { ABSENT_KEY, describeCombination } from './combination.ts';
import type { Axis, AxisValue, Matrix, Table, Variable } from '../types/matrix.ts';
import type { PlaceholderPart } from './parse-template.ts';
import { NOT_VARIED, render, type Lookup, type Scope, type Source } from './render.ts';
import type { RenderBudget } from './render-budget.ts';
import { INPUTS_ONLY_IN_TAGS, INPUTS_PLACEHOLDER } from './inputs-placeholder.ts';

const IN_ENTRY = 'in the entry for ';

/** Placeholders bake-matrix fills itself ({inputs}: in tags only, inputs-placeholder.ts). */
export const BUILT_IN_PLACEHOLDERS = ['stage', 'target', 'matrix', 'layer', INPUTS_PLACEHOLDER] as const;

/** The names a matrix defines, indexed once and shared by every scope. */
export interface MatrixNames {
  axes: ReadonlyMap<string, Axis>;
  values: ReadonlyMap<string, ReadonlyMap<string, AxisValue>>;
  variables: ReadonlyMap<string, Variable>;
  tables: ReadonlyMap<string, Table>;
}

export function matrixNames(m: Pick<Matrix, 'axes' | 'variables' | 'tables'>): MatrixNames {
  return {
    axes: new Map(m.axes.map((a) => [a.name, a])),
    values: new Map(m.axes.map((a) => [a.name, new Map(a.values.map((v) => [v.name, v]))])),
    variables: new Map(m.variables.map((v) => [v.key, v])),
    tables: new Map(m.tables.map((t) => [t.name, t])),
  };
}

export interface CellInput {
  /** Axis -> value, for the axes that apply (an axis a value's `without` removes is missing). */
  values: Readonly<Record<string, string>>;
  /** The axes the stage varies over. */
  varies: readonly string[];
  /** {stage}, {target}, {matrix}, {layer}: those known where the template is used. */
  builtins: Readonly<Record<string, string>>;
  /** Resolves {arg:NAME}; without it, {arg:...} is not available here. */
  arg?: (name: string) => Lookup;
  /** Where templates are used, for "not available here" messages: "a target name", "a tag". */
  usedIn?: string;
  /** Bounds on the rendered text, shared by every scope of one plan. */
  budget?: RenderBudget;
}

export function cellScope(names: MatrixNames, input: CellInput): Scope {
  return new CellScope(names, input);
}

/** What an axis placeholder reads depends on the placeholder and the value only: one lookup for every cell with that value. */
const axisLookups = new WeakMap<PlaceholderPart, Map<AxisValue, Lookup>>();
const builtinSources = new WeakMap<PlaceholderPart, Source>();
/** What a variable placeholder reads depends on the placeholder and the variable only (the last variable it was read for). */
const variableLookups = new WeakMap<PlaceholderPart, Lookup>();

function builtinSource(p: PlaceholderPart): Source {
  let source = builtinSources.get(p);
  if (!source) builtinSources.set(p, (source = { placeholder: p.raw, what: `{${p.name}}` }));
  return source;
}

/** The end of the reason a lookup gives for a name the matrix does not define (a reporter can tell it from one that is defined but not available). */
export const NOT_DEFINED = 'is no axis, variable or table';

class CellScope implements Scope {
  /** Made on the first table read: most scopes read none. */
  private tableStack: string[] | undefined;
  private tableLookups: Map<string, Lookup> | undefined;

  constructor(
    private readonly names: MatrixNames,
    private readonly input: CellInput,
  ) {}

  get budget(): RenderBudget | undefined {
    return this.input.budget;
  }

  available(): string[] {
    const tables = [...this.names.tables.values()].filter((t) => t.by.every((axis) => this.input.varies.includes(axis))).map((t) => t.name);
    return [...Object.keys(this.input.builtins), ...this.input.varies, ...this.names.variables.keys(), ...tables].sort();
  }

  lookup(p: PlaceholderPart): Lookup {
    if (p.arg) {
      if (!this.input.arg) return { kind: 'error', code: 'unknown-placeholder', reason: `args are not available in ${this.input.usedIn ?? 'this template'}` };
      return this.input.arg(p.name);
    }
    const builtin = own(this.input.builtins, p.name);
    if (builtin !== undefined) {
      if (p.attr) return { kind: 'error', code: 'no-attributes', reason: `{${p.name}} has no attributes` };
      return { kind: 'text', text: builtin, source: builtinSource(p) };
    }
    if (this.names.axes.has(p.name)) return this.axis(p);
    const variable = this.names.variables.get(p.name);
    if (variable) {
      if (p.attr) return { kind: 'error', code: 'no-attributes', reason: `the run-time variable {${p.name}} has no attributes` };
      const known = variableLookups.get(p);
      if (known?.kind === 'variable' && known.variable === variable) return known;
      const found: Lookup = { kind: 'variable', variable, source: { placeholder: p.raw, variable: variable.env, what: `variable ${variable.env}`, origin: variable.origin }, shared: true };
      variableLookups.set(p, found);
      return found;
    }
    const table = this.names.tables.get(p.name);
    if (table) {
      // One lookup per placeholder text in a scope, failed ones included: an entry that reads
      // another table twice renders it once, so a chain of entries cannot double the work at each step.
      const lookups = (this.tableLookups ??= new Map());
      let found = lookups.get(p.raw);
      if (!found) lookups.set(p.raw, (found = this.table(table, p)));
      return found;
    }
    if (p.name === INPUTS_PLACEHOLDER) return { kind: 'error', code: 'inputs-not-in-tag', ...INPUTS_ONLY_IN_TAGS };
    if ((BUILT_IN_PLACEHOLDERS as readonly string[]).includes(p.name)) return { kind: 'error', code: 'unknown-placeholder', reason: `{${p.name}} is not available in ${this.input.usedIn ?? 'this template'}` };
    return { kind: 'error', code: 'unknown-placeholder', reason: `{${p.name}} ${NOT_DEFINED}` };
  }

  private axis(p: PlaceholderPart): Lookup {
    if (!this.input.varies.includes(p.name)) {
      return { kind: 'error', code: NOT_VARIED, reason: `this target does not vary over the axis "${p.name}"`, hint: `Only the axes of the stage (${this.input.varies.join(', ') || 'none'}) can be used here.` };
    }
    const valueName = own(this.input.values, p.name);
    if (valueName === undefined) return { kind: 'absent', reason: `the axis "${p.name}" does not apply to ${this.absentBecause(p.name)}` };
    const value = this.names.values.get(p.name)!.get(valueName)!;
    let byValue = axisLookups.get(p);
    if (!byValue) axisLookups.set(p, (byValue = new Map()));
    let found = byValue.get(value);
    if (!found) {
      found = this.axisValue(p, value);
      if (found.kind === 'text') found.shared = true;
      byValue.set(value, found);
    }
    return found;
  }

  private axisValue(p: PlaceholderPart, value: AxisValue): Lookup {
    const valueName = value.name;
    if (!p.attr) return { kind: 'text', text: valueName, isDefault: value.isDefault, source: { placeholder: p.raw, what: `${p.name} "${valueName}"`, origin: value.origin } };
    const attr = own(value.vars, p.attr);
    const list = attr || !value.lists ? undefined : own(value.lists, p.attr);
    if (list) {
      return {
        kind: 'error',
        code: 'list-var',
        reason: `\`vars.${p.attr}\` of ${p.name} "${valueName}" is a list (${list.map((e) => `"${e.text}"`).join(', ')}), which only a tag can use`,
        hint: `A tag that uses {${p.name}.${p.attr}} is written once per element (one list attribute per tag); elsewhere, use an attribute that is one text.`,
      };
    }
    if (!attr) {
      const has = Object.keys(value.vars);
      const others = [...this.names.values.get(p.name)!.values()].filter((v) => v.vars[p.attr!]).map((v) => `"${v.name}"`);
      // Usually the setting reaches more values than it is meant for (an arg on a stage that also builds a CPU variant): narrow it first.
      const narrow = others.length
        ? `If this setting does not apply to "${valueName}", set it only where it does: in the \`args\` of the ${p.name} values that have \`vars.${p.attr}\` (${others.join(', ')}), or in an override whose \`when\` names them. Else give`
        : 'Give';
      return {
        kind: 'error',
        code: 'missing-var',
        reason: `the ${p.name} value "${valueName}" has no \`vars.${p.attr}\``,
        hint: `${narrow} "${valueName}" a \`vars: { ${p.attr}: ... }\`${has.length ? ` (it has: ${has.join(', ')})` : ''}.`,
      };
    }
    return { kind: 'text', text: attr.text, isDefault: value.isDefault, source: { placeholder: p.raw, what: `vars.${p.attr} of ${p.name} "${valueName}"`, origin: attr.origin } };
  }

  private absentBecause(axis: string): string {
    for (const [other, name] of Object.entries(this.input.values)) {
      if (this.names.values.get(other)?.get(name)?.without.includes(axis)) return `${other}=${name} (its \`without\`)`;
    }
    return 'this combination';
  }

  private table(table: Table, p: PlaceholderPart): Lookup {
    const keys: string[] = [];
    for (const axis of table.by) {
      if (!this.input.varies.includes(axis)) {
        return { kind: 'error', code: 'unknown-placeholder', reason: `the table "${table.name}" is indexed by ${table.by.join(', ')}, and this target does not vary over ${axis}`, hint: `Use {${table.name}} only in stages that vary over ${table.by.join(', ')} (this one varies over ${this.input.varies.join(', ') || 'no axis'}), or add ${axis} to its axes.` };
      }
      keys.push(own(this.input.values, axis) ?? ABSENT_KEY);
    }
    const entry = table.entries.get(keys.join('\0'));
    const combination = describeCombination(table.by, keys);
    if (!entry) {
      return { kind: 'error', code: 'missing-table-entry', reason: `the table "${table.name}" has no entry for ${combination}`, hint: `Add it under tables.${table.name}.entries (nested by ${table.by.join(', ')}${keys.includes(ABSENT_KEY) ? '; "-" stands for an axis that does not apply' : ''}).` };
    }
    const columns = 'text' in entry.cell ? undefined : entry.cell;
    let template;
    if (p.attr) {
      template = own(columns, p.attr);
      if (!template) return { kind: 'error', code: 'table-column', reason: `the entry for ${combination} of table "${table.name}" has no column "${p.attr}"`, hint: columns ? `Its columns: ${Object.keys(columns).join(', ')}.` : `It is a single value: write {${table.name}}.` };
    } else {
      if (columns) return { kind: 'error', code: 'table-column', reason: `the entry for ${combination} of table "${table.name}" has columns`, hint: `Name one: ${Object.keys(columns).map((c) => `{${table.name}.${c}}`).join(', ')}.` };
      template = entry.cell as { text: string; origin: typeof entry.origin };
    }
    const source: Source = { placeholder: p.raw, what: `table ${table.name} [${combination}]${p.attr ? ` column ${p.attr}` : ''}`, origin: template.origin };
    const stack = (this.tableStack ??= []);
    if (stack.includes(table.name)) return { kind: 'error', code: 'table-cycle', reason: `the table "${table.name}" refers to itself (${[...stack, table.name].join(' -> ')})` };
    stack.push(table.name);
    try {
      const rendered = render(template, this);
      if (!rendered.ok) {
        const first = rendered.problems[0]!;
        // In a chain of entries, the innermost one says where it failed; the ones around it add nothing.
        if (first.reason.startsWith(IN_ENTRY)) return { kind: 'error', code: first.code, reason: first.reason, ...(first.hint ? { hint: first.hint } : {}) };
        return { kind: 'error', code: first.code, reason: `${IN_ENTRY}${combination} of table "${table.name}" (${template.origin.file}), ${first.placeholder.raw}: ${first.reason}`, ...(first.hint ? { hint: first.hint } : {}) };
      }
      return { kind: 'pieces', pieces: rendered.value.pieces, source, sources: rendered.value.sources };
    } finally {
      stack.pop();
    }
  }
}
