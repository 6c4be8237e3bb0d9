/**
 * The compiler, end to end: parse -> check -> lower -> emit -> verify -> write.
 * Each phase is timed, so the benchmark can report where the time goes.
 */
import { App } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ClusterDelivery } from '../constructs/argocd';
import { FleetApplicationSet } from '../constructs/argocd-fleet';
import { ClusterPlatform } from '../constructs/cluster-platform';
import { RenderError, RenderedFile, renderCharts, toYaml } from '../emit/render';
import { RepoFile, checkGitOps } from '../gitops/checks';
import { replaceOutputs, writeFileIn } from '../emit/write';
import { checkPlatform } from '../intent/check';
import { loadIntentsFile } from '../intent/load';
import { ClusterPlatform as ClusterModel, Platform, forCluster } from '../model/platform';
import { ProbePlan } from '../model/probes';
import { renderProbes } from '../probes/render';
import { probesReport } from '../probes/report';
import { REPORT_FILE, connectivityReport } from '../report/connectivity-report';
import { Verification, VerificationError, verifyCluster } from '../verify/verify';
import { ROOT_LAYOUT, RepoLayout, defaultArgocdDir, repoLayout } from './layout';

export interface CompileOptions {
  /** Where dist/ goes. @default dist */
  readonly outDir?: string;
  /** Where the Argo CD Applications go. @default argocd/ beside dist/ */
  readonly argocdDir?: string;
  /**
   * Where dist/ and argocd/ are in the Git repository, for the paths the Applications sync.
   * @default computed from outDir and argocdDir when writing (see layout.ts); `dist` and `argocd` otherwise
   */
  readonly layout?: RepoLayout;
  /**
   * Render only these clusters: only dist/<cluster>/ and argocd/<cluster>/ of each are written, and every
   * other file in dist/ and argocd/ (other clusters, argocd/README.md, argocd/fleet/) stays as it is.
   * @default every cluster, and dist/ and argocd/ are replaced as a whole
   */
  readonly clusters?: readonly string[];
  /**
   * Set by `cdk8s synth` (CDK8S_OUTDIR): also leave the API manifests there, in one file
   * (`platform.k8s.yaml`, see `manifestStream`), for the cdk8s CLI to list or print.
   */
  readonly cdk8sOutDir?: string;
  /** Skip writing (benchmarks and property tests measure the rest). @default false */
  readonly dryRun?: boolean;
  /**
   * Adds to or changes a cluster's constructs before rendering (TypeScript users' escape hatch).
   * Whatever it does is verified like the rest: it cannot open what the intents do not allow.
   */
  readonly customize?: (app: App, cluster: ClusterModel) => void;
}

export interface SynthOptions extends CompileOptions {
  /** The intents file; dist/ defaults to its directory's dist/. */
  readonly intents: string;
}

export interface ClusterOutput {
  readonly cluster: ClusterModel;
  readonly files: RenderedFile[];
  /** File path (relative to dist/<cluster>/) to content. */
  readonly texts: Map<string, string>;
  readonly verification: Verification;
  /**
   * The connectivity probes: the plan, and its files (`probes/<tenant>.yaml`, none when the cluster turned
   * them off). Kept apart from `files`, which are the manifests the verifier read.
   */
  readonly probes: { readonly plan: ProbePlan; readonly files: readonly RenderedFile[] };
}

export interface SynthResult {
  readonly platform: Platform;
  readonly clusters: ClusterOutput[];
  /** argocd/ file path (relative to argocd/) to content. */
  readonly delivery: Map<string, string>;
  /** Wall time per phase, in milliseconds. */
  readonly phases: Array<{ name: string; ms: number }>;
}

/** Wall time per phase; a phase run several times (once per cluster) adds up in one entry. */
export class PhaseTimer {
  readonly phases: Array<{ name: string; ms: number }> = [];
  run<T>(name: string, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - start;
      const phase = this.phases.find((p) => p.name === name);
      if (phase) phase.ms += ms;
      else this.phases.push({ name, ms });
    }
  }
}

export function synthesize(options: SynthOptions, timer = new PhaseTimer()): SynthResult {
  const platform = timer.run('load and check intents', () => {
    const loaded = loadIntentsFile(options.intents);
    return checkPlatform(loaded.spec, loaded.source);
  });
  const outDir = options.outDir ?? path.join(path.dirname(options.intents), 'dist');
  const argocdDir = options.argocdDir ?? defaultArgocdDir(outDir);
  const layout = options.layout ?? (options.dryRun ? undefined : repoLayout(outDir, argocdDir, path.dirname(path.resolve(options.intents))));
  return compilePlatform(platform, { ...options, outDir, argocdDir, layout }, timer);
}

/** The clusters `names` selects (all when undefined); an unknown name is a usage error naming the known ones. */
export function selectClusters(platform: Platform, names: readonly string[] | undefined): Platform['clusters'] {
  if (!names) return platform.clusters;
  const known = platform.clusters.map((c) => c.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new ClusterSelectionError(`no cluster named ${unknown.map((n) => `"${n}"`).join(', ')} in the platform (clusters: ${known.join(', ')})`);
  return platform.clusters.filter((c) => names.includes(c.name));
}

/** `clusters` names a cluster the platform does not have. */
export class ClusterSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterSelectionError';
  }
}

