/** `bulkhead connectivity [--format txt|json|md] PATH...`: allowed connections between workloads. */
import { Command, Option } from 'commander';
import { analyze, connectivityToJson, connectivityToMarkdown, connectivityToText, loadManifestPaths, withoutDeploymentHooks } from '../analysis';
import type { CliContext } from './context';

const FORMATS = ['txt', 'json', 'md'] as const;
type Format = (typeof FORMATS)[number];

export function configure(command: Command, ctx: CliContext): void {
  command
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('txt'))
    .option('--include-hooks', 'also analyze Argo CD and Helm hooks (such as the connectivity probe Jobs), which run only around a sync')
    .argument('<paths...>', 'manifest files or directories (.yaml, .yml, .json)')
    .action((paths: string[], opts: { format: Format; includeHooks?: boolean }) => {
      const objects = loadManifestPaths(paths);
      const conn = analyze(opts.includeHooks ? objects : withoutDeploymentHooks(objects));
      const render = { txt: connectivityToText, json: connectivityToJson, md: connectivityToMarkdown }[opts.format];
      const text = render(conn);
      ctx.io.stdout(text === '' ? '' : `${text}\n`);
    });
}
