// JSON Schema validation of one matrix file, with ajv's messages rewritten for people.
import { capital } from '../problems/capital.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { lazy } from '../lazy.ts';
import { error, pathOf, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { SourceFile } from '../load/source-file.ts';

const ajv = lazy<typeof import('ajv')>('ajv');
export const matrixSchemaUrl = new URL('../../schema/matrix.schema.json', import.meta.url);

/** ajv's options; scripts/build.js compiles the schema with them ahead of time (ajv standalone). */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/** The validator scripts/build.js wrote beside the compiled module, named for the schema's hash. */
export const PRECOMPILED = 'matrix-schema-validator.cjs';

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const text = readFileSync(matrixSchemaUrl, 'utf8');
  compiled = precompiled(text);
  if (compiled) return compiled;
  const Ajv = ajv().default ?? ajv();
  compiled = new Ajv(AJV_OPTIONS).compile(JSON.parse(text) as Record<string, unknown>);
  return compiled;
}

/** The ahead-of-time validator (dist/ only), when it was compiled from this very schema: it saves compiling at each start. */
function precompiled(schemaText: string): ValidateFunction | undefined {
  try {
    const module = createRequire(import.meta.url)(`./${PRECOMPILED}`) as ValidateFunction & { schemaHash?: string };
    return module.schemaHash === createHash('sha256').update(schemaText).digest('hex') ? module : undefined;
  } catch {
    return undefined; // running from src/, or not built: compile
  }
}

export function checkSchema(file: SourceFile): Problem[] {
  const validate = validator();
  if (validate(file.data)) return [];
  const problems = mostSpecific(validate.errors ?? []).map((e) => toProblem(e, file));
  // Never let an invalid file through because every error was filtered as redundant.
  return problems.length ? problems : (validate.errors ?? []).map((e) => toProblem(e, file));
}

/** Drops errors about a node when a deeper error explains it (oneOf branches, parents). */
function mostSpecific(errors: ErrorObject[]): ErrorObject[] {
  // A oneOf fails either because no branch matched (the branches' own errors say why)
  // or because several did (`passingSchemas`): only the latter is kept.
  const real = errors.filter(
    (e) => !(e.keyword === 'oneOf' && (e.params as { passingSchemas: unknown }).passingSchemas === null) && e.keyword !== 'propertyNames' && e.keyword !== 'if',
  );
  const deeper = (e: ErrorObject) =>
    real.some((o) => o !== e && o.instancePath.startsWith(e.instancePath + '/') && o.keyword !== 'type' && o.keyword !== 'const');
  // A value of a branch's type that fails that branch's own rule (a pattern) is explained by that rule:
  // "must be a mapping" from the other branches would only mislead.
  const ownRule = (e: ErrorObject) => real.some((o) => o !== e && o.instancePath === e.instancePath && !isBranchMiss(o) && o.keyword !== 'oneOf' && o.keyword !== 'anyOf' && o.keyword !== 'required' && o.keyword !== 'additionalProperties');
  // "must be null" is never the explanation when another branch's error at that node exists: an axis value
  // written as a mapping with one unknown key is told about that key, not that it could have been empty.
  const nullBranchOnly = (e: ErrorObject) =>
    e.keyword === 'type' && (e.params as { type: unknown }).type === 'null' &&
    real.some((o) => o !== e && !isBranchMiss(o) && (o.instancePath === e.instancePath || o.instancePath.startsWith(e.instancePath + '/')));
  const kept = real.filter((e) => !(isBranchMiss(e) && (deeper(e) || ownRule(e) || nullBranchOnly(e))));
  // Merge "must be X" alternatives at one path into one problem.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of kept) {
    const key = e.instancePath + '|' + (isBranchMiss(e) || e.keyword === 'required' ? e.keyword.replace('const', 'type') : e.keyword + JSON.stringify(e.params));
    byPath.set(key, [...(byPath.get(key) ?? []), e]);
  }
  return [...byPath.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    if (group[0]!.keyword === 'required') return { ...group[0]!, params: { missingProperty: group.map((e) => (e.params as { missingProperty: string }).missingProperty).join('" or "') } };
    return { ...group[0]!, keyword: 'type', params: { type: [...new Set(group.map(expected))].join(' or ') } };
  });
}

