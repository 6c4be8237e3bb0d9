/**
 * `bulkhead probes --cluster NAME [--format txt|json] [--intents platform.yaml]`: the connectivity probes
 * synth renders for a cluster (dist/<cluster>/probes/): every probe with its source, destination, port,
 * protocol and expectation, and what is not probed and why. JSON contract: lib/probes/report.ts.
 */
import { Command, Option } from 'commander';
import { checkPlatform } from '../intent/check';
import { IntentError } from '../intent/diagnostics';
import { loadIntentsFile } from '../intent/load';
import { forCluster } from '../model/platform';
import { planProbes } from '../probes/plan';
import { probesToJson, probesToText } from '../probes/report';
import { expectedConnectivity } from '../verify/expected';
import type { CliContext } from './context';
import { UsageError } from './errors';

const FORMATS = ['txt', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface ProbesOptions {
  cluster: string;
  format: Format;
  intents: string;
}

export function configure(command: Command, ctx: CliContext): void {
  command
    .requiredOption('--cluster <name>', 'the cluster, as named in platform.yaml')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('txt'))
    .option('--intents <file>', 'the intents file', 'platform.yaml')
    .action((opts: ProbesOptions) => {
      let platform;
      try {
        const loaded = loadIntentsFile(opts.intents);
        platform = checkPlatform(loaded.spec, loaded.source);
      } catch (e) {
        if (e instanceof IntentError) throw new UsageError(e.message);
        throw e;
      }
      const cluster = platform.clusters.find((c) => c.name === opts.cluster);
      if (!cluster) throw new UsageError(`no cluster named "${opts.cluster}" in ${opts.intents} (clusters: ${platform.clusters.map((c) => c.name).join(', ')})`);
      const model = forCluster(platform, cluster);
      const plan = planProbes(model, expectedConnectivity(model));
      ctx.io.stdout(opts.format === 'json' ? probesToJson(plan) : probesToText(plan));
    });
}
