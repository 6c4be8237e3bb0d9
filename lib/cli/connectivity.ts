/** `bulkhead connectivity [--format txt|json|md] PATH...`: allowed connections between workloads. */
import { Command, Option } from 'commander';
import { analyze, connectivityToJson, connectivityToMarkdown, connectivityToText, loadManifestPaths } from '../analysis';
import type { CliContext } from './context';

const FORMATS = ['txt', 'json', 'md'] as const;
type Format = (typeof FORMATS)[number];

export function register(program: Command, ctx: CliContext): void {
  program
    .command('connectivity')
    .description('list the connections NetworkPolicies allow between workloads (and to/from outside addresses)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('txt'))
    .argument('<paths...>', 'manifest files or directories (.yaml, .yml, .json)')
    .action((paths: string[], opts: { format: Format }) => {
      const conn = analyze(loadManifestPaths(paths));
      const render = { txt: connectivityToText, json: connectivityToJson, md: connectivityToMarkdown }[opts.format];
      const text = render(conn);
      ctx.io.stdout(text === '' ? '' : `${text}\n`);
    });
}
