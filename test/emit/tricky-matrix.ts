// A matrix of awkward strings in every place the matrix lets them reach, as a
// fixture tree for testdir(): HCL escaping, JSON escaping and the schema are checked on it.
// Control characters other than tab and newline are refused when the matrix is
// loaded (test/bad-input/control-character-*); the emitters' escaping of them
// is checked in hcl-string.test.ts and hcl.test.ts.
import { stringify } from 'yaml';

export const TRICKY_ARGS = {
  QUOTES: `say "hi" and 'bye'`,
  BACKSLASH: 'C:\\dir\\n',
  NEWLINES: 'line1\nline2\n\ttabbed\n',
  TABS: '\tlead\tand trail\t',
  BRACES: 'keep $${{x} and {{ } and ${ and %{',
  LONE: '$ 100% $$ %% $',
  UNICODE: 'ü café e\u0301 😀 👨‍👩‍👧',
  EMPTY: '',
};
/** Every arg is declared, so the Dockerfile check has nothing to say. */
const DOCKERFILE = Object.keys({ ...TRICKY_ARGS, FLAVOR: '' }).map((name) => `ARG ${name}\n`).join('') + 'FROM scratch AS app\n';

/** Awkward text in every place the matrix lets it reach: arg values, label keys and values, a variable default. */
export const TRICKY_MATRIX = stringify({
  name: 'tricky',
  registry: 'registry.test/ns',
  platforms: ['linux/amd64'],
  variables: { note: { env: 'BAKE_NOTE', default: 'say "hi" \\ $ 100% ü' } },
  axes: { flavor: { plain: { args: { FLAVOR: 'plain' } } } },
  args: TRICKY_ARGS,
  labels: {
    'org.opencontainers.image.title': '{target}',
    'org.opencontainers.image.description': '{note} for {flavor}',
    'key/with.slash-and:colon': 'v',
    'a key with spaces and "quotes"': 'x\\y',
    '$${weird} %{key}': 'templated key',
    'ünï e\u0301 😀': '😀',
  },
  stages: { app: { target: 'app', axes: ['flavor'], tags: ['{registry}/app:{flavor}'] } },
});

export const TRICKY_FILES = { 'matrix/stack.yaml': TRICKY_MATRIX, Dockerfile: DOCKERFILE };
