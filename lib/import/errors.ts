/**
 * Problems with the manifests handed to `bulkhead import` (not bugs of the importer): one positioned line,
 * `file:line:column: error: <what>`, and a hint saying what to do. The CLI prints them without a stack
 * trace and exits 2.
 */
import type { SourceLocation } from '../analysis';

export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportInputError';
  }

  /** An error about one object of the input (a document, or an item of a `List`). */
  static at(source: SourceLocation, what: string, hint: string): ImportInputError {
    const item = source.item !== undefined ? `items[${source.item}]: ` : '';
    return new ImportInputError(`${positionOf(source)}: error: ${item}${what}\n  hint: ${hint}`);
  }

  /** An error about the input as a whole (nothing in it to import), positioned at the first path. */
  static about(path: string, what: string, hint: string): ImportInputError {
    return new ImportInputError(`${path}:1:1: error: ${what}\n  hint: ${hint}`);
  }
}

/** `file:line:1` where the document starts (the analyzer keeps lines, not columns), else `file:1:1`. */
export function positionOf(source: SourceLocation): string {
  return `${source.file}:${source.line ?? 1}:1`;
}
