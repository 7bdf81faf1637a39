// yaml's parseDocument, with a budget of errors: a megabyte of broken YAML
// gives the composer hundreds of thousands of errors (seconds of work and
// hundreds of megabytes), of which a person reads the first few. Past
// `maxErrors` the composition stops and the errors so far are returned.
// The budget hooks the composer's error callback, which yaml 2 keeps as an
// instance field; if a later yaml moved it, parsing still works, unbudgeted.
import type { Document, DocumentOptions, ParseOptions, SchemaOptions, YAMLError } from 'yaml';
import { lazy } from '../lazy.ts';

const yaml = lazy<typeof import('yaml')>('yaml');

class Enough extends Error {}

export interface ParsedDocument {
  /** undefined when the composition stopped early. */
  doc: Document | undefined;
  errors: YAMLError[];
  warnings: YAMLError[];
}

type OnError = (source: unknown, code: string, message: string, warning?: boolean) => void;

export function parseYamlDocument(text: string, options: ParseOptions & DocumentOptions & SchemaOptions, maxErrors: number): ParsedDocument {
  const { Composer, Parser, YAMLParseError } = yaml();
  const composer = new Composer(options);
  const internals = composer as unknown as { onError?: OnError };
  const record = internals.onError;
  if (typeof record === 'function') {
    internals.onError = (source, code, message, warning) => {
      record(source, code, message, warning);
      if (composer.streamInfo().errors.length >= maxErrors) throw new Enough();
    };
  }
  let doc: Document | undefined;
  try {
    for (const next of composer.compose(new Parser().parse(text), true, text.length)) {
      if (!doc) doc = next as Document;
      else {
        doc.errors.push(new YAMLParseError([next.range[0], next.range[0] + 1], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof Enough)) throw e;
    const { errors, warnings } = composer.streamInfo();
    return { doc: undefined, errors, warnings };
  }
  return { doc, errors: doc!.errors, warnings: doc!.warnings };
}