/**
 * Compiles a checked platform (from YAML, or built in TypeScript and passed through `checkPlatform`),
 * verifies every cluster and, unless `dryRun`, replaces the output directory. Throws
 * `VerificationError` (and writes nothing) when the rendered manifests do not do what the intents say.
 */
export function compilePlatform(platform: Platform, options: CompileOptions = {}, timer = new PhaseTimer()): SynthResult {
  // One cluster at a time, so that only one construct tree is alive: it is needed only until its
  // manifests are rendered.
  const layout = options.layout ?? ROOT_LAYOUT;
  const rendered = selectClusters(platform, options.clusters).map((c) => {
    const model = forCluster(platform, c);
    let app: App | undefined = timer.run('build constructs', () => {
      const app = new App({ outdir: options.cdk8sOutDir ?? '.cdk8s.out' });
      new ClusterPlatform(app, c.name, { platform: model });
      options.customize?.(app, model);
      return app;
    });
    const files = timer.run('render', () => renderCharts(app!));
    // The manifests share nothing with the constructs: from here on the tree is garbage.
    app = undefined;
    return timer.run('render', () => {
      collectIfLarge();
      return { model, files, texts: new Map(files.map((f) => [f.path, toYaml(f)])) };
    });
  });
  // The analyzer reads the very objects that were serialized, as plain manifests.
  const verified = timer.run('verify', () =>
    rendered.map(({ model, files, texts }) => ({ cluster: model, files, texts, verification: verifyCluster(model, sourced(files)) })),
  );
  const clusters: ClusterOutput[] = timer.run('probes', () => verified.map(renderProbesOf));
  const failed = clusters.filter((c) => c.verification.findings.length);
  if (failed.length) throw new VerificationError(failed.map((c) => c.verification));
  timer.run('report', () => {
    for (const c of clusters) c.texts.set(REPORT_FILE, connectivityReport(c.verification, platform) + probesReport(c.probes.plan));
  });
  const delivery = timer.run('gitops', () => renderDelivery(platform, clusters, layout, options.clusters !== undefined));

  if (!options.dryRun) {
    const outDir = options.outDir ?? 'dist';
    const argocdDir = options.argocdDir ?? defaultArgocdDir(outDir);
    timer.run('write', () => writeOutputs(outDir, clusters, argocdDir, delivery, options.clusters !== undefined));
    if (options.cdk8sOutDir && path.resolve(options.cdk8sOutDir) !== path.resolve(outDir))
      writeFileIn(options.cdk8sOutDir, CDK8S_MANIFEST_FILE, manifestStream(clusters));
  }
  return { platform, clusters, delivery, phases: timer.phases };
}

/** The one file synth leaves in CDK8S_OUTDIR (see `manifestStream`). */
export const CDK8S_MANIFEST_FILE = 'platform.k8s.yaml';

/**
 * The clusters' API manifests as one multi-document YAML stream: every manifest file of dist/<cluster>/
 * (platform/, tenants/, probes/) in path order, documents separated by `---`; no Helm values, kind or
 * eksctl configs, reports. With more than one cluster, each cluster's part starts with a `# cluster:`
 * comment (the parts may hold objects of the same name: apply one cluster's part to one cluster).
 * One stream, not a file per cluster, because `cdk8s synth --stdout` pipes every file it finds to its
 * standard output at once, and their chunks would interleave.
 */
export function manifestStream(clusters: readonly ClusterOutput[]): string {
  const parts = clusters.map((c) => {
    const files = [...c.files, ...c.probes.files].filter((f) => f.text === undefined && f.manifests.length).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const docs = files.map((f) => c.texts.get(f.path) ?? toYaml(f)).join('---\n');
    return clusters.length > 1 ? `# cluster: ${c.cluster.cluster.name}\n${docs}` : docs;
  });
  return parts.join('---\n');
}

const sourced = (files: readonly RenderedFile[]) => files.flatMap((f) => f.manifests.map((m, index) => ({ file: f.path, index, object: m })));

/**
 * The cluster's connectivity probes (lib/probes): planned from what was just verified, rendered into
 * `probes/<tenant>.yaml`, and proven by the analyzer against the same manifests; a probe it does not
 * confirm is a verification finding, so synth fails and dist/ stays as it was.
 */
function renderProbesOf(c: Omit<ClusterOutput, 'probes'>): ClusterOutput {
  const probes = renderProbes(c.cluster, c.verification, sourced(c.files));
  for (const f of probes.files) c.texts.set(f.path, toYaml(f));
  c.verification.findings.push(...probes.findings);
  return { ...c, probes: { plan: probes.plan, files: probes.files } };
}

/**
 * A full garbage collection, right after a large construct tree is let go. V8 sizes the old generation
 * from what was live at its last full collection, which during render includes the tree (some 400 MB at
 * bench size XL): without this the heap grew to about 2.4 GB through verification, report and checks
 * before V8 collected again; with it (about 0.5 s at XL) the peak stays near 1.8 GB. Under half a gigabyte
 * of heap it is not worth a collection. `gc` comes from a context created with V8's --expose-gc, which
 * leaves the process's own global alone; if that is unavailable, nothing happens.
 */
