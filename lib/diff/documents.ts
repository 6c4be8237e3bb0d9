/**
 * The parsed documents of a snapshot's manifest files, parsed once per file: the analyzer's view of a
 * cluster and the resource diff read the same files, and YAML parsing is most of a large diff's time.
 */
import { AnalysisInputError, SourcedObject, parseManifestText } from '../analysis';
import type { Snapshot } from './snapshot';

const parsed = new WeakMap<Snapshot, Map<string, SourcedObject[] | AnalysisInputError>>();

/** The objects of `file` (as the analyzer reads them); throws AnalysisInputError when it does not parse. */
export function manifestsOf(s: Snapshot, file: string): SourcedObject[] {
  const result = parse(s, file);
  if (result instanceof AnalysisInputError) throw result;
  return result;
}

/** The same, or undefined when the file does not parse. */
export function tryManifestsOf(s: Snapshot, file: string): SourcedObject[] | undefined {
  const result = parse(s, file);
  return result instanceof AnalysisInputError ? undefined : result;
}

function parse(s: Snapshot, file: string): SourcedObject[] | AnalysisInputError {
  let cache = parsed.get(s);
  if (!cache) parsed.set(s, (cache = new Map()));
  let result = cache.get(file);
  if (result === undefined) {
    const text = s.files.get(file) ?? '';
    // Git sides name their ref, so that an error in a file says which side it is on.
    const where = s.kind === 'git' ? `${s.label}:${file}` : file;
    try {
      result = parseManifestText(text, where);
    } catch (e) {
      if (!(e instanceof AnalysisInputError)) throw e;
      result = e;
    }
    cache.set(file, result);
  }
  return result;
}
