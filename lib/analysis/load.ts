/** Reads manifests from files and directories into plain objects, keeping where each came from. */
import * as fs from 'node:fs';
import * as path from 'node:path';
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

function parseYaml(text: string, file: string): SourcedObject[] {
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
