// The GitLab and Buildkite pipelines (templates/gitlab/, templates/buildkite/)
// and what `bake-matrix ci --format gitlab|buildkite` prints for them: YAML
// that parses, keys and shapes those CI systems accept, and the bake-matrix
// commands the files run, run against a copy of the example stack with the
// stand-in docker: the plan, every generated job's publishing build, then the
// manifest, which must merge every image of the group.
//
// The keys are checked against hand lists read from the published schemas
// (only the parts these files use; not a full schema validation):
//   GitLab:    gitlab-org/gitlab app/assets/javascripts/editor/schema/ci.json
//              (as mirrored in gitlabhq/gitlabhq at 0286e4c628d68960d0ca9e961d82c3ea6ac90633):
//              top-level keys, `job_template` properties (additionalProperties: false),
//              `trigger` (child pipeline), `artifacts`, `workflow`
//   Buildkite: buildkite/pipeline-schema schema.json (at 010a7c603c90d56c59112dc6d40d8811547327ec):
//              top-level properties, `commandStep`, `groupStep`, `waitStep`
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker, REPO } from '../run/fake-docker.ts';

const GITLAB_GLOBAL = new Set(['$schema', 'spec', 'image', 'services', 'before_script', 'after_script', 'variables', 'cache', '!reference', 'default', 'stages', 'include', 'pages', 'workflow']);
const GITLAB_JOB = new Set(['image', 'services', 'before_script', 'after_script', 'hooks', 'rules', 'variables', 'cache', 'id_tokens', 'identity', 'inputs', 'secrets', 'script', 'run', 'stage', 'only', 'extends', 'needs', 'except', 'tags', 'allow_failure', 'timeout', 'when', 'start_in', 'manual_confirmation', 'dependencies', 'artifacts', 'environment', 'release', 'coverage', 'retry', 'parallel', 'interruptible', 'resource_group', 'trigger', 'inherit', 'publish', 'pages']);
const GITLAB_CHILD_TRIGGER = new Set(['include', 'strategy', 'forward']);
/** A child pipeline's include items, by their required key. */
const GITLAB_TRIGGER_INCLUDE: Record<string, Set<string>> = { local: new Set(['local', 'inputs']), artifact: new Set(['artifact', 'job', 'inputs']), template: new Set(['template', 'inputs']) };
const GITLAB_ARTIFACTS = new Set(['paths', 'exclude', 'expose_as', 'name', 'untracked', 'when', 'access', 'expire_in', 'reports']);
const GITLAB_REPORTS = new Set(['accessibility', 'annotations', 'junit', 'browser_performance', 'coverage_report', 'codequality', 'dotenv', 'lsif', 'sast', 'dependency_scanning', 'container_scanning', 'dast', 'license_management', 'license_scanning', 'requirements', 'secret_detection', 'metrics', 'terraform', 'cyclonedx', 'load_performance', 'repository_xray']);
const GITLAB_WORKFLOW = new Set(['name', 'auto_cancel', 'rules']);
const GITLAB_WORKFLOW_RULE = new Set(['if', 'changes', 'exists', 'variables', 'when', 'auto_cancel']);

const BUILDKITE_TOP = new Set(['env', 'agents', 'notify', 'steps']);
const BUILDKITE_COMMAND = new Set(['agents', 'allow_dependency_failure', 'artifact_paths', 'branches', 'cache', 'cancel_on_build_failing', 'command', 'commands', 'concurrency', 'concurrency_group', 'concurrency_method', 'depends_on', 'env', 'id', 'identifier', 'if', 'key', 'label', 'signature', 'matrix', 'name', 'notify', 'parallelism', 'plugins', 'soft_fail', 'retry', 'skip', 'timeout_in_minutes', 'type', 'priority']);
const BUILDKITE_GROUP = new Set(['depends_on', 'group', 'id', 'identifier', 'if', 'key', 'label', 'name', 'allow_dependency_failure', 'notify', 'skip', 'steps', 'type']);
const BUILDKITE_WAIT = new Set(['allow_dependency_failure', 'continue_on_failure', 'depends_on', 'id', 'identifier', 'if', 'key', 'type', 'wait', 'waiter']);

