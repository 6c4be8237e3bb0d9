/**
 * The YAML front end: reads `platform.yaml` into a `PlatformSpec` with source positions, or
 * throws an `IntentError` that says where and what to do. No stage after this one sees YAML.
 */
import * as fs from 'node:fs';
import { IntentError } from './diagnostics';
import { validateAgainstSchema } from './schema';
import { SourceMap } from './source';
import { PlatformSpec } from './types';

export interface LoadedIntents {
  readonly spec: PlatformSpec;
  readonly source: SourceMap;
}

export function loadIntentsFile(file: string): LoadedIntents {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new IntentError([{ location: { file, line: 1, column: 1 }, field: '', message: reason, hint: 'pass the path of a platform.yaml' }]);
  }
  return parseIntents(file, text);
}

export function parseIntents(file: string, text: string): LoadedIntents {
  const { source, doc } = SourceMap.parse(file, text);
  const yamlErrors = [...doc.errors];
  if (yamlErrors.length) {
    throw new IntentError(
      yamlErrors.map((e) => ({
        location: source.at(e.pos[0]),
        field: '',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
        hint: 'fix the YAML syntax (indentation, a missing ":" or an unclosed quote or bracket).',
      })),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
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
  const problems = validateAgainstSchema(value, source);
  if (problems.length) throw new IntentError(problems);
  return { spec: value as PlatformSpec, source };
}
