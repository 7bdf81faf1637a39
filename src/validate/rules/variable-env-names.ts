// A bake variable is overridden by the environment variable of exactly its
// name, silently. Names that shells, CI runners and base images set on their
// own (HOME, PATH, USER, CI, PYTHON_VERSION, ...) would replace the matrix's
// default on every machine that sets them, so they are refused as the `env`
// of a run-time variable (which defaults to the variable's name in upper case).
// A CI runner's name written on purpose (`env: BUILD_NUMBER`) is accepted:
// reading the runner's value is then the point, as with GITHUB_SHA.
import { error } from '../../problems/problem.ts';
import type { Rule } from '../rules.ts';

/** Set by the shell, login, locale, terminal or OS. */
const SYSTEM = ['HOME', 'PATH', 'USER', 'LOGNAME', 'USERNAME', 'SHELL', 'PWD', 'OLDPWD', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LANGUAGE', 'TERM', 'HOSTNAME', 'HOST', 'DISPLAY', 'EDITOR', 'VISUAL', 'PAGER', 'MAIL', 'SHLVL', 'TZ', 'UID', 'EUID', 'GID', 'PS1', 'IFS', 'OSTYPE', 'MACHTYPE', 'HOSTTYPE', 'COLUMNS', 'LINES', 'SSH_AUTH_SOCK'];
/** Set by CI systems on every job (GITHUB_SHA and the like are left alone: reading them can be the point). */
const CI = ['CI', 'BUILD_NUMBER', 'BUILD_ID', 'JOB_NAME', 'WORKSPACE'];
/** Set by Docker, buildx and common base images (python, CUDA). */
const TOOLS = ['DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CONTEXT', 'DOCKER_BUILDKIT', 'BUILDX_BUILDER', 'BUILDX_CONFIG', 'BUILDKIT_PROGRESS', 'PYTHON_VERSION', 'PYTHONPATH', 'PYTHON_SHA256', 'GPG_KEY', 'CUDA_VERSION', 'CUDA_HOME', 'NV_CUDA_LIB_VERSION', 'NVIDIA_VISIBLE_DEVICES', 'NVIDIA_DRIVER_CAPABILITIES', 'NVIDIA_REQUIRE_CUDA', 'LD_LIBRARY_PATH', 'NODE_ENV', 'NODE_OPTIONS', 'JAVA_HOME', 'GOPATH'];
const TAKEN = new Set([...SYSTEM, ...CI, ...TOOLS]);
/** Whole families: locale (LC_ALL, LC_CTYPE), XDG directories, npm's own (set for every npm script). */
const TAKEN_PREFIXES = ['LC_', 'XDG_', 'NPM_CONFIG_', 'npm_'];

/** Why `name` is a poor bake variable name, or undefined. */
export function commonlySet(name: string, written = false): string | undefined {
  if (written && CI.includes(name)) return undefined;
  if (TAKEN.has(name)) return `${name} is set by ${SYSTEM.includes(name) ? 'the shell or the system' : CI.includes(name) ? 'CI runners' : 'Docker, buildx or common base images'}`;
  const prefix = TAKEN_PREFIXES.find((p) => name.startsWith(p));
  return prefix ? `names starting with ${prefix} are set by ${prefix === 'LC_' ? 'the locale' : prefix === 'XDG_' ? 'desktop sessions' : 'npm'}` : undefined;
}

export const variableEnvNames: Rule = (m) =>
  m.variables.flatMap((v) => {
    if (v.origin.file === '(built-in)') return [];
    const why = commonlySet(v.env, v.envWritten);
    if (!why) return [];
    // At the `env` written for it, else at the variable (`env` then defaults to its name in upper case).
    const pointer = v.envWritten ? `${v.origin.pointer}/env` : v.origin.pointer;
    return [error('variable-env-taken', `The run-time variable {${v.key}} would be the bake variable ${v.env}, but ${why}: on those machines that value would silently replace the default.`, {
      file: v.origin.file,
      pointer,
      atKey: !v.envWritten,
      hint: `Give it a name of its own with \`env\`, e.g. \`variables: { ${v.key}: { env: ${suggestion(v.key)} } }\`.`,
    })];
  });

const suggestion = (key: string) => `STACK_${key.toUpperCase()}`;