type Doc = Record<string, unknown>;
const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown, min = 0) => Array.isArray(v) && v.length >= min && v.every((s) => typeof s === 'string' && s.length > 0);
const unknownKeys = (where: string, value: Doc, allowed: Set<string>) => Object.keys(value).filter((k) => !allowed.has(k)).map((k) => `${where}: unknown key "${k}"`);

/** GitLab: the problems of a pipeline file (or of several merged, as a child pipeline's includes are). */
export function gitlabProblems(doc: Doc): string[] {
  const problems: string[] = [];
  const stages = doc.stages === undefined ? ['build', 'test', 'deploy'] : (doc.stages as string[]);
  if (doc.stages !== undefined && !isStrings(doc.stages, 1)) problems.push('stages: not a list of names');
  if (doc.workflow !== undefined) {
    const workflow = doc.workflow as Doc;
    problems.push(...unknownKeys('workflow', workflow, GITLAB_WORKFLOW));
    for (const [i, rule] of ((workflow.rules as Doc[]) ?? []).entries()) problems.push(...unknownKeys(`workflow.rules[${i}]`, rule, GITLAB_WORKFLOW_RULE));
  }
  const jobs = Object.entries(doc).filter(([k]) => !GITLAB_GLOBAL.has(k));
  for (const [name, job] of jobs) {
    if (!isObject(job)) {
      problems.push(`${name}: a job must be a mapping`);
      continue;
    }
    problems.push(...unknownKeys(name, job, GITLAB_JOB));
    const hidden = name.startsWith('.');
    if (!hidden && job.script === undefined && job.trigger === undefined && job.extends === undefined) problems.push(`${name}: no script, trigger or extends`);
    if (job.extends !== undefined && !(typeof job.extends === 'string' && isObject(doc[job.extends]))) problems.push(`${name}: extends ${JSON.stringify(job.extends)}, which is no job here`);
    if (job.stage !== undefined && !(typeof job.stage === 'string' && (stages.includes(job.stage) || job.stage === '.pre' || job.stage === '.post'))) problems.push(`${name}: stage ${JSON.stringify(job.stage)} is not in stages`);
    for (const key of ['script', 'before_script', 'after_script']) if (job[key] !== undefined && !(typeof job[key] === 'string' || isStrings(job[key], 1))) problems.push(`${name}.${key}: not a command or a list of commands`);
    if (job.tags !== undefined && !isStrings(job.tags, 1)) problems.push(`${name}.tags: not a list of runner tags`);
    if (job.dependencies !== undefined && !isStrings(job.dependencies)) problems.push(`${name}.dependencies: not a list of job names`);
    if (job.needs !== undefined && !isStrings(job.needs)) problems.push(`${name}.needs: not a list of job names`);
    if (job.timeout !== undefined && typeof job.timeout !== 'string') problems.push(`${name}.timeout: not a duration`);
    if (job.variables !== undefined && !(isObject(job.variables) && Object.values(job.variables).every((v) => typeof v === 'string'))) problems.push(`${name}.variables: not a mapping of strings`);
    if (job.rules !== undefined) for (const [i, rule] of (job.rules as Doc[]).entries()) problems.push(...unknownKeys(`${name}.rules[${i}]`, rule, new Set(['if', 'when'])));
    if (job.artifacts !== undefined) {
      const artifacts = job.artifacts as Doc;
      problems.push(...unknownKeys(`${name}.artifacts`, artifacts, GITLAB_ARTIFACTS));
      if (artifacts.paths !== undefined && !isStrings(artifacts.paths, 1)) problems.push(`${name}.artifacts.paths: not a list of paths`);
      if (artifacts.reports !== undefined) problems.push(...unknownKeys(`${name}.artifacts.reports`, artifacts.reports as Doc, GITLAB_REPORTS));
    }
    if (job.trigger !== undefined) {
      const trigger = job.trigger as Doc;
      problems.push(...unknownKeys(`${name}.trigger`, trigger, GITLAB_CHILD_TRIGGER));
      if (trigger.strategy !== undefined && !['depend', 'mirror'].includes(trigger.strategy as string)) problems.push(`${name}.trigger.strategy: not depend or mirror`);
      const include = trigger.include as Doc[];
      if (!Array.isArray(include) || include.length === 0 || include.length > 3) problems.push(`${name}.trigger.include: not a list of 1 to 3 items`);
      for (const [i, item] of (Array.isArray(include) ? include : []).entries()) {
        const kind = Object.keys(GITLAB_TRIGGER_INCLUDE).find((k) => k in item);
        if (!kind) problems.push(`${name}.trigger.include[${i}]: neither local, artifact nor template`);
        else {
          problems.push(...unknownKeys(`${name}.trigger.include[${i}]`, item, GITLAB_TRIGGER_INCLUDE[kind]!));
          if (!/\.ya?ml$/.test(String(item[kind]))) problems.push(`${name}.trigger.include[${i}].${kind}: not a .yml or .yaml file`);
          if (kind === 'artifact' && typeof item.job !== 'string') problems.push(`${name}.trigger.include[${i}]: an artifact include names its job`);
        }
      }
    }
  }
  return problems;
}

