/**
 * Where an intent was declared, so every later stage can point back at it: a position in
 * platform.yaml, or, for a platform built in TypeScript, the path of the construct that asked for it
 * (`line` 0: the construct path is the whole location).
 */
export interface SourceLocation {
  /** The intents file, or a construct path (`app/platform/web/frontend`). */
  readonly file: string;
  /** 1-based; 0 when `file` is a construct path. */
  readonly line: number;
  /** 1-based; 0 when `file` is a construct path. */
  readonly column: number;
}

/** `file:line:column`, or the construct path alone. */
export function formatLocation(loc: SourceLocation): string {
  return loc.line ? `${loc.file}:${loc.line}:${loc.column}` : loc.file;
}

/** The location of an intent a construct declared: its construct path. */
export function constructLocation(path: string): SourceLocation {
  return { file: path, line: 0, column: 0 };
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
