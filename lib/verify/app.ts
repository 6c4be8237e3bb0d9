/**
 * The proof for an app built with bulkhead's constructs, without platform.yaml. The constructs record
 * what they were asked for (tenants, workloads, connections, egress, guardrails, routes: see
 * constructs/platform-record.ts); this runs bulkhead's analyzer on the manifests and compares: every
 * connection open on exactly its ports, nothing else open, egress exactly as asked, routes reaching
 * their backends, guardrails holding (and, on Cilium, holding against tenants' own allow-alls).
 *
 *   const app = new App();
 *   ... tenants, workloads, connections ...
 *   verify(app);                                   // what the app renders now
 *   verify(app, { manifests: documentsOnDisk });   // or the YAML `cdk8s synth` wrote, read back
 *
 * Throws a `VerificationError` naming every finding; returns the verification (the analyzer's
 * connectivity, the expectation, guardrails, policy-map budget) when there is none.
 */
import { IConstruct } from 'constructs';
import { SourcedObject } from '../analysis';
import { ClusterSettings } from '../constructs/cluster-settings';
import { PlatformRecord } from '../constructs/platform-record';
import { renderCharts } from '../emit/render';
import { Verification, VerificationError, verifyCluster } from './verify';

export interface VerifyOptions {
  /**
   * The Kubernetes objects to check instead of what the app renders now: e.g. the documents that
   * `cdk8s synth` wrote, read back, to prove the files that will be applied.
   * @default the app's objects, rendered now
   */
  readonly manifests?: readonly unknown[];
}

export function verify(app: IConstruct, options: VerifyOptions = {}): Verification {
  const objects: SourcedObject[] = options.manifests
    ? options.manifests.filter(isObject).map((object, index) => ({ file: 'manifests', index, object }))
    : renderCharts(app).flatMap((f) => f.manifests.map((object, index) => ({ file: f.path, index, object })));
  const result = verifyCluster(PlatformRecord.of(app).toModel(ClusterSettings.of(app)), objects);
  if (result.findings.length) throw new VerificationError([result]);
  return result;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
