/**
 * Small platforms written in TypeScript, for tests that must not depend on the example platform.yaml
 * (replacing it with another valid platform keeps `npm test` green). Each test adds what it needs.
 */
import { checkPlatform } from '../../lib/intent/check';
import { IntentError } from '../../lib/intent/diagnostics';
import { PlatformSpec } from '../../lib/intent/types';
import { CompileOptions, SynthResult, compilePlatform } from '../../lib/synth/pipeline';

/** Two tenants on one kind cluster with Cilium: `shop/web` and `shop/api` (http 8080), `data/db` (postgres 5432). */
export function smallPlatform(extra: Partial<PlatformSpec> = {}): PlatformSpec {
  return {
    apiVersion: 'bulkhead.dev/v1alpha1',
    kind: 'Platform',
    metadata: { name: 'fixture' },
    clusters: [{ name: 'dev', provider: 'kind' }],
    tenants: [
      {
        name: 'shop',
        workloads: [
          { name: 'web', image: 'example/web:1', ports: [{ name: 'http', port: 8080 }] },
          { name: 'api', image: 'example/api:1', ports: [{ name: 'http', port: 8080 }] },
        ],
      },
      { name: 'data', labels: { 'data-class': 'phi' }, workloads: [{ name: 'db', image: 'example/db:1', ports: [{ name: 'postgres', port: 5432 }] }] },
    ],
    flows: [
      { from: 'shop/web', to: 'shop/api', ports: ['http'] },
      { from: 'shop/api', to: 'data/db', ports: ['postgres'] },
    ],
    ...extra,
  };
}

/** Compiles in memory (nothing written). */
export function compileSpec(spec: PlatformSpec, customize?: CompileOptions['customize']): SynthResult {
  return compilePlatform(checkPlatform(spec), { dryRun: true, customize });
}

/** Every file the compile renders, keyed `dist/<cluster>/<file>` and `argocd/<file>`. */
export function renderedFiles(result: SynthResult): Record<string, string> {
  const files: Record<string, string> = {};
  for (const c of result.clusters) for (const [file, text] of c.texts) files[`dist/${c.cluster.cluster.name}/${file}`] = text;
  for (const [file, text] of result.delivery) files[`argocd/${file}`] = text;
  return files;
}

/** The manifests of one cluster as the analyzer reads them. */
export function manifestsOf(result: SynthResult, cluster = result.clusters[0].cluster.cluster.name) {
  const c = result.clusters.find((x) => x.cluster.cluster.name === cluster)!;
  return c.files.flatMap((f) => f.manifests.map((m, index) => ({ file: f.path, index, object: m })));
}

/** The IntentError a check throws, as text; fails when the spec passes. */
export function intentErrors(spec: PlatformSpec): string {
  try {
    checkPlatform(spec);
  } catch (e) {
    if (e instanceof IntentError) return e.message;
    throw e;
  }
  throw new Error('the platform passed its checks, but the test expected errors');
}
