/** Reads manifests from files and directories into plain objects, keeping where each came from. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load as loadYamlDocument } from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import { AnalysisInputError } from './errors';
import { jsonErrorOffset, lineColumn } from './json-position';

export interface SourcedObject {
  file: string;
  /** 0-based document index in the file (array element for a top-level JSON array). */
  index: number;
  /** 1-based line where the document's content starts, when known. */
  line?: number;
  object: unknown;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Files are read as given (whatever their extension); directories are walked recursively in sorted order,
 * taking `.yaml`, `.yml` and `.json` files, so the result does not depend on the filesystem's listing order.
 */
export function loadManifestPaths(paths: string[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new AnalysisInputError(`${p}: no such file or directory`);
    }
    const files = stat.isDirectory() ? walk(p) : [p];
    for (const file of files) out.push(...parseManifestText(fs.readFileSync(file, 'utf8'), file));
  }
  return out;
}

export function parseManifestText(text: string, file: string): SourcedObject[] {
  if (file.endsWith('.json')) return parseJson(text, file);
  return parseYaml(text, file);
}

function walk(dir: string): string[] {
  const files: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...walk(full));
    else if (e.isFile() && MANIFEST_EXTENSIONS.has(path.extname(e.name).toLowerCase())) files.push(full);
  }
  return files;
}

/**
 * Reading a large output back (27 MB at bench size L) through the \`yaml\` library's document model took
 * about 13 s of CPU; js-yaml builds plain objects directly, about 8 times faster. The fast path takes the
 * common case only: documents split at \`---\` lines, no anchors or aliases (whose expansion the careful
 * path bounds), no directives or \`...\` markers. Anything else, and any syntax error, goes through the
 * careful path below, which also gives the error its position. Both read YAML 1.2 core (no timestamps,
 * \`yes\` is a string) and reject duplicate keys; test/analysis/load-fast.test.ts holds them equal.
 */
function parseYaml(text: string, file: string): SourcedObject[] {
  return (fastPathApplies(text) && parseYamlFast(text, file)) || parseYamlCarefully(text, file);
}

/** Anchors or aliases (`&a`, `*a` where a node starts), directives, or document end markers. */
const NEEDS_CAREFUL_PATH = /(?:^|[\s,[{:-])[&*][^\s,[\]{}]|^%|^\.\.\.(?:\s|$)/m;

function fastPathApplies(text: string): boolean {
  return !NEEDS_CAREFUL_PATH.test(text);
}

const DOCUMENT_START = /^---(?=[ \t]|\r?$)/;
const CONTENT = /^[ \t]*[^\s#]/;

/** Documents, indexed and positioned as the careful path does; undefined when js-yaml refuses the text. Exported for tests. */
export function parseYamlFast(text: string, file: string): SourcedObject[] | undefined {
  const lines = text.split('\n');
  const out: SourcedObject[] = [];
  let index = -1;
  let start = 0; // first line of the current document's text (0-based)
  let header = ''; // what follows `---` on its line
  let explicit = false; // the current document began with `---`
  const finish = (end: number): boolean => {
    const body = lines.slice(start, end);
    const first = body.findIndex((l) => CONTENT.test(l));
    const inline = header.trim() !== '' && !header.trim().startsWith('#');
    // Text before the first `---` is a document only when it holds something besides comments.
    if (!explicit && first < 0) return true;
    index++;
    if (first < 0 && !inline) return true; // an empty document (js-yaml would refuse the empty text)
    let object: unknown;
    try {
      object = loadYamlDocument(`${header}\n${body.join('\n')}`, { schema: CORE_SCHEMA });
    } catch {
      return false;
    }
    if (object === null || object === undefined) return true;
    const line = inline ? start : start + first + 1;
    out.push({ file, index, line, object });
    return true;
  };
  for (let i = 0; i < lines.length; i++) {
    if (!DOCUMENT_START.test(lines[i])) continue;
    if (!finish(i)) return undefined;
    start = i + 1;
    header = lines[i].slice(3);
    explicit = true;
  }
  return finish(lines.length) ? out : undefined;
}

export function parseYamlCarefully(text: string, file: string): SourcedObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  // A stream that is not a document list (e.g. an empty file) yields an EmptyStream: nothing to read.
  if (!Array.isArray(docs)) return [];
  const out: SourcedObject[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      throw new AnalysisInputError(`${where}: YAML syntax error: ${firstLine(err.message)}`);
    }
    const object: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (object === null || object === undefined) return;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    out.push({ file, index, line: lineCounter.linePos(start).line, object });
  });
  return out;
}

function parseJson(text: string, file: string): SourcedObject[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text);
    if (offset === undefined) throw new AnalysisInputError(`${file}: JSON syntax error: ${firstLine((e as Error).message)}`);
    const { line, column } = lineColumn(text, offset);
    const what = offset >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[offset])}`;
    throw new AnalysisInputError(`${file}:${line}:${column}: JSON syntax error: ${what}`);
  }
  if (Array.isArray(value)) return value.map((object, index) => ({ file, index, object }));
  return [{ file, index: 0, line: 1, object: value }];
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
