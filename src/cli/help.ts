// `bake-matrix <command> --help`: the summary, usage, every option the command
// parses (from the same table the parser reads) and examples.
import { EXIT, type Command } from './io.ts';
import { OPTION_HELP } from './options.ts';

export function renderHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const help = command.optionHelp?.[name] ?? OPTION_HELP[name] ?? { text: '' };
    const short = 'short' in spec && spec.short ? `-${spec.short}, ` : '    ';
    return [`${short}--${name}${help.arg ? ` ${help.arg}` : ''}`, help.text];
  });
  const width = Math.max(...rows.map(([flag]) => flag!.length));
  return [
    command.summary,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    ...(command.details ? ['', command.details.trimEnd()] : []),
    '',
  ].join('\n');
}

/** `<command> --help`: prints the help, exit 0. */
export function help(command: Command, io: { stdout: (t: string) => void }): number {
  io.stdout(renderHelp(command));
  return EXIT.ok;
}
