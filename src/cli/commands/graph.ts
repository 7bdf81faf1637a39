import { buildGraph, GRAPH_FORMATS, graphDot, graphMermaid } from '../../inspect/graph.ts';
import { help } from '../help.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, parseChoice, parseOptions } from '../options.ts';
import { generateOrThrow, reportProblems } from '../pipeline.ts';

const GRAPH_OPTIONS = { matrix: COMMON_OPTIONS.matrix, format: { type: 'string', default: 'mermaid' }, help: COMMON_OPTIONS.help } as const;

export const graphCommand: Command = {
  name: 'graph',
  summary: 'Draw the build: targets, their target: links (parents, layers), tagged images and CI levels, as Mermaid or dot',
  usage: 'bake-matrix graph [<target|group>...] [--format mermaid|dot] [--matrix PATH]',
  options: GRAPH_OPTIONS,
  optionHelp: { format: { arg: 'mermaid|dot', text: 'mermaid (default; GitHub draws it in Markdown) or Graphviz dot (`| dot -Tsvg`)' } },
  examples: ['bake-matrix graph', 'bake-matrix graph vllm-cu129', 'bake-matrix graph --format dot | dot -Tsvg > build.svg'],
  details: [
    'Without names: every target. With names: those targets and groups and every target they link.',
    'An arrow goes from a target to the one that builds on it (labelled with the context it is bound',
    'under); layers are rounded, tagged images have a thick border (two in dot); with ci: the targets',
    'are boxed by the CI level (`bake-matrix ci`) whose jobs build them.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseOptions(args, GRAPH_OPTIONS, this.usage, true);
    if (values.help) return help(this, io);
    const format = parseChoice('format', values.format, GRAPH_FORMATS, this.usage, 'a graph format');
    const generated = generateOrThrow(values.matrix, io, false);
    const graph = buildGraph(generated.plan, positionals);
    if (!graph.ok) throw reportProblems(graph.problems, [], io, false);
    io.stdout(format === 'dot' ? graphDot(graph.value, generated.matrix.name ?? 'bake') : graphMermaid(graph.value));
    return EXIT.ok;
  },
};
