/**
 * `bulkhead diff --base <git-ref|dir> [--head <git-ref|dir>] [--format md|txt|json] [--fail-on opened|guardrail|any]
 * [--intents platform.yaml]`: what a change does to who can reach whom, guardrails, resources and policy cost.
 * Exit 0, or 1 when --fail-on matches; 2 for usage errors.
 */
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { FAIL_ON, FailOn, describe, diffSnapshots, fails, readSnapshot, toJson, toMarkdown, toText } from '../diff';
import type { CliContext } from './context';
import { UsageError } from './errors';

const FORMATS = ['md', 'txt', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Exit status when `--fail-on` matches (2 stays for errors). */
export const EXIT_FAIL_ON = 1;

interface DiffOptions {
  base: string;
  head: string;
  format: Format;
  failOn?: FailOn;
  intents: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description('compare two bulkhead outputs: connections opened and closed, guardrails, resources, policy cost')
    .requiredOption('--base <ref|dir>', 'a git ref of the repository around the current directory, or a directory holding dist/ (and argocd/, platform.yaml)')
    .option('--head <ref|dir>', 'the same; default: the current directory (the working tree)', '.')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('txt'))
    .addOption(new Option('--fail-on <what>', 'exit 1 when: opened = anything opened; guardrail = a guardrail removed, changed or newly violated; any = any change').choices(FAIL_ON))
    .option('--intents <file>', 'the intents file, relative to each side', 'platform.yaml')
    .action((opts: DiffOptions) => {
      if (path.isAbsolute(opts.intents) || opts.intents.split(/[\\/]/).includes('..'))
        throw new UsageError(`--intents is read on both sides, relative to each: give a relative path inside the project (got ${opts.intents})`);
      const cwd = process.cwd();
      const base = readSnapshot(opts.base, cwd, opts.intents);
      const head = readSnapshot(opts.head, cwd, opts.intents);
      if (![...head.files.keys()].some((f) => f.startsWith('dist/')))
        throw new UsageError(`the head (${describe(head)}) has no dist/: run \`npm run synth\` there first, or pass --head`);
      const report = diffSnapshots(base, head);
      const sides = { base: describe(base), head: describe(head) };
      const c = ctx.colors;
      const text =
        opts.format === 'json'
          ? toJson(report)
          : opts.format === 'md'
            ? toMarkdown(report, sides)
            : toText(report, sides, { green: c.green, red: c.red, yellow: c.yellow, bold: c.bold, dim: c.dim });
      ctx.io.stdout(text);
      if (opts.failOn && fails(report, opts.failOn)) ctx.exitCode = EXIT_FAIL_ON;
    });
}
