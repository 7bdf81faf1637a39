// The console examples of the README and of every page under docs/ are run,
// so they cannot drift from what the tool prints. Each ```console block runs in a fresh copy of the project (a
// git repository with the matrix and the committed bake files), its commands
// in order, against the stand-in docker:
//
//   $ npx bake-matrix <args>      bake-matrix <args>
//   $ npm run bake -- <args>      bake-matrix run <args>
//   $ sed -i 's/A/B/' FILE        the edit, on the copy (how an example breaks the matrix)
//   $ ... > FILE                  stdout goes to FILE in the copy; stderr is the output shown
//   # a comment                   picks the environment (COMMENT_ENV), e.g. no buildx
//
// The lines after a command are its output (stdout and stderr, in the order
// printed); a line `...` stands for any number of lines, and the name of a
// run's closure file, run-<16 hex digits>.json, reads run-<hash>.json. A command shown
// without output (other than an edit) is not run: it would build for real.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker } from '../run/fake-docker.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The README and the docs/ pages, each with its text. */
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
const gitMissing = spawnSync('git', ['--version']).status !== 0 ? 'git is not installed' : false;

/** Environments a README comment asks for. */
const COMMENT_ENV: Record<string, Record<string, string>> = {
  'on a machine without buildx': { FAKE_DOCKER_MODE: 'no-buildx' },
};

interface Step {
  command: string;
  comment?: string;
  output: string[];
  line: number;
}

/** Every ```console block: its line in the README and its commands. */
export function consoleBlocks(markdown: string): { line: number; steps: Step[] }[] {
  const blocks: { line: number; steps: Step[] }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```console') continue;
    const block = { line: i + 1, steps: [] as Step[] };
    for (i++; i < lines.length && lines[i] !== '```'; i++) {
      const text = lines[i]!;
      const prompt = /^\$ (.*?)(?:\s+#\s*(.*))?$/.exec(text);
      if (prompt) block.steps.push({ command: prompt[1]!, comment: prompt[2], output: [], line: i + 1 });
      else if (block.steps.length) block.steps.at(-1)!.output.push(text);
      else assert.fail(`README.md:${i + 1}: a console block must start with a "$ command" line`);
    }
    for (const step of block.steps) while (step.output.at(-1) === '') step.output.pop();
    blocks.push(block);
  }
  return blocks;
}

/** Shell words, with '...' and "..." quoting (enough for the README's commands). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** `sed -i 's/A/B/' FILE` on the copy: the first A of each line becomes B (A and B may escape / as \/). */
function sed(root: string, args: string[]): void {
  const [flag, script, file] = args;
  assert.equal(flag, '-i');
  const m = /^s\/((?:\\.|[^/])*)\/((?:\\.|[^/])*)\/$/.exec(script!);
  assert.ok(m, `only sed -i 's/A/B/' is supported, not ${script}`);
  const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
  const [from, to] = [unescape(m[1]!), unescape(m[2]!)];
  const text = readFileSync(join(root, file!), 'utf8');
  assert.ok(text.includes(from), `${file} holds "${from}"`);
  writeFileSync(join(root, file!), text.split('\n').map((l) => l.replace(from, to)).join('\n'));
}

/** Whether `actual` lines match `expected`, where `...` stands for any number of lines. */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const memo = new Map<string, boolean>();
  const at = (e: number, a: number): boolean => {
    const key = `${e},${a}`;
    if (memo.has(key)) return memo.get(key)!;
    let result: boolean;
    if (e === expected.length) result = a === actual.length;
    else if (expected[e] === '...') result = at(e + 1, a) || (a < actual.length && at(e, a + 1));
    else result = a < actual.length && expected[e] === actual[a] && at(e + 1, a + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

function project(): string {
  const root = testdir({});
  // docs/examples: the inputs the docs' examples read (real metadata files for `manifest`).
  for (const dir of ['matrix', 'bake', 'schema', 'docs/examples']) cpSync(join(ROOT, dir), join(root, dir), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      stdio: 'pipe',
    });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'the example stack');
  return root;
}

async function runStep(root: string, step: Step, file: string): Promise<string[]> {
  const argv = words(step.command);
  const env: Record<string, string> = {};
  while (argv[0] && /^[A-Z_]+=/.test(argv[0])) {
    const [name, ...value] = argv.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (argv[0] === 'sed') {
    sed(root, argv.slice(1));
    return [];
  }
  const redirect = argv.indexOf('>');
  const stdoutFile = redirect >= 0 ? argv.splice(redirect, 2)[1] : undefined;
  let args: string[];
  if (argv[0] === 'npx' && argv[1] === 'bake-matrix') args = argv.slice(2);
  else if (argv.slice(0, 4).join(' ') === 'npm run bake --') args = ['run', ...argv.slice(4)];
  else throw new Error(`${file}:${step.line}: the docs test does not know how to run "${step.command}"`);
  if (step.comment && !(step.comment in COMMENT_ENV)) throw new Error(`${file}:${step.line}: no environment for the comment "${step.comment}" (COMMENT_ENV)`);
  const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64', ...(step.comment ? COMMENT_ENV[step.comment] : {}) });
  let printed = '';
  let redirected = '';
  await main(args, {
    stdout: (t) => void (stdoutFile !== undefined ? (redirected += t) : (printed += t)),
    stderr: (t) => void (printed += t),
    cwd: root,
    // The stand-in docker first; git (for diff) from the machine's PATH after it.
    env: { ...docker.env, PATH: `${docker.env.PATH}:${process.env.PATH}`, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
  });
  if (stdoutFile !== undefined) writeFileSync(join(root, stdoutFile), redirected);
  return printed.replace(/run-[0-9a-f]{16}\.json/g, 'run-<hash>.json').replace(/[ \t]+$/gm, '').replace(/\n+$/, '').split('\n');
}

describe('console examples of the README and docs/', { skip: gitMissing }, () => {
  const all = DOCS.map(({ file, text }) => ({ file, blocks: consoleBlocks(text) }));
  test('the docs have console examples', () => assert.ok(all.flatMap((d) => d.blocks).length >= 8, `only ${all.flatMap((d) => d.blocks).length}`));
  for (const { file, blocks } of all) {
    for (const block of blocks) {
      test(`${file}:${block.line}: ${block.steps.map((s) => s.command).join('; ')}`, async (t) => {
        if (block.steps.every((s) => s.output.length === 0)) {
          t.skip('shown without output: it would build for real');
          return;
        }
        const root = project();
        for (const step of block.steps) {
          const isEdit = words(step.command)[0] === 'sed';
          if (!isEdit && step.output.length === 0) continue; // shown without output: would build for real
          const actual = await runStep(root, step, file);
          if (isEdit) continue;
          assert.ok(matches(step.output, actual), `${file}:${step.line}: \`${step.command}\` prints something else. It prints:\n${actual.join('\n')}\n\nThe page shows:\n${step.output.join('\n')}`);
        }
      });
    }
  }
});