/** Buildkite: the problems of a pipeline (`keys` are the step keys defined elsewhere in the build, such as the uploading step's). */
export function buildkiteProblems(doc: Doc, keys: readonly string[] = []): string[] {
  const problems = unknownKeys('pipeline', doc, BUILDKITE_TOP);
  if (!Array.isArray(doc.steps)) return [...problems, 'steps: not a list'];
  const defined = new Set(keys);
  const dependsOn: { where: string; on: string }[] = [];
  const check = (steps: unknown[], where: string) =>
    steps.forEach((step, i) => {
      const at = `${where}[${i}]`;
      if (typeof step === 'string') {
        if (!['wait', 'waiter', 'block', 'input'].includes(step)) problems.push(`${at}: the step "${step}" is no step`);
        return;
      }
      if (!isObject(step)) return void problems.push(`${at}: not a step`);
      if (typeof step.key === 'string') {
        if (defined.has(step.key)) problems.push(`${at}: the key "${step.key}" is used twice`);
        defined.add(step.key);
      }
      for (const on of [step.depends_on ?? []].flat()) dependsOn.push({ where: at, on: on as string });
      if ('group' in step) {
        problems.push(...unknownKeys(at, step, BUILDKITE_GROUP));
        if (!Array.isArray(step.steps)) problems.push(`${at}.steps: not a list`);
        else check(step.steps, `${at}.steps`);
      } else if ('wait' in step) {
        problems.push(...unknownKeys(at, step, BUILDKITE_WAIT));
      } else {
        problems.push(...unknownKeys(at, step, BUILDKITE_COMMAND));
        if (!(typeof step.command === 'string' || isStrings(step.command, 1))) problems.push(`${at}.command: not a command or a list of commands`);
        if (step.agents !== undefined && !(isObject(step.agents) || isStrings(step.agents, 1))) problems.push(`${at}.agents: neither a mapping nor a list of key=value tags`);
        if (step.artifact_paths !== undefined && !(typeof step.artifact_paths === 'string' || isStrings(step.artifact_paths, 1))) problems.push(`${at}.artifact_paths: not a glob or a list of globs`);
        if (step.env !== undefined && !(isObject(step.env) && Object.values(step.env).every((v) => typeof v === 'string'))) problems.push(`${at}.env: not a mapping of strings`);
        if (step.timeout_in_minutes !== undefined && !(Number.isInteger(step.timeout_in_minutes) && (step.timeout_in_minutes as number) >= 1)) problems.push(`${at}.timeout_in_minutes: not a whole number of minutes`);
      }
    });
  check(doc.steps, 'steps');
  for (const { where, on } of dependsOn) if (!defined.has(on)) problems.push(`${where}: depends_on "${on}", which is no step`);
  return problems;
}

