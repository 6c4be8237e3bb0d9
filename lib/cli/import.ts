/**
 * `bulkhead import [--name NAME] [--cluster NAME] [--out FILE] PATH...`: platform.yaml from existing manifests
 * (files, directories, `-` for standard input), with the proof that it compiles to the same connectivity.
 * The platform goes to standard output (or FILE), the report to standard error. Exit 0 when the proof holds,
 * 1 when connectivity would differ, 2 for usage or input errors.
 */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisInputError, loadManifestPaths, parseManifestText } from '../analysis';
import type { SourcedObject } from '../analysis';
import { DEFAULT_NAME, ImportInputError, importManifests, renderReport } from '../import';
import { isDnsLabel } from '../import/names';
import type { CliContext } from './context';
import { UsageError } from './errors';

/** Exit status when the written platform's connectivity differs from the original's. */
export const EXIT_DIFFERENT = 1;

interface ImportCliOptions {
  name: string;
  cluster: string;
  out?: string;
}

export function configure(command: Command, ctx: CliContext): void {
  command
    .option('--name <name>', 'metadata.name of the platform', DEFAULT_NAME)
    .option('--cluster <name>', 'name of the cluster entry', DEFAULT_NAME)
    .option('--out <file>', 'write platform.yaml there instead of standard output')
    .argument('<paths...>', 'manifest files or directories (.yaml, .yml, .json), or - for standard input')
    .action((paths: string[], opts: ImportCliOptions) => {
      for (const [flag, value] of [['--name', opts.name], ['--cluster', opts.cluster]] as const) {
        if (!isDnsLabel(value)) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
      }
      const result = inputErrors(() => importManifests(readInputs(paths), { name: opts.name, cluster: opts.cluster, input: paths[0] }));
      if (opts.out) writeAtomically(opts.out, result.text);
      else ctx.io.stdout(result.text);
      ctx.io.stderr(renderReport(result));
      if (!result.proof.equal) ctx.exitCode = EXIT_DIFFERENT;
    });
}

function readInputs(paths: string[]): SourcedObject[] {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('- (standard input) can be given once');
  return paths.flatMap((p) => (p === '-' ? parseManifestText(fs.readFileSync(0, 'utf8'), '<stdin>') : loadManifestPaths([p])));
}

/** Input problems as `file:line:column: error: ...` with a hint, exit 2, no stack. */
function inputErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ImportInputError) throw new UsageError(e.message);
    if (e instanceof AnalysisInputError) throw new UsageError(`${positioned(e.message)}\n  hint: fix the manifest; import reads what \`kubectl get -o yaml\` prints.`);
    throw e;
  }
}

/** The analyzer says `file:line: what` (or `file:line:col:`); the CLI contract is `file:line:column: error: what`. */
function positioned(message: string): string {
  const m = /^(.+?):(\d+)(?::(\d+))?(?: items\[(\d+)\])?: (.*)$/s.exec(message);
  if (!m) return `error: ${message}`;
  const [, file, line, column, item, what] = m;
  return `${file}:${line}:${column ?? '1'}: error: ${item !== undefined ? `items[${item}]: ` : ''}${what}`;
}

function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new UsageError(`${file}: cannot write: ${(e as Error).message}`);
  }
}
