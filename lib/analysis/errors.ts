/**
 * Errors caused by the analyzed manifests or by the query (not by a bug in the analyzer).
 * The CLI prints only `message` for these (no stack) and exits 2.
 */
export class AnalysisInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisInputError';
  }
}

/** Where an object came from, for messages: `file#doc` plus the List item when expanded from a List. */
export interface SourceLocation {
  file: string;
  /** 0-based document index in the file. */
  index: number;
  /** 1-based line of the document start, when known. */
  line?: number;
  /** Index inside a `List`'s `items`, when the object was expanded from one. */
  item?: number;
}

export function formatLocation(loc: SourceLocation): string {
  const base = loc.line !== undefined ? `${loc.file}:${loc.line}` : `${loc.file}#${loc.index}`;
  return loc.item !== undefined ? `${base} items[${loc.item}]` : base;
}
