/**
 * `bulkhead check [--intents F] [--format text|github]`: platform.yaml is loaded and checked (schema, names,
 * references, guardrails), nothing is rendered: fast enough for an editor's save hook or pre-commit.
 * Exit 0 when it checks, 1 with `file:line:column: error:` lines (or GitHub annotations) when not.
 */
import { Command, Option } from 'commander';
import { checkIntents } from '../synth/cli';
import { CliContext, streams } from './context';

export function configure(command: Command, ctx: CliContext): void {
  command
    .addOption(new Option('--intents <file>', 'the intents file').env('BULKHEAD_INTENTS').default('platform.yaml'))
    .addOption(new Option('--format <format>', 'how to report errors: text, or github (workflow commands that annotate the pull request)').choices(['text', 'github']).default('text'))
    .action((opts: { intents: string; format: 'text' | 'github' }) => {
      ctx.exitCode = checkIntents(opts.intents, ...streams(ctx), opts.format);
    });
}