function collectIfLarge(): void {
  if (v8.getHeapStatistics().used_heap_size < 512 * 2 ** 20) return;
  if (fullGc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('gc');
      fullGc = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      fullGc = null;
    }
  }
  fullGc?.();
}
let fullGc: (() => void) | null | undefined;

/**
 * argocd/: per cluster the Applications and projects that deliver dist/<cluster>/, the fleet
 * ApplicationSet when asked for, and a README; then the static checks over dist/ and argocd/ together
 * (every object in exactly one Application, synced directories hold only manifests, sizes, projects).
 */
function renderDelivery(platform: Platform, clusters: ClusterOutput[], layout: RepoLayout, selected: boolean): Map<string, string> {
  const texts = new Map<string, string>(selected ? [] : [['README.md', deliveryReadme(platform, layout)]]);
  const gitops = platform.gitops;
  if (!gitops) return texts;
  const app = new App({ outdir: '.cdk8s.out' });
  for (const c of clusters)
    new ClusterDelivery(app, c.cluster.cluster.name, { platform: c.cluster, gitops, files: [...c.files, ...c.probes.files], distPath: layout.dist, argocdPath: layout.argocd });
  if (gitops.fleet && !selected) new FleetApplicationSet(app, 'fleet', { platform: platform.name, gitops, argocdPath: layout.argocd });
  const argocdFiles = renderCharts(app);
  for (const f of argocdFiles) texts.set(f.path, toYaml(f));
  // The checks get the documents of each manifest file as well as its text, so that they need not parse
  // back the YAML just written from them (byte for byte what Yaml.stringify writes, see emit/yaml.ts).
  const docsOf = (files: readonly RenderedFile[]) => new Map(files.filter((f) => f.text === undefined).map((f) => [f.path, f.manifests]));
  const repo: RepoFile[] = [
    ...clusters.flatMap((c) => {
      const docs = docsOf([...c.files, ...c.probes.files]);
      return [...c.texts].map(([file, text]) => ({ path: `${layout.dist}/${c.cluster.cluster.name}/${file}`, text, docs: docs.get(file) }));
    }),
  ];
  const argocdDocs = docsOf(argocdFiles);
  for (const [file, text] of texts) repo.push({ path: `${layout.argocd}/${file}`, text, docs: argocdDocs.get(file) });
  const problems = checkGitOps(repo, { repoURL: gitops.repoURL, distDir: layout.dist, argocdDir: layout.argocd });
  if (problems.length) throw new RenderError(`the Argo CD delivery is inconsistent:\n${problems.map((p) => `  - ${p.check}: ${p.message}`).join('\n')}`);
  return texts;
}

function deliveryReadme(platform: Platform, layout: RepoLayout): string {
  const a = layout.argocd;
  const lines = [`# ${a}/`, '', 'Rendered by `bulkhead synth` from platform.yaml; do not edit. See the README of the repository, section "Delivery with Argo CD".', ''];
  if (!platform.gitops) lines.push('platform.yaml has no `gitops:` section, so there is nothing to deliver yet.', '');
  else if (platform.gitops.fleet) lines.push(`Fleet mode: \`kubectl apply -f ${a}/fleet/applicationset.yaml\` in the central Argo CD.`, '');
  else lines.push(...platform.clusters.map((c) => `- ${c.name}: \`kubectl apply -n argocd -f ${a}/${c.name}/root.yaml\``), '');
  return lines.join('\n');
}

/**
 * dist/ and argocd/ switched together (see emit/write.ts for the lock, the journal and what a crash leaves).
 * With selected clusters, the files of every other directory are carried over as they are on disk, so the
 * switch replaces exactly the selected clusters' directories, under the same lock as a whole synth.
 */
function writeOutputs(outDir: string, clusters: ClusterOutput[], argocdDir: string, delivery: Map<string, string>, selected: boolean): void {
  const names = new Set(clusters.map((c) => c.cluster.cluster.name));
  const kept = (dir: string) => (selected ? readTree(dir, (file) => !names.has(file.split('/')[0])) : new Map<string, string>());
  const dist = kept(outDir);
  for (const c of clusters) for (const [file, text] of c.texts) dist.set(`${c.cluster.cluster.name}/${file}`, text);
  const argocd = kept(argocdDir);
  for (const [file, text] of delivery) argocd.set(file, text);
  replaceOutputs([
    { dir: outDir, files: dist },
    { dir: argocdDir, files: argocd },
  ]);
}

/** The files under `dir` that `keep` accepts (paths relative to `dir`, `/`-separated), with their text. */
export function readTree(dir: string, keep: (file: string) => boolean = () => true): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = rel ? `${rel}/${e.name}` : e.name;
      if (!keep(file)) continue;
      if (e.isDirectory()) walk(file);
      else if (e.isFile()) files.set(file, fs.readFileSync(path.join(dir, file), 'utf8'));
    }
  };
  walk('');
  return files;
}
