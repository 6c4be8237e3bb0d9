/**
 * `bulkhead diff --base <git-ref|dir> [--head <git-ref|dir>] [--format md|txt|json]
 * [--fail-on opened|guardrail|exposure|any] [--intents platform.yaml]`: what a change does to guardrails,
 * who can reach whom, gateways, resources and policy cost, risk first.
 * Exit 0; 1 when --fail-on matches; 2 for usage errors, and when the head's platform.yaml does not compile
 * or its committed dist/ or argocd/ is stale (whatever --fail-on says: the report cannot be trusted).
 */
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { CompileOutput, DiffInputError, FAIL_ON, FailOn, Snapshot, describe, diffSnapshots, fails, gitContext, readSnapshot, toJson, toMarkdown, toText } from '../diff';
import { compileInMemory, inMemoryCompiler } from '../synth/in-memory';
import { repoLayout } from '../synth/layout';
import type { CliContext } from './context';
import { EXIT_USAGE, UsageError } from './errors';

const FORMATS = ['md', 'txt', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Exit status when `--fail-on` matches (2 stays for errors). */
export const EXIT_FAIL_ON = 1;
/** Exit status when the head cannot be judged: its platform.yaml does not compile, or its output is stale. */
export const EXIT_HEAD_UNTRUSTED = EXIT_USAGE;

interface DiffOptions {
  base: string;
  head: string;
  format: Format;
  failOn?: FailOn;
  intents: string;
}

/** Re-exported for the diff tests, which compile heads the way the command does. */
export { compileInMemory };

/**
 * The compiler for the head: Application paths as synth renders them in the head's repository (dist/ and
 * argocd/ under the project's directory there, which is not the root in a monorepo).
 */
function headCompiler(head: Snapshot): CompileOutput {
  if (head.kind === 'git') {
    const prefix = gitContext(process.cwd())?.prefix ?? '';
    return prefix ? inMemoryCompiler({ layout: { dist: `${prefix}dist`, argocd: `${prefix}argocd` } }) : compileInMemory;
  }
  const dir = head.dir!;
  return inMemoryCompiler({ layout: repoLayout(path.join(dir, 'dist'), path.join(dir, 'argocd'), dir) });
}

export function configure(command: Command, ctx: CliContext): void {
  command
    .requiredOption('--base <ref|dir>', 'a git ref of the repository around the current directory, or a directory holding dist/ (and argocd/, platform.yaml)')
    .option('--head <ref|dir>', 'the same; default: the current directory (the working tree)', '.')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('txt'))
    .addOption(
      new Option(
        '--fail-on <what>',
        'exit 1 when: opened = anything opened; guardrail = a workload left a guardrail, a connection crosses one, or one was removed, changed or violated; exposure = a gateway listener, hostname, reachable backend or traffic split changed; any = any change',
      ).choices(FAIL_ON),
    )
    .option('--intents <file>', 'the intents file, relative to each side', 'platform.yaml')
    .action((opts: DiffOptions) => {
      if (path.isAbsolute(opts.intents) || opts.intents.split(/[\\/]/).includes('..'))
        throw new UsageError(`--intents is read on both sides, relative to each: give a relative path inside the project (got ${opts.intents})`);
      const cwd = process.cwd();
      try {
        const base = readSnapshot(opts.base, cwd, opts.intents);
        const head = readSnapshot(opts.head, cwd, opts.intents);
        if (![...head.files.keys()].some((f) => f.startsWith('dist/')))
          throw new UsageError(`the head (${describe(head)}) has no dist/: run \`npm run synth\` there first, or pass --head`);
        const report = diffSnapshots(base, head, { compile: headCompiler(head) });
        const sides = { base: describe(base), head: describe(head) };
        const c = ctx.colors;
        const text =
          opts.format === 'json'
            ? toJson(report)
            : opts.format === 'md'
              ? toMarkdown(report, sides)
              : toText(report, sides, { green: c.green, red: c.red, yellow: c.yellow, bold: c.bold, dim: c.dim });
        ctx.io.stdout(text);
        // A head that does not compile, or output that is not what it compiles to, cannot pass any gate.
        if (report.headCheck.status === 'invalid' || report.headCheck.status === 'stale') ctx.exitCode = EXIT_HEAD_UNTRUSTED;
        else if (opts.failOn && fails(report, opts.failOn)) ctx.exitCode = EXIT_FAIL_ON;
      } catch (e) {
        if (e instanceof DiffInputError) throw new UsageError(e.message);
        throw e;
      }
    });
}