const template = (path: string) => parse(readFileSync(join(REPO, 'templates', path), 'utf8')) as Doc;
/** The commands of a script that start with `npx bake-matrix`, each as one string. */
const bakeMatrixLines = (script: unknown): string[] =>
  [script]
    .flat()
    .flatMap((s) => String(s).split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx bake-matrix '));

/** A copy of the example stack to run commands in (run and manifest write nothing outside it). */
function project(): string {
  const root = testdir({});
  for (const dir of ['matrix', 'bake', 'schema']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  return root;
}

/** Runs a template's `npx bake-matrix ...` command line (no shell: `words` are split on spaces, quotes removed). */
async function runLine(line: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
  const argv = line.replace(/^npx bake-matrix /, '').replace(/ 2>&1 \| tee bake\.log$/, '').replace(/ > \S+$/, '').replace(/"/g, '').split(' ');
  return runCli(argv, cwd, env);
}

describe('GitLab: templates/gitlab/ and bake-matrix ci --format gitlab', async () => {
  const parent = template('gitlab/.gitlab-ci.yml');
  const jobs = template('gitlab/bake-jobs.yml');
  const ci = await runCli(['ci', 'default', '--format', 'gitlab'], REPO);
  const child = JSON.parse(ci.stdout) as Doc;

  test('the pipeline, the included jobs and the generated child pipeline have keys and shapes GitLab accepts', () => {
    assert.equal(ci.code, 0, ci.stderr);
    assert.deepEqual(gitlabProblems(parent), []);
    assert.deepEqual(gitlabProblems(jobs), []);
    // The child pipeline is the two includes of the trigger job, merged.
    assert.deepEqual(gitlabProblems({ ...jobs, ...child }), []);
  });

  test('the key check fails a broken file (so the test above can fail)', () => {
    const plan = parent.plan as Doc;
    assert.deepEqual(gitlabProblems({ ...parent, plan: { ...plan, scripts: plan.script } }), ['plan: unknown key "scripts"']);
    assert.deepEqual(gitlabProblems({ ...jobs, ...child, '0-x': { extends: '.bake-job', stage: 'level-9' } }), ['0-x: extends ".bake-job", which is no job here', '0-x: stage "level-9" is not in stages']);
    assert.deepEqual(gitlabProblems({ build: { trigger: { include: [{ artifact: 'jobs.json' }] } } }), ['build.trigger.include[0].artifact: not a .yml or .yaml file', 'build.trigger.include[0]: an artifact include names its job']);
  });

  test('the plan writes the child pipeline the trigger job includes, after the jobs template', () => {
    const lines = bakeMatrixLines((parent.plan as Doc).script);
    assert.deepEqual(lines, ['npx bake-matrix check', 'npx bake-matrix ci default --format gitlab > bake-jobs.yml']);
    const trigger = (parent.build as Doc).trigger as { include: Doc[] };
    assert.deepEqual(trigger.include, [{ local: '.gitlab/bake-jobs.yml' }, { artifact: 'bake-jobs.yml', job: 'plan' }]);
    assert.deepEqual(((parent.plan as Doc).artifacts as Doc).paths, ['bake-jobs.yml']);
  });

  test('one stage per level, one job per CI job on its runner, each extending .bake-matrix-job', async () => {
    const json = JSON.parse((await runCli(['ci', 'default'], REPO)).stdout) as { levels: number; jobs: { id: string; level: number; runner: string; bake: string[] }[] };
    assert.deepEqual(child.stages, Array.from({ length: json.levels }, (_, l) => `level-${l}`));
    assert.deepEqual(Object.keys(child).filter((k) => k !== 'stages'), json.jobs.map((j) => j.id));
    for (const job of json.jobs) {
      assert.deepEqual(child[job.id], { extends: '.bake-matrix-job', stage: `level-${job.level}`, tags: [job.runner], variables: { BAKE_MATRIX_JOB: job.id, BAKE: job.bake.join(' ') } });
    }
    assert.equal((jobs.manifest as Doc).stage, '.post');
  });

  test('the commands run on the example stack: check, ci, every job publishing, then the manifest of every image', async () => {
    for (const line of bakeMatrixLines((parent.plan as Doc).script)) {
      const run = await runLine(line, REPO);
      assert.equal(run.code, 0, `${line}\n${run.stderr}`);
    }
    const [push, verify] = bakeMatrixLines((jobs['.bake-matrix-job'] as Doc).script);
    assert.equal(push, 'npx bake-matrix run $BAKE --push --progress=plain --metadata-file "metadata/$BAKE_MATRIX_JOB.json" 2>&1 | tee bake.log');
    assert.match(verify!, /^npx bake-matrix run \$BAKE --set "\*\.cache-to=" --set "\*\.output=type=cacheonly" /);
    assert.doesNotMatch(verify!, /--push/);
    await runJobsThenManifest(
      Object.entries(child).filter(([k]) => k !== 'stages').map(([, job]) => (job as { variables: Record<string, string> }).variables),
      push!,
      bakeMatrixLines((jobs.manifest as Doc).script),
    );
  });
});

describe('Buildkite: templates/buildkite/ and bake-matrix ci --format buildkite', async () => {
  const pipeline = template('buildkite/pipeline.yml');
  const script = readFileSync(join(REPO, 'templates/buildkite/bake-job.sh'), 'utf8');
  const ci = await runCli(['ci', 'default', '--format', 'buildkite'], REPO);
  const uploaded = JSON.parse(ci.stdout) as { steps: { key: string; depends_on?: string; steps: Doc[] }[] };
  const steps = pipeline.steps as Doc[];

  test('the pipeline and the uploaded steps have keys and shapes Buildkite accepts', () => {
    assert.equal(ci.code, 0, ci.stderr);
    assert.deepEqual(buildkiteProblems(pipeline), []);
    assert.deepEqual(buildkiteProblems(uploaded, ['plan', 'manifest']), []);
  });

  test('the key check fails a broken pipeline (so the test above can fail)', () => {
    assert.deepEqual(buildkiteProblems({ steps: [{ label: 'x', commmand: 'true' }] }), ['steps[0]: unknown key "commmand"', 'steps[0].command: not a command or a list of commands']);
    assert.deepEqual(buildkiteProblems({ steps: [{ group: 'g', key: 'a', depends_on: 'b', steps: [{ command: 'x', agents: 'queue' }] }] }), ['steps[0].steps[0].agents: neither a mapping nor a list of key=value tags', 'steps[0]: depends_on "b", which is no step']);
  });

  test('the plan uploads the steps; the manifest step comes after a wait and runs on pushes only', () => {
    const plan = steps.find((s) => s.key === 'plan')!;
    assert.deepEqual(bakeMatrixLines(plan.command), ['npx bake-matrix check', 'npx bake-matrix ci default --format buildkite > bake-jobs.json']);
    assert.ok((plan.command as string[]).includes('buildkite-agent pipeline upload bake-jobs.json'));
    const manifest = steps.findIndex((s) => s.key === 'manifest');
    assert.equal(steps[manifest - 1], 'wait');
    assert.match(String(steps[manifest]!.if), /build\.pull_request\.id == null/);
  });

  test('a group per level, each after the one before; a step per CI job on its queue, running bake-job.sh', async () => {
    const json = JSON.parse((await runCli(['ci', 'default'], REPO)).stdout) as { levels: number; jobs: { id: string; name: string; level: number; runner: string; bake: string[] }[] };
    assert.equal(uploaded.steps.length, json.levels);
    uploaded.steps.forEach((group, level) => {
      assert.equal(group.depends_on, level ? `bake-matrix-level-${level - 1}` : undefined);
      assert.deepEqual(
        group.steps,
        json.jobs.filter((j) => j.level === level).map((j) => ({ label: j.name, key: `bake-matrix-${j.id}`, agents: { queue: j.runner }, env: { BAKE_MATRIX_JOB: j.id, BAKE: j.bake.join(' ') }, command: 'bash .buildkite/bake-job.sh', artifact_paths: `metadata/${j.id}.json` })),
      );
    });
  });

  test('a list of runner labels becomes agent tags, which must be key=value', async () => {
    const root = project();
    const stack = join(root, 'matrix/stack.yaml');
    const text = readFileSync(stack, 'utf8');
    writeFileSync(stack, text.replace('linux/arm64: ubuntu-24.04-arm', 'linux/arm64: [queue=arm, os=linux]'));
    const tags = await runCli(['ci', 'default', '--format', 'buildkite'], root);
    assert.equal(tags.code, 0, tags.stderr);
    const arm = (JSON.parse(tags.stdout) as typeof uploaded).steps.flatMap((g) => g.steps).filter((s) => String(s.key).endsWith('-arm64'));
    assert.ok(arm.length > 0);
    for (const step of arm) assert.deepEqual(step.agents, ['queue=arm', 'os=linux']);
    writeFileSync(stack, text.replace('linux/arm64: ubuntu-24.04-arm', 'linux/arm64: [self-hosted, arm64]'));
    const labels = await runCli(['ci', 'default', '--format', 'buildkite'], root);
    assert.equal(labels.code, 2);
    assert.equal(labels.stdout, '');
    assert.match(labels.stderr, /error buildkite-agent-tag\n  The runner of linux\/arm64 is a list holding "self-hosted", which is not a Buildkite agent tag \(key=value\)\.\n  hint: For Buildkite, write the runner of linux\/arm64 in ci\.runners as a queue name/);
  });

  test('the commands run on the example stack: check, ci, every step publishing, then the manifest of every image', async () => {
    for (const line of bakeMatrixLines(steps.find((s) => s.key === 'plan')!.command)) {
      const run = await runLine(line, REPO);
      assert.equal(run.code, 0, `${line}\n${run.stderr}`);
    }
    const [bake, report] = bakeMatrixLines(script);
    assert.equal(bake, 'npx bake-matrix run $BAKE "${flags[@]}" --progress=plain --metadata-file "$metadata" 2>&1 | tee bake.log || status=$?');
    assert.match(report!, /^npx bake-matrix report --log bake\.log --metadata-file "\$metadata" /);
    assert.match(script, /^metadata="metadata\/\$BAKE_MATRIX_JOB\.json"$/m);
    assert.match(script, /^if \[\[ "\$BAKE_PUSH" == true \]\]; then\n  flags=\(--push\)\nelse\n  flags=\(--set "\*\.cache-to=" --set "\*\.output=type=cacheonly"\)\nfi$/m);
    const push = bake!.replace(' "${flags[@]}"', ' --push').replace('"$metadata"', '"metadata/$BAKE_MATRIX_JOB.json"').replace(/ \|\| status=\$\?$/, '');
    await runJobsThenManifest(
      uploaded.steps.flatMap((g) => g.steps.map((s) => s.env as Record<string, string>)),
      push,
      bakeMatrixLines(steps.find((s) => s.key === 'manifest')!.command),
    );
  });
});

/**
 * Every job's publishing command (`npx bake-matrix run $BAKE --push ... --metadata-file "metadata/$BAKE_MATRIX_JOB.json"`)
 * with its variables, in a copy of the example stack against the stand-in docker, then the manifest command
 * over the metadata folder they filled: every image of the group gets its manifest list.
 */
async function runJobsThenManifest(variables: Record<string, string>[], push: string, manifest: string[]) {
  const root = project();
  mkdirSync(join(root, 'metadata'));
  const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
  const env = { ...docker.env, REGISTRY: 'registry.example.com/stack' };
  for (const { BAKE, BAKE_MATRIX_JOB } of variables) {
    const line = push.replace('$BAKE', BAKE!).replace('$BAKE_MATRIX_JOB', BAKE_MATRIX_JOB!);
    const run = await runLine(line, root, env);
    assert.equal(run.code, 0, `${line}\n${run.stderr}`);
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'metadata', `${BAKE_MATRIX_JOB}.json`), 'utf8'))['buildx.build.warnings'], []);
  }
  assert.deepEqual(manifest, ['npx bake-matrix manifest default --metadata metadata --scope tag']);
  const merged = await runLine(manifest[0]!, root, env);
  assert.equal(merged.code, 0, merged.stderr);
  assert.deepEqual(docker.violations(), []);
  // The example's default group: runtime and dev of 11 images (the CUDA ones on Ubuntu and Rocky Linux), each one manifest list.
  assert.match(merged.stderr, /bake-matrix manifest: 22 of 22 manifest lists created/);
}
