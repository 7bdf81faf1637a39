// `bake-matrix graph`: the build as a picture. The targets of the names (and
// every target they link, all the way down), the `target:` links between them
// (a parent stage, a layer), which are tagged images, and, with `ci:`, the CI
// level that builds each. Rendered as Mermaid (GitHub draws it in Markdown and
// in a step summary) or Graphviz dot. Pure: the plan in, text out.
import { planCiJobs } from '../ci/ci-jobs.ts';
import { resolveNames } from '../ci/resolve-names.ts';
import type { Plan } from '../plan/index.ts';
import type { Result } from '../problems/problem.ts';

export const GRAPH_FORMATS = ['mermaid', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphNode {
  name: string;
  kind: 'stage' | 'layer';
  /** Tags as the bake file writes them (variables in ${}). */
  tags: string[];
  /** The CI level whose jobs build it (with `ci:`), the lowest over its platforms. */
  level?: number;
}

export interface GraphEdge {
  /** The linked target (built first). */
  from: string;
  /** The target that links it. */
  to: string;
  /** The context name it is bound under: the parent stage or the layer's stage. */
  as: string;
}

export interface BuildGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Number of CI levels, 0 without `ci:`. */
  levels: number;
}

export function buildGraph(plan: Plan, names: readonly string[]): Result<BuildGraph> {
  const all = [...plan.targets.values()].filter((t) => t.kind !== 'common').map((t) => t.name);
  let wanted = all;
  if (names.length) {
    const resolved = resolveNames(plan, names, 'graph');
    if (!resolved.ok) return resolved;
    wanted = resolved.value;
  }
  // A target's contexts bind every stage above it (bake replaces each by name); the picture keeps the
  // direct links only: a link already reached through another link of the same target is left out.
  const allLinks = (name: string) =>
    Object.entries(plan.bake.target[name]?.contexts ?? {})
      .filter(([, value]) => value.startsWith('target:'))
      .map(([as, value]) => ({ from: value.slice('target:'.length), to: name, as }));
  const below = new Map<string, Set<string>>();
  const closure = (name: string): Set<string> => {
    let c = below.get(name);
    if (c) return c;
    c = new Set();
    below.set(name, c);
    for (const link of allLinks(name)) {
      c.add(link.from);
      for (const x of closure(link.from)) c.add(x);
    }
    return c;
  };
  const links = (name: string) => {
    const direct = allLinks(name);
    return direct.filter((link) => !direct.some((other) => other.from !== link.from && closure(other.from).has(link.from)));
  };
  const included = new Set<string>();
  const visit = (name: string) => {
    if (included.has(name)) return;
    included.add(name);
    for (const link of allLinks(name)) visit(link.from);
  };
  wanted.forEach(visit);
  const order = all.filter((n) => included.has(n)); // the bake file's order: parents before children
  const levelOf = new Map<string, number>();
  let levels = 0;
  if (plan.perPlatform) {
    const ci = planCiJobs(plan, names.length ? names : all);
    if (ci.ok) {
      levels = ci.value.levels;
      for (const job of ci.value.jobs) {
        for (const t of job.targets) {
          const target = plan.perPlatform.of.get(t)?.target;
          if (target !== undefined) levelOf.set(target, Math.min(levelOf.get(target) ?? job.level, job.level));
        }
      }
    }
  }
  const nodes = order.map((name): GraphNode => {
    const info = plan.targets.get(name)!;
    const level = levelOf.get(name);
    return { name, kind: info.kind === 'layer' ? 'layer' : 'stage', tags: plan.bake.target[name]?.tags ?? [], ...(level !== undefined ? { level } : {}) };
  });
  return { ok: true, value: { nodes, edges: order.flatMap(links), levels }, warnings: [] };
}

/** Mermaid node ids: target names with - and . as _, made unique. */
function ids(nodes: readonly GraphNode[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const node of nodes) {
    let id = `t_${node.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    for (let i = 2; used.has(id); i++) id = `t_${node.name.replace(/[^A-Za-z0-9_]/g, '_')}_${i}`;
    used.add(id);
    out.set(node.name, id);
  }
  return out;
}

function label(node: GraphNode): string {
  return node.tags.length ? `${node.name}<br/>${node.tags.length} tag${node.tags.length === 1 ? '' : 's'}` : node.name;
}

export function graphMermaid(graph: BuildGraph): string {
  const id = ids(graph.nodes);
  const node = (n: GraphNode) => `${id.get(n.name)}${n.kind === 'layer' ? `(["${label(n)}"])` : `["${label(n)}"]`}${n.tags.length ? ':::image' : ''}`;
  const lines = ['flowchart LR'];
  if (graph.levels) {
    for (let level = 0; level < graph.levels; level++) {
      const here = graph.nodes.filter((n) => n.level === level);
      if (!here.length) continue;
      lines.push(`  subgraph level${level}["CI level ${level}"]`, ...here.map((n) => `    ${node(n)}`), '  end');
    }
  }
  lines.push(...graph.nodes.filter((n) => !graph.levels || n.level === undefined).map((n) => `  ${node(n)}`));
  lines.push(...graph.edges.map((e) => `  ${id.get(e.from)} -->|${e.as}| ${id.get(e.to)}`));
  lines.push('  classDef image stroke-width:3px');
  return lines.join('\n') + '\n';
}

export function graphDot(graph: BuildGraph, title: string): string {
  const q = (s: string) => JSON.stringify(s);
  const node = (n: GraphNode) => `${q(n.name)} [${[n.kind === 'layer' ? 'shape=ellipse' : 'shape=box', ...(n.tags.length ? ['peripheries=2', `tooltip=${q(n.tags.join('\n'))}`] : [])].join(', ')}];`;
  const lines = [`digraph ${q(title)} {`, '  rankdir=LR;'];
  if (graph.levels) {
    for (let level = 0; level < graph.levels; level++) {
      const here = graph.nodes.filter((n) => n.level === level);
      if (!here.length) continue;
      lines.push(`  subgraph cluster_level${level} {`, `    label=${q(`CI level ${level}`)};`, ...here.map((n) => `    ${node(n)}`), '  }');
    }
  }
  lines.push(...graph.nodes.filter((n) => !graph.levels || n.level === undefined).map((n) => `  ${node(n)}`));
  lines.push(...graph.edges.map((e) => `  ${q(e.from)} -> ${q(e.to)} [label=${q(e.as)}];`));
  lines.push('}');
  return lines.join('\n') + '\n';
}