const isBranchMiss = (e: ErrorObject) => e.keyword === 'type' || e.keyword === 'const';
const expected = (e: ErrorObject): string =>
  e.keyword === 'const' ? JSON.stringify((e.params as { allowedValue: unknown }).allowedValue) : String((e.params as { type: string }).type);

function toProblem(e: ErrorObject, file: SourceFile): Problem {
  const where = { file: file.path, pointer: e.instancePath };
  const key = describe(e.instancePath);
  const value = valueAt(file.data, e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return error('unknown-key', `Unknown key "${name}" in ${key}.${didYouMean(name, allowed)}`, {
        ...where,
        pointer: `${e.instancePath}/${escapePointer(name)}`,
        atKey: true,
        hint: allowed.length ? `Allowed keys: ${allowed.join(', ')}.` : undefined,
      });
    }
    case 'required':
      return error('missing-key', `${capital(key)} needs the key "${String(params.missingProperty)}".`, {
        ...where,
        hint: (e.parentSchema as { description?: string }).description,
      });
    case 'oneOf':
      return error('ambiguous', `${capital(key)} matches more than one of its allowed forms.`, {
        ...where,
        hint: (e.parentSchema as { description?: string }).description,
      });
    case 'type':
      return error('wrong-type', `${capital(key)} must be ${article(String(params.type))}, not ${kind(value)}.`, { ...where, ...numberHint(String(params.type), value) });
    case 'enum':
      return error('not-allowed', `${capital(key)} is ${JSON.stringify(value)}; allowed: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`, where);
    case 'pattern': {
      const what = (e.parentSchema as { description?: string }).description;
      const inKey = e.propertyName !== undefined;
      const shown = inKey ? e.propertyName : value;
      // `from: ubuntu:24.04`: a parent written as a stage name that is an image reference.
      const image = !inKey && /\/from$/.test(e.instancePath) && typeof value === 'string' && /[:/@]/.test(value);
      return error('bad-format', `${inKey ? 'Key' : 'Value'} ${JSON.stringify(shown)} in ${key} has the wrong form${what ? ` (${what.replace(/\.$/, '')})` : ''}: it must match ${String(params.pattern)}.`, {
        ...where,
        pointer: inKey ? `${e.instancePath}/${escapePointer(String(e.propertyName))}` : e.instancePath,
        atKey: inKey,
        ...(image ? { hint: `A string \`from\` names a stage of the matrix. An upstream image is written \`from: { image: ${JSON.stringify(value)} }\`.` } : {}),
      });
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return error('empty', `${capital(key)} must not be empty.`, where);
    case 'uniqueItems':
      return error('duplicate-item', `${capital(key)} lists the same item twice (items ${String(params.j)} and ${String(params.i)}).`, where);
    default:
      return error('schema', `${capital(key)} ${e.message ?? 'is invalid'}.`, where);
  }
}

export function describe(pointer: string): string {
  return pointer ? `"${pathOf(pointer).join('.')}"` : 'the top level';
}

function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const part of pathOf(pointer)) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', null: 'null' };
  return type
    .split(/,| or /)
    .map((t) => names[t.trim()] ?? t.trim())
    .join(' or ');
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** A number written in quotes where a number is meant: say how to write it (quoting keeps text, so it cannot help here). */
function numberHint(type: string, value: unknown): { hint?: string } {
  if ((type !== 'integer' && type !== 'number') || typeof value !== 'string' || value.trim() === '' || !Number.isFinite(Number(value))) return {};
  const n = Number(value);
  if (type === 'integer' && !Number.isInteger(n)) return { hint: 'Write a whole number, without quotes.' };
  return { hint: `Write it without quotes, as ${String(n)}.` };
}
