/**
 * One cluster's probes, end to end: planned from what the verifier just proved the manifests against,
 * rendered into `probes/<tenant>.yaml`, and proven consistent with the same manifests by the analyzer.
 */
import { App } from 'cdk8s';
import { SourcedObject } from '../analysis';
import { ProbeJobs } from '../constructs/probe-jobs';
import { RenderedFile, renderCharts } from '../emit/render';
import { ClusterPlatform } from '../model/platform';
import { ProbePlan } from '../model/probes';
import { Finding, Verification } from '../verify/verify';
import { planProbes } from './plan';
import { proveProbes } from './prove';

export interface RenderedProbes {
  readonly plan: ProbePlan;
  /** `probes/<tenant>.yaml`; none when the cluster's probes are off. */
  readonly files: RenderedFile[];
  /** Probes whose expectation the analyzer does not confirm. */
  readonly findings: Finding[];
}

/** `rendered`: the cluster's manifests as the verifier read them (without the probes). */
export function renderProbes(platform: ClusterPlatform, verification: Verification, rendered: readonly SourcedObject[]): RenderedProbes {
  const plan = planProbes(platform, verification.expectation);
  if (!plan.enabled || !plan.probes.length) return { plan, files: [], findings: [] };
  const app = new App({ outdir: '.cdk8s.out' });
  new ProbeJobs(app, 'probes', { plan });
  const files = renderCharts(app);
  const objects = files.flatMap((f) => f.manifests.map((m, index) => ({ file: f.path, index, object: m })));
  return { plan, files, findings: proveProbes(plan, rendered, objects, verification.connectivity) };
}
