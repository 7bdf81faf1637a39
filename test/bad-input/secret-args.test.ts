// Which args look like secrets: real credentials and secret names are caught,
// the knobs of ML images that merely mention tokens are not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secretName, secretValue } from '../../src/validate/rules/secret-args.ts';
import { generateFromYaml } from '../helpers/generate.ts';

const SECRET_NAMES = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'GITHUB_TOKEN', 'NPM_TOKEN', 'GH_PAT', 'PIP_INDEX_PASSWORD', 'DB_PASSWD', 'CLIENT_SECRET', 'AWS_SECRET_ACCESS_KEY', 'OPENAI_API_KEY', 'apiKey', 'SSH_PRIVATE_KEY', 'GCP_CREDENTIALS', 'REGISTRY_CREDS', 'SIGNING_KEY_PASSPHRASE', 'authToken'];
const PLAIN_NAMES = ['TOKENIZERS_PARALLELISM', 'MAX_NUM_BATCHED_TOKENS', 'HF_HUB_ENABLE_HF_TRANSFER', 'MAX_TOKENS', 'TOKEN_LIMIT', 'MAX_TOKEN_LEN', 'HF_TOKEN_PATH', 'SECRET_NAME', 'SECRETS_DIR', 'PASSWORD_FILE', 'AWS_ACCESS_KEY_ID', 'GPG_KEY', 'KEY_SERVER', 'CUDA_VERSION', 'TORCH_CUDA_ARCH_LIST', 'PATHS', 'KEYRING', 'TOKEN_URL', 'PYTORCH_CUDA_ALLOC_CONF'];

const SECRET_VALUES: [string, string][] = [
  ['ghp_R2d2C3poBb8Yoda4Luke5Leia6Han7Solo8Wk', 'a GitHub token'],
  ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS', 'a GitHub token'],
  ['glpat-xYz12AbC34dEf56GhI78jK', 'a GitLab token'],
  ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key'],
  ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----', 'a private key'],
  ['-----BEGIN PRIVATE KEY-----', 'a private key'],
  ['hf_kRtLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoP', 'a Hugging Face token'],
  ['xoxb-1234567890-abcdefghij', 'a Slack token'],
  ['sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD', 'an API key'],
  ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'a JSON web token'],
  ['https://deploy:s3cr3t@pypi.example.com/simple', 'a URL with a password'],
  ['dXNlcjpWZXJ5U2VjcmV0UGFzc3dvcmQxMjM0NTY3ODkwQUJDREVG', 'a long base64 key'],
  ['0123456789abcdef0123456789abcdef0123', 'a long hex key'],
];
const PLAIN_VALUES: [string, string][] = [
  ['1', 'HF_HUB_ENABLE_HF_TRANSFER'],
  ['12.9.1', 'CUDA_VERSION'],
  ['https://download.pytorch.org/whl/cu129', 'TORCH_INDEX_URL'],
  ['nvidia/cuda:12.9.1-cudnn-devel-ubuntu24.04', 'BASE_IMAGE'],
  ['8.0 8.6 8.9 9.0 10.0 12.0+PTX', 'TORCH_CUDA_ARCH_LIST'],
  ['3f5a9c2e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39', 'VLLM_COMMIT'], // a git sha: 40 hex
  ['a3f5a9c2e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39e8d7c6b5a4f3e2d1c0b9a8f', 'TINI_SHA256'], // 64 hex
  ['d41d8cd98f00b204e9800998ecf8427e', 'ARCHIVE_MD5'],
  ['A035C8C19219BA821ECEA86B64E628F8D684696D', 'GPG_KEY'],
  ['/usr/local/cuda/targets/x86_64-linux/lib/stubs', 'LIBRARY_PATH'],
  ['git+https://github.com/vllm-project/vllm.git@v0.21.0', 'ENGINE_SPEC'],
  ['{registry}/cache:{target}', 'CACHE_REF'],
  ['expandable_segments:True', 'PYTORCH_CUDA_ALLOC_CONF'],
];

describe('secret-looking args', () => {
  for (const name of SECRET_NAMES) test(`the name ${name} says secret`, () => assert.ok(secretName(name), name));
  for (const name of PLAIN_NAMES) test(`the name ${name} is not a secret`, () => assert.equal(secretName(name), undefined));
  for (const [value, what] of SECRET_VALUES) test(`${value.slice(0, 24)}... looks like ${what}`, () => assert.equal(secretValue(value, 'SOME_ARG'), what));
  for (const [value, name] of PLAIN_VALUES) test(`${name}=${value} is not a secret`, () => assert.equal(secretValue(value, name), undefined));

  const matrix = (args: string) =>
    generateFromYaml({
      'stack.yaml': `axes:\n  cuda:\n    cu129: {}\nstages:\n  base: { target: base, axes: [cuda], args: { ${args} } }\n`,
    });

  test('a secret-named arg is an error at its key, pointing to bake secrets', () => {
    const result = matrix('HF_TOKEN: "{hf_token}"');
    assert.equal(result.ok, false);
    const problem = !result.ok ? result.problems.find((p) => p.code === 'secret-in-args') : undefined;
    assert.ok(problem);
    assert.equal(problem.pointer, '/stages/base/args/HF_TOKEN');
    assert.equal(problem.atKey, true);
    assert.match(problem.message, /stored in the image/);
    assert.match(problem.hint ?? '', /RUN --mount=type=secret,id=hf_token/);
  });

  test('a switch value does not make a secret-named arg a secret (HF_HUB_DISABLE_TOKEN: 1)', () => {
    const result = matrix('HF_HUB_DISABLE_TOKEN: "1", TOKENIZERS_PARALLELISM: "false", MAX_NUM_BATCHED_TOKENS: "8192"');
    assert.ok(result.ok || !result.problems.some((p) => p.code.startsWith('secret')), JSON.stringify(!result.ok && result.problems));
  });

  test('a token in a label or a variable default is caught too', () => {
    const result = generateFromYaml({
      'stack.yaml': 'variables:\n  mirror: { default: "glpat-xYz12AbC34dEf56GhI78jK" }\nlabels:\n  auth: "hf_kRtLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoP"\naxes:\n  cuda:\n    cu129: {}\nstages:\n  base: { target: base, axes: [cuda] }\n',
    });
    assert.equal(result.ok, false);
    const leaks = !result.ok ? result.problems.filter((p) => p.code === 'secret-in-matrix').map((p) => p.pointer) : [];
    assert.deepEqual(leaks.sort(), ['/labels/auth', '/variables/mirror/default']);
  });
});
