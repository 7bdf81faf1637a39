// A stage that builds no cell and a group over such stages are errors: the
// matrix says something it never does. An axis value no stage builds is a warning.
// Checked on the expansion of a valid matrix, before planning.
import { error, type Problem } from '../problems/problem.ts';
import type { Matrix } from '../types/matrix.ts';
import { own } from '../dict.ts';
import { ABSENT_KEY, describeCombination } from '../template/index.ts';
import { describeValues, NO_PLATFORM_LEFT, type Expansion, type Values } from './index.ts';

export function emptySelections(m: Matrix, expansion: Expansion): Problem[] {
  const built = new Set(expansion.cells.map((c) => c.stage.key));
  return [...emptyStages(m, expansion, built), ...emptyGroups(m, built), ...unusedValues(m, expansion), ...unusedTableEntries(m, expansion)];
}

function emptyStages(m: Matrix, expansion: Expansion, built: ReadonlySet<string>): Problem[] {
  // Only the first empty stage of a chain: its children are empty because of it.
  return m.stages
    .filter((s) => !built.has(s.key) && (!s.from || built.has(s.from)))
    .map((s) => {
      const dropped = expansion.dropped.filter((d) => d.stage === s.key);
      const why = dropped.length
        ? `every combination is dropped (e.g. ${describeValues(dropped[0]!.values)}: ${dropped[0]!.reason})`
        : 'no combination of its axes is left after `exclude`, `include` and the `only` lists';
      return error('empty-stage', `Stage "${s.key}" selects nothing: ${why}, so it builds no target.`, {
        file: s.origin.file,
        pointer: s.only ? `${s.origin.pointer}/only` : s.origin.pointer,
        atKey: !s.only,
        hint: s.only
          ? 'Its `only` must accept at least one combination that exclude rules, the values\' `only` lists and platform restrictions leave: widen it, or remove the stage.'
          : 'Check the exclude rules, the values\' `only` lists and the platform restrictions, or remove the stage.',
      });
    });
}

function emptyGroups(m: Matrix, built: ReadonlySet<string>): Problem[] {
  return m.groups.flatMap((g) => {
    if (g.kind !== 'template' || g.stages.length === 0 || g.stages.some((s) => built.has(s) || !m.stages.some((x) => x.key === s))) return [];
    return [
      error('empty-group', `The group "${g.template.text}" selects nothing: ${g.stages.length > 1 ? 'its stages' : 'its stage'} ${g.stages.map((s) => `"${s}"`).join(', ')} ${g.stages.length > 1 ? 'build' : 'builds'} no target.`, {
        file: g.origin.file,
        pointer: g.origin.pointer,
        atKey: true,
        hint: 'Make the stages build something (see the empty-stage errors), or remove the group.',
      }),
    ];
  });
}

/** Values of an axis that some stage varies over but that no built cell has. */
function unusedValues(m: Matrix, expansion: Expansion): Problem[] {
  const problems: Problem[] = [];
  for (const axis of m.axes) {
    const stages = m.stages.filter((s) => s.axes.includes(axis.name));
    if (stages.length === 0) continue;
    const seen = new Set(expansion.cells.filter((c) => c.stage.axes.includes(axis.name)).map((c) => c.values[axis.name]));
    if (seen.size === 0) continue; // every stage over it is empty: reported there
    for (const value of axis.values) {
      if (seen.has(value.name)) continue;
      // A warning: a value switched off by an exclude rule is a plausible way to disable it for a while.
      const assumed = assumedPlatforms(m, expansion, axis.name, value.name);
      problems.push({
        ...error('unused-value', `The ${axis.name} value "${value.name}" is built by no stage: exclude rules, \`only\` lists or platform restrictions drop every combination with it.${assumed ? ` ${assumed.message}` : ''}`, {
          file: value.origin.file,
          pointer: value.origin.pointer,
          atKey: true,
          hint: assumed?.hint ?? `Remove the value, or allow it in some combination (stages over ${axis.name}: ${stages.map((s) => s.key).join(', ')}).`,
        }),
        severity: 'warning',
      });
    }
  }
  return problems;
}

/**
 * When the value's combinations were dropped for want of a platform, and the
 * stage that dropped them builds for the default platforms (no top-level
 * `platforms:`, none on the stage): which platforms were assumed, and where to set them.
 */
function assumedPlatforms(m: Matrix, expansion: Expansion, axis: string, value: string): { message: string; hint: string } | undefined {
  if (m.platformsOrigin.file !== '(built-in)') return undefined;
  const stages = new Map(m.stages.map((s) => [s.key, s]));
  const dropped = expansion.dropped.find((d) => d.reason === NO_PLATFORM_LEFT && d.values[axis] === value && !stages.get(d.stage)?.platforms);
  if (!dropped) return undefined;
  const own = m.axes.find((a) => a.name === axis)?.values.find((v) => v.name === value)?.platforms;
  const wanted = own?.length ? own : undefined;
  const example = [...new Set([...m.platforms, ...(wanted ?? [])])];
  return {
    message: `No top-level \`platforms:\` is set, so stage "${dropped.stage}" builds only for the default platform${m.platforms.length > 1 ? 's' : ''}, ${m.platforms.join(', ')}${wanted ? `, and none of the value's own platforms (${wanted.join(', ')}) is among them` : ''}.`,
    hint: `Set the platforms at the top level of a matrix file (e.g. \`platforms: [${example.join(', ')}]\` in ${m.sources[0] ?? 'the matrix'}), or on the stage (\`stages.${dropped.stage}.platforms\`); or remove the value.`,
  };
}

/**
 * Table entries for a combination no target is built with (an exclude rule, an
 * `only` list or a platform restriction drops it): a warning, like a value
 * switched off. Only tables some stage or layer can read (it varies over every
 * axis the table is indexed by); entries that can never be read whatever the
 * rules (a value with an axis it takes away) are errors found when validating.
 */
function unusedTableEntries(m: Matrix, expansion: Expansion): Problem[] {
  const problems: Problem[] = [];
  for (const table of m.tables) {
    const used = new Set<string>();
    let read = false;
    const visit = (axes: readonly string[], values: Values) => {
      if (!table.by.every((a) => axes.includes(a))) return;
      read = true;
      used.add(table.by.map((a) => own(values, a) ?? ABSENT_KEY).join('\0'));
    };
    for (const cell of expansion.cells) {
      visit(cell.stage.axes, cell.values);
      for (const layer of cell.layers) visit(layer.layer.axes, layer.values);
    }
    if (!read) continue;
    for (const [key, entry] of table.entries) {
      if (used.has(key)) continue;
      const keys = table.by.map((a) => entry.values[a]!);
      problems.push({
        ...error('unused-table-entry', `The entry ${describeCombination(table.by, keys)} of table "${table.name}" is read by no target: no stage builds that combination (exclude rules, \`only\` lists or platform restrictions drop it).`, {
          file: entry.origin.file,
          pointer: entry.origin.pointer,
          atKey: true,
          hint: 'Remove the entry, or keep it on purpose while the combination is switched off.',
        }),
        severity: 'warning',
      });
    }
  }
  return problems;
}
