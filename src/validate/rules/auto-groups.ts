// `auto_groups.values` names axes that exist.
import { error } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { Rule } from '../rules.ts';
import { axisNames } from './check-selector.ts';

export const autoGroups: Rule = (m) => {
  const origin = m.autoGroupsOrigin;
  return m.autoGroups.values.flatMap((axis, i) =>
    m.axes.some((a) => a.name === axis)
      ? []
      : [error('unknown-axis', `\`auto_groups.values\` names the axis "${axis}", which is not defined.${didYouMean(axis, axisNames(m))}`, { file: origin.file, pointer: `${origin.pointer}/values/${i}`, hint: `Defined axes: ${axisNames(m).join(', ')}.` })],
  );
};
