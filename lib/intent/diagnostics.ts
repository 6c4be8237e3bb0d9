/**
 * Errors in intents, as a user must see them: `file:line:column`, the field, what is wrong and
 * what to do. Every stage (YAML, schema, semantic checks, verification) reports through these.
 */
import type { FieldPath, SourceLocation } from '../model/source-location';
import { formatLocation, formatPath } from '../model/source-location';

// Moved to lib/model (the model records where intents come from and imports nothing of intent);
// re-exported here so that code importing them from diagnostics keeps compiling.
export type { FieldPath, SourceLocation };
export { formatLocation, formatPath };

export interface Diagnostic {
  readonly location: SourceLocation;
  /** Field path in the intents, e.g. `tenants[1].workloads[0].ports[0].port`. */
  readonly field: string;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const field = d.field ? `${d.field}: ` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${formatLocation(d.location)}: error: ${field}${d.message}${hint}`;
}

/** Thrown by any stage that rejects the intents; carries every problem found, in file order. */
export class IntentError extends Error {
  public readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const sorted = [...diagnostics].sort(
      (a, b) => a.location.line - b.location.line || a.location.column - b.location.column || a.field.localeCompare(b.field),
    );
    super(sorted.map(formatDiagnostic).join('\n'));
    this.name = 'IntentError';
    this.diagnostics = sorted;
  }
}

