/**
 * The YAML front end: reads `platform.yaml` into a `PlatformSpec` with source positions, or
 * throws an `IntentError` that says where and what to do. No stage after this one sees YAML, and
 * nothing here throws anything else: encoding, depth, aliases and duplicate keys are checked before
 * the document is turned into values (see yaml-guards.ts).
 */
import * as fs from 'node:fs';
import { LineCounter } from 'yaml';
import { Diagnostic, IntentError } from './diagnostics';
import { validateAgainstSchema } from './schema';
import { SourceMap } from './source';
import { PlatformSpec } from './types';
import { decodeText, documentProblems, locateProblems } from './yaml-guards';

export interface LoadedIntents {
  readonly spec: PlatformSpec;
  readonly source: SourceMap;
}

const FILE_HINT = 'pass the path of a platform.yaml (env BULKHEAD_INTENTS for synth).';

export function loadIntentsFile(file: string): LoadedIntents {
  let bytes: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? (err as Error).message})`;
    throw new IntentError([{ location: { file, line: 1, column: 1 }, field: '', message: reason, hint: FILE_HINT }]);
  }
  const decoded = decodeText(bytes);
  if ('problem' in decoded) {
    const lines = new LineCounter();
    let at = 0;
    lines.addNewLine(0);
    for (const line of decoded.prefix.split('\n').slice(0, -1)) lines.addNewLine((at += line.length + 1));
    throw new IntentError(locateProblems([decoded.problem], file, lines));
  }
  return parseIntents(file, decoded.text);
}

export function parseIntents(file: string, text: string): LoadedIntents {
  const { source, doc, tooDeep, unclosed } = SourceMap.parse(file, text);
  if (tooDeep || !doc) throw new IntentError([{ location: source.at(tooDeep?.offset ?? 0), field: tooDeep?.field ?? '', message: tooDeep?.message ?? 'unreadable', hint: tooDeep?.hint }]);
  const structural = documentProblems(doc, unclosed, (offset) => source.at(offset).line);
  // An unclosed "[" or "{" is said better by documentProblems (where it opened, and the field); what yaml
  // reports after it are consequences, at the place it noticed.
  const firstUnclosed = Math.min(...unclosed);
  const yamlErrors: Diagnostic[] = doc.errors
    .filter((e) => e.pos[0] < firstUnclosed)
    .map((e) => ({
      location: source.at(e.pos[0]),
      field: '',
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      hint: e.code === 'MULTIPLE_DOCS' ? 'keep one document: remove the "---" and what follows, or merge it into the first.' : 'fix the YAML syntax (indentation, a missing ":" or an unclosed quote or bracket).',
    }));
  const problems = [...yamlErrors, ...structural.map(({ offset, ...rest }) => ({ location: source.at(offset), ...rest }))];
  if (problems.length) throw new IntentError(problems);
  // Aliases are bounded above; yaml's own per-alias count would refuse an anchor used more than 100 times.
  const value: unknown = doc.toJS({ maxAliasCount: -1 });
  if (value === null || value === undefined) {
    throw new IntentError([
      {
        location: { file, line: 1, column: 1 },
        field: '',
        message: 'the file is empty',
        hint: 'start from the example platform.yaml in the bulkhead repository (apiVersion: bulkhead.dev/v1alpha1, kind: Platform).',
      },
    ]);
  }
  const problemsFromSchema = validateAgainstSchema(value, source);
  if (problemsFromSchema.length) throw new IntentError(problemsFromSchema);
  return { spec: value as PlatformSpec, source };
}
