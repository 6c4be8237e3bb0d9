/**
 * `bulkhead synth` (and so the cdk8s app, main.ts) in its three modes: write dist/ and argocd/ (`runSynth`),
 * compare them with what platform.yaml compiles to without writing (`checkOutputs`, `--check`), or print the
 * API manifests (`printManifests`, `--stdout`). Each prints a short summary and turns every known failure
 * into `file:line:column` messages (or GitHub annotations) and a non-zero exit, never a stack.
 * Input, verification and environment problems exit 1; anything else is a bug and says so (exit 70, see
 * internal-error.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Snapshot } from '../diff';
import { checkHead } from '../diff/head-check';
import { OutputError } from '../emit/output-error';
import { RenderError } from '../emit/render';
import { checkPlatform } from '../intent/check';
import { IntentError } from '../intent/diagnostics';
import { loadIntentsFile } from '../intent/load';
import type { Platform } from '../model/platform';
import { VerificationError } from '../verify/verify';
import { DiagnosticFormat, diagnosticCommand, errorCommand } from './github';
import { inMemoryCompiler } from './in-memory';
import { internalErrorText } from './internal-error';
import { defaultArgocdDir, repoLayout } from './layout';
import { ClusterSelectionError, SynthOptions, compilePlatform, manifestStream, readTree, selectClusters, synthesize } from './pipeline';

/** Exit code for a bug in bulkhead (EX_SOFTWARE), as the CLI uses. */
export const EXIT_INTERNAL = 70;
/** Exit code for a cluster name the platform does not have (a usage error, as in the CLI). */
export const EXIT_USAGE = 2;

type Stream = NodeJS.WritableStream;

/** Writes dist/ and argocd/; returns the exit code. */
export function runSynth(options: SynthOptions, out: Stream = process.stdout, err: Stream = process.stderr, format: DiagnosticFormat = 'text'): number {
  return reported(out, err, format, 'dist/ and argocd/ were left as they were', 'synth', () => {
    const result = synthesize(options);
    for (const c of result.clusters) {
      const objects = c.files.reduce((n, f) => n + f.manifests.length, 0);
      out.write(`bulkhead: ${c.cluster.cluster.name}: ${objects} objects in ${c.files.length} files\n`);
      const budget = c.verification.policyMap;
      for (const w of budget?.warn ?? [])
        err.write(`bulkhead: warning: ${c.cluster.cluster.name}: ${w.workload} needs about ${w.total} Cilium policy-map entries, past half of bpf.policyMapMax ${budget!.max}\n`);
    }
    return 0;
  });
}

/** Exit code of `--check` when the output on disk is not what platform.yaml compiles to. */
export const EXIT_STALE = 1;

/**
 * `--check`: compiles in memory and compares with dist/ and argocd/ on disk through lib/diff's head check
 * (the comparison `bulkhead diff` makes of a PR's head); writes nothing. With `clusters`, only their
 * dist/<cluster>/ and argocd/<cluster>/ are compared.
 */
