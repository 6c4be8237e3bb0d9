/**
 * The compiler, end to end: parse -> check -> lower -> emit -> verify -> write.
 * Each phase is timed, so the benchmark can report where the time goes.
 */
import { App } from 'cdk8s';
import * as path from 'node:path';
import { checkPlatform } from '../intent/check';
import { loadIntentsFile } from '../intent/load';
import { ClusterPlatform } from '../constructs/cluster-platform';
import { RenderedFile, renderCharts, toYaml } from '../emit/render';
import { stageOutput, writeFileIn } from '../emit/write';
import { ClusterPlatform as ClusterModel, Platform, forCluster } from '../model/platform';

export interface SynthOptions {
  /** The intents file. */
  readonly intents: string;
  /** Where dist/ goes. @default dist beside the intents file */
  readonly outDir?: string;
  /** Set by `cdk8s synth` (CDK8S_OUTDIR): also leave a copy of the manifests there for the CLI to list. */
  readonly cdk8sOutDir?: string;
  /** Skip writing (benchmarks measure the rest). @default false */
  readonly dryRun?: boolean;
}

export interface ClusterOutput {
  readonly cluster: ClusterModel;
  readonly files: RenderedFile[];
  readonly texts: Map<string, string>;
}

export interface SynthResult {
  readonly platform: Platform;
  readonly clusters: ClusterOutput[];
  /** Wall time per phase, in milliseconds. */
  readonly phases: Array<{ name: string; ms: number }>;
}

export function synthesize(options: SynthOptions): SynthResult {
  const phases: SynthResult['phases'] = [];
  const timed = <T>(name: string, fn: () => T): T => {
    const start = performance.now();
    try {
      return fn();
    } finally {
      phases.push({ name, ms: performance.now() - start });
    }
  };

  const platform = timed('load and check intents', () => {
    const loaded = loadIntentsFile(options.intents);
    return checkPlatform(loaded.spec, loaded.source);
  });
  const built = timed('build constructs', () =>
    platform.clusters.map((c) => {
      const model = forCluster(platform, c);
      const app = new App({ outdir: options.cdk8sOutDir ?? '.cdk8s.out' });
      new ClusterPlatform(app, c.name, { platform: model });
      return { model, app };
    }),
  );
  const clusters: ClusterOutput[] = timed('render', () =>
    built.map(({ model, app }) => {
      const files = renderCharts(app);
      const texts = new Map(files.map((f) => [f.path, toYaml(f)]));
      return { cluster: model, files, texts };
    }),
  );

  if (!options.dryRun) {
    const outDir = options.outDir ?? path.join(path.dirname(options.intents), 'dist');
    timed('write', () => writeOutputs(outDir, clusters));
    if (options.cdk8sOutDir && path.resolve(options.cdk8sOutDir) !== path.resolve(outDir)) writeCdk8sCopy(options.cdk8sOutDir, clusters);
  }
  return { platform, clusters, phases };
}

function writeOutputs(outDir: string, clusters: ClusterOutput[]): void {
  const staged = stageOutput(outDir);
  try {
    for (const c of clusters) for (const [file, text] of c.texts) writeFileIn(staged.dir, path.join(c.cluster.cluster.name, file), text);
    staged.commit();
  } catch (err) {
    staged.discard();
    throw err;
  }
}

function writeCdk8sCopy(dir: string, clusters: ClusterOutput[]): void {
  for (const c of clusters) for (const [file, text] of c.texts) writeFileIn(dir, path.join(c.cluster.cluster.name, file), text);
}
