// emit: Bake model -> the bake file(s) of the chosen format, by file name.
//
// The default is one file, docker-bake.json. `docker buildx bake` run with no
// -f loads every default file it finds in the folder and merges them, the HCL
// after the JSON (buildx's bake/bake.go, defaultFilenames and ReadLocalFiles,
// v0.10.4 and today's alike): two generated files can be replaced only one
// after the other, so a kill between the two renames would leave plain buildx
// a mix of two generations. One file is replaced in one rename.
import type { BakeFile } from '../types/bake.ts';
import { textOf, type ByteSource } from './byte-writer.ts';
import { hclSource, HCL_HEADER } from './hcl.ts';
import { jsonSource } from './json.ts';

export const BAKE_FORMATS = ['json', 'hcl', 'both'] as const;
export type BakeFormat = (typeof BAKE_FORMATS)[number];
export const DEFAULT_BAKE_FORMAT: BakeFormat = 'json';

export const BAKE_FILE_NAMES = { json: 'docker-bake.json', hcl: 'docker-bake.hcl' } as const;

/** The bake files are the only files bake-matrix writes in the output folder (besides its lock and journal). */
export const isBakeFileName = (name: string): boolean => name === BAKE_FILE_NAMES.json || name === BAKE_FILE_NAMES.hcl;

/** Whether a docker-bake.hcl's text is one bake-matrix generated (its header says so). */
export const isGeneratedHcl = (text: string): boolean => text.startsWith(HCL_HEADER[0]! + '\n');

/** File name -> its bytes, made as they are read (the writer streams them into the file); JSON first when both are emitted. */
export function bakeSources(bake: BakeFile, format: BakeFormat = DEFAULT_BAKE_FORMAT): Record<string, ByteSource> {
  const sources: Record<string, ByteSource> = {};
  if (format !== 'hcl') sources[BAKE_FILE_NAMES.json] = jsonSource(bake);
  if (format !== 'json') sources[BAKE_FILE_NAMES.hcl] = hclSource(bake);
  return sources;
}

/** File name -> content, each text made from its source when first read, then kept. */
export function lazyTexts(sources: Readonly<Record<string, ByteSource>>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, source] of Object.entries(sources)) {
    Object.defineProperty(texts, name, {
      enumerable: true,
      configurable: true,
      get() {
        const text = textOf(source);
        Object.defineProperty(texts, name, { value: text, enumerable: true, writable: false, configurable: false });
        return text;
      },
    });
  }
  return texts;
}