export function checkOutputs(options: SynthOptions, out: Stream = process.stdout, err: Stream = process.stderr, format: DiagnosticFormat = 'text'): number {
  return reported(out, err, format, 'nothing was written', 'synth', () => {
    const platform = loadPlatform(options.intents);
    const outDir = options.outDir ?? path.join(path.dirname(options.intents), 'dist');
    const argocdDir = options.argocdDir ?? defaultArgocdDir(outDir);
    const clusters = options.clusters && selectClusters(platform, options.clusters).map((c) => c.name);
    const layout = repoLayout(outDir, argocdDir, path.dirname(path.resolve(options.intents)));
    let failure: Error | undefined;
    const compile = inMemoryCompiler({ layout, clusters, onError: (e) => (failure = e) });
    const intentsPath = 'platform.yaml';
    const selected = (file: string) => !clusters || clusters.includes(file.split('/')[0]);
    const files = new Map<string, string>([[intentsPath, fs.readFileSync(options.intents, 'utf8')]]);
    for (const [prefix, dir] of [['dist', outDir], ['argocd', argocdDir]] as const) for (const [file, text] of readTree(dir, selected)) files.set(`${prefix}/${file}`, text);
    const head: Snapshot = { label: 'working tree', kind: 'dir', dir: process.cwd(), files, intentsPath };
    const result = checkHead(head, { platform }, compile);
    if (failure) throw failure;
    const shown = (file: string) => (file.startsWith('dist/') ? path.join(outDir, file.slice(5)) : path.join(argocdDir, file.slice(7)));
    const scope = clusters ? ` (clusters ${clusters.join(', ')})` : '';
    const dirs = `${path.join(outDir, '/')} and ${path.join(argocdDir, '/')}`;
    if (result.status === 'ok') {
      const count = [...files.keys()].filter((f) => f !== intentsPath).length;
      out.write(`bulkhead: ${dirs} are what ${options.intents} compiles to${scope}: ${count} files\n`);
      return 0;
    }
    if (result.status !== 'stale' || !result.stale) throw new Error(`head check: unexpected status ${result.status}: ${result.message ?? ''}`);
    const { added, removed, changed } = result.stale;
    const rows = [...changed.map((f) => `changed: ${shown(f)}`), ...added.map((f) => `missing: ${shown(f)}`), ...removed.map((f) => `not rendered: ${shown(f)}`)];
    const summary = `${dirs} are stale${scope}: ${options.intents} compiles to other output (${rows.length} ${rows.length === 1 ? 'file differs' : 'files differ'}); run \`npm run synth\` and commit the result`;
    const listed = rows.slice(0, 20).concat(rows.length > 20 ? [`... and ${rows.length - 20} more`] : []);
    if (format === 'github') out.write(errorCommand({ message: [summary, ...listed].join('\n'), title: 'bulkhead synth --check' }));
    else err.write(`bulkhead: ${summary}\n${listed.map((r) => `  ${r}\n`).join('')}`);
    return EXIT_STALE;
  });
}

/**
 * `--stdout`: the clusters' API manifests as one multi-document YAML stream (`manifestStream`), nothing
 * written. A platform with several clusters needs `clusters`: each cluster's objects belong to that cluster.
 */
export function printManifests(options: SynthOptions, out: Stream = process.stdout, err: Stream = process.stderr, format: DiagnosticFormat = 'text'): number {
  return reported(out, err, format, 'nothing was written', 'synth', () => {
    const platform = loadPlatform(options.intents);
    if (!options.clusters && platform.clusters.length > 1)
      throw new ClusterSelectionError(`the platform has ${platform.clusters.length} clusters (${platform.clusters.map((c) => c.name).join(', ')}); --stdout prints the manifests of the clusters named with --cluster`);
    const result = compilePlatform(platform, { dryRun: true, clusters: options.clusters });
    out.write(manifestStream(result.clusters));
    return 0;
  });
}

/** `bulkhead check`: the intents are loaded and checked, nothing is rendered or written. */
export function checkIntents(intents: string, out: Stream = process.stdout, err: Stream = process.stderr, format: DiagnosticFormat = 'text'): number {
  return reported(out, err, format, 'nothing was rendered', 'check', () => {
    const p = loadPlatform(intents);
    const workloads = p.tenants.reduce((n, t) => n + t.workloads.length, 0);
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    out.write(`bulkhead: ${intents} checks: ${[count(p.clusters.length, 'cluster'), count(p.tenants.length, 'tenant'), count(workloads, 'workload'), count(p.flows.length, 'flow')].join(', ')}\n`);
    return 0;
  });
}

function loadPlatform(intents: string): Platform {
  const loaded = loadIntentsFile(intents);
  return checkPlatform(loaded.spec, loaded.source);
}

/** Runs `work`, turning every known failure into its message, the exit code 1 (2 for a cluster selection) and what happened to the output. */
function reported(out: Stream, err: Stream, format: DiagnosticFormat, left: string, command: 'synth' | 'check', work: () => number): number {
  const github = format === 'github';
  try {
    return work();
  } catch (e) {
    if (e instanceof IntentError) {
      if (github) for (const d of e.diagnostics) out.write(diagnosticCommand(d));
      else err.write(`${e.message}\n`);
      err.write(`bulkhead: ${command} failed with ${e.diagnostics.length} error(s); ${left}.\n`);
      return 1;
    }
    if (e instanceof RenderError || e instanceof VerificationError || e instanceof OutputError) {
      if (github) out.write(errorCommand({ message: e.message }));
      err.write(`bulkhead: ${e.message}\nbulkhead: ${command} failed; ${left}.\n`);
      return 1;
    }
    if (e instanceof ClusterSelectionError) {
      err.write(`bulkhead: ${e.message}\n`);
      return EXIT_USAGE;
    }
    err.write(internalErrorText(e));
    return EXIT_INTERNAL;
  }
}
