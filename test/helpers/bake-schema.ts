// Validates a bake file (parsed docker-bake.json) against schema/docker-bake.schema.json,
// the schema written from buildx's Target struct. For any test that checks emitted output.
import { readFileSync } from 'node:fs';
import AjvModule, { type ValidateFunction } from 'ajv';

const Ajv = AjvModule.default ?? AjvModule;
export const bakeSchemaUrl = new URL('../../schema/docker-bake.schema.json', import.meta.url);
export const bakeSchema = JSON.parse(readFileSync(bakeSchemaUrl, 'utf8')) as Record<string, unknown>;

let compiled: ValidateFunction | undefined;

/** Compiled once, in ajv's strict mode (an unknown keyword or a loose schema throws). */
export function bakeSchemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(bakeSchema);
  return compiled;
}

/** One line per schema error, `<instance path>: <message>`; empty when the file is valid. */
export function validateBakeFile(json: unknown): string[] {
  const validate = bakeSchemaValidator();
  if (validate(json)) return [];
  const errors = validate.errors ?? [];
  // A bad property name gives the reason (e.g. the pattern) and then a summary; keep the reason.
  const explained = new Set(errors.flatMap((e) => (e.propertyName !== undefined ? [e.instancePath + '\0' + e.propertyName] : [])));
  return errors.filter((e) => !(e.keyword === 'propertyNames' && explained.has(e.instancePath + '\0' + e.params.propertyName))).map((e) => {
    const key = e.params.additionalProperty ?? e.propertyName ?? e.params.propertyName;
    const extra = key !== undefined ? ` (${String(key)})` : '';
    return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
  });
}
