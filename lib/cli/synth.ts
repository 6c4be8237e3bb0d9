/**
 * `bulkhead synth [--intents F] [--out DIR] [--argocd DIR] [--cluster NAME ...] [--check | --stdout]
 * [--format text|github]`: compile platform.yaml into verified dist/ and argocd/ (lib/synth/cli.ts).
 * `npm run synth` and `npx cdk8s synth` run this command through main.ts (see app.ts), so BULKHEAD_INTENTS
 * and BULKHEAD_OUT stand in for --intents and --out.
 *
 * --cluster renders, writes and checks only dist/<name>/ and argocd/<name>/ of the named clusters, leaving
 * every other file of dist/ and argocd/ as it is (other clusters, and the platform-wide argocd/README.md and
 * argocd/fleet/): a CI matrix can split a large fleet by cluster, and one job without --cluster covers the rest.
 */
import { Command, Option } from 'commander';
import { checkOutputs, printManifests, runSynth } from '../synth/cli';
import { CliContext, streams } from './context';

interface SynthCliOptions {
  intents: string;
  out: string;
  argocd?: string;
  cluster?: string[];
  check?: boolean;
  stdout?: boolean;
  format: 'text' | 'github';
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function configure(command: Command, ctx: CliContext): void {
  command
    .addOption(new Option('--intents <file>', 'the intents file').env('BULKHEAD_INTENTS').default('platform.yaml'))
    .addOption(new Option('--out <dir>', 'where the manifests go').env('BULKHEAD_OUT').default('dist'))
    .option('--argocd <dir>', 'where the Argo CD Applications go (default: argocd beside --out); their paths in the repository follow both')
    .option('--cluster <name>', 'only this cluster (repeatable): writes or checks only dist/<name>/ and argocd/<name>/', collect)
    .addOption(new Option('--check', 'write nothing; exit 1 when dist/ and argocd/ are not what the intents compile to').conflicts('stdout'))
    .option('--stdout', 'write nothing; print the API manifests as one multi-document YAML stream (needs --cluster when the platform has several clusters)')
    .addOption(new Option('--format <format>', 'how to report errors: text, or github (workflow commands that annotate the pull request)').choices(['text', 'github']).default('text'))
    .action((opts: SynthCliOptions) => {
      const options = { intents: opts.intents, outDir: opts.out, argocdDir: opts.argocd, clusters: opts.cluster, cdk8sOutDir: process.env.CDK8S_OUTDIR };
      const run = opts.check ? checkOutputs : opts.stdout ? printManifests : runSynth;
      ctx.exitCode = run(options, ...streams(ctx), opts.format);
    });
}
