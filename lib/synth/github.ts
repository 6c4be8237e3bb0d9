/**
 * Diagnostics as GitHub Actions workflow commands (`--format github`), which the runner turns into
 * annotations on the pull request's lines: `::error file=platform.yaml,line=12,col=7,title=bulkhead::message`.
 * Escaped as GitHub's own toolkit does (actions/toolkit, packages/core/src/command.ts): `%`, CR and LF in
 * the message; also `:` and `,` in properties. File paths are relative to the workspace
 * (GITHUB_WORKSPACE, else the current directory), as annotations need them.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../intent/diagnostics';

export const DIAGNOSTIC_FORMATS = ['text', 'github'] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface Annotation {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly title?: string;
}

export function errorCommand(a: Annotation, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const props: string[] = [];
  if (a.file) props.push(`file=${escapeProperty(workspacePath(a.file, env, cwd))}`);
  if (a.file && a.line) props.push(`line=${a.line}`);
  if (a.file && a.line && a.col) props.push(`col=${a.col}`);
  props.push(`title=${escapeProperty(a.title ?? 'bulkhead')}`);
  return `::error ${props.join(',')}::${escapeData(a.message)}\n`;
}

/** An intents diagnostic on its line: the field and message, then the hint on the next line. */
export function diagnosticCommand(d: Diagnostic, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const message = `${d.field ? `${d.field}: ` : ''}${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}`;
  // line 0: a construct path, not a file (a platform built in TypeScript).
  return d.location.line
    ? errorCommand({ message, file: d.location.file, line: d.location.line, col: d.location.column }, env, cwd)
    : errorCommand({ message: `${d.location.file}: ${message}` }, env, cwd);
}

function workspacePath(file: string, env: NodeJS.ProcessEnv, cwd: string): string {
  const root = env.GITHUB_WORKSPACE || cwd;
  const rel = path.relative(root, path.resolve(cwd, file));
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(cwd, file) : rel).split(path.sep).join('/');
}
