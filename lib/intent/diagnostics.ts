/**
 * Errors in intents, as a user must see them: `file:line:column`, the field, what is wrong and
 * what to do. Every stage (YAML, schema, semantic checks, verification) reports through these.
 */

export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface Diagnostic {
  readonly location: SourceLocation;
  /** Field path in the intents, e.g. `tenants[1].workloads[0].ports[0].port`. */
  readonly field: string;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
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

/**
 * Field paths as users read them: `tenants[0].workloads[1].name`. A key that is not a plain name (a label
 * key with "/", a cluster name with ".", anything else a user typed) is quoted: `labels["kubernetes.io/x"]`.
 */
export type FieldPath = ReadonlyArray<string | number>;

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : !/^[A-Za-z_][-A-Za-z0-9_]*$/.test(part) ? `[${JSON.stringify(part)}]` : out ? `.${part}` : part;
  }
  return out;
}
