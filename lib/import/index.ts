/**
 * `bulkhead import`: a platform.yaml from the manifests a cluster runs today, and the proof that it compiles
 * to the same connectivity. Reading (inventory.ts, services.ts, workloads.ts), deriving (flows.ts,
 * egress.ts, findings.ts), writing (emit.ts) and proving (proof.ts) each live in their own file; this file
 * only puts them in order.
 */
import { analyze, isDeploymentHook } from '../analysis';
import type { SourcedObject } from '../analysis';
import type { ClusterSpec, PlatformSpec, TenantSpec } from '../intent/types';
import { API_VERSION, KIND } from '../intent/types';
import { Attribution } from './attribution';
import { deriveEgress } from './egress';
import { EmitComments, emitPlatform } from './emit';
import { ImportInputError } from './errors';
import { inexpressible } from './findings';
import { deriveFlows } from './flows';
import { ImportInventory, compare, readInventory } from './inventory';
import { ProofResult, prove } from './proof';
import type { Finding, Note, Rename } from './remarks';
import { readServices } from './services';
import { deriveWorkloads } from './workloads';

export { ImportInputError } from './errors';
export { renderReport } from './report';
export type { Finding, Note, Rename } from './remarks';
export type { ProofResult } from './proof';

export interface ImportOptions {
  /** `metadata.name` of the platform. @default imported */
  readonly name?: string;
  /** The one cluster entry's name. @default imported */
  readonly cluster?: string;
  /** What the input is called in errors about it as a whole (e.g. the first path). @default <input> */
  readonly input?: string;
}

export interface ImportResult {
  /** platform.yaml as written. */
  readonly text: string;
  readonly spec: PlatformSpec;
  readonly renames: readonly Rename[];
  readonly notes: readonly Note[];
  /** Connectivity that could not be expressed, sorted by where. */
  readonly findings: readonly Finding[];
  /** Namespaces left out (system namespaces), with their workload counts. */
  readonly skipped: ImportInventory['skipped'];
  readonly proof: ProofResult;
}

export const DEFAULT_NAME = 'imported';

export function importManifests(input: readonly SourcedObject[], options: ImportOptions = {}): ImportResult {
  // Argo CD and Helm hooks (bulkhead's own probe Jobs among them) run only around a sync: not workloads to adopt.
  const objects = input.filter((o) => !isDeploymentHook(o.object));
  const inv = readInventory(objects);
  if (inv.tenants.length === 0) {
    throw ImportInputError.about(
      options.input ?? '<input>',
      'no namespace or workload to import (system namespaces such as kube-system are left out)',
      'pass the output of `kubectl get ns,deploy,sts,ds,rs,job,cronjob,pod,svc,netpol -A -o yaml`, or a directory of manifests.',
    );
  }
  const hints = readServices(inv);
  const derived = deriveWorkloads(inv, hints);
  const original = analyze(objects);
  const attribution = new Attribution(inv.analysis);
  const flows = deriveFlows(original, inv, derived.byIndex, attribution);
  const egress = deriveEgress(original, inv, derived.byIndex, attribution);
  const notes: Note[] = [...hints.notes, ...derived.notes, ...labelNotes(inv)];
  // Cilium exactly when the platform needs it: a platform that needs nothing of Cilium compiles to no Cilium
  // object, and its import must say the same cni again (the import is a fixed point of its own output).
  const cilium = flows.flows.some((f) => f.http) || egress.egress.some((e) => e.cidr === undefined);
  if (inv.cilium && !cilium) {
    notes.push({
      subject: `cluster ${options.cluster ?? DEFAULT_NAME}`,
      what: 'the input holds Cilium policies, but nothing imported needs Cilium: written as cni: generic; set cni: cilium if the cluster runs Cilium (bulkhead then renders its Helm values and enforces guardrails with it)',
    });
  }
  const cluster: ClusterSpec = { name: options.cluster ?? DEFAULT_NAME, provider: 'kind', cni: cilium ? 'cilium' : 'generic' };
  const tenants: TenantSpec[] = inv.tenants.map((t) => {
    const labels = tenantLabels(t.labels);
    const workloads = t.workloads.map((w) => derived.byIndex.get(w.index)!.spec);
    return { name: t.name, ...(Object.keys(labels).length ? { labels } : {}), ...(workloads.length ? { workloads } : {}) };
  });
  const spec: PlatformSpec = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: options.name ?? DEFAULT_NAME },
    clusters: [cluster],
    tenants,
    ...(flows.flows.length ? { flows: flows.flows } : {}),
    ...(egress.egress.length ? { egress: egress.egress } : {}),
  };
  const text = emitPlatform(spec, comments(inv));
  const findings = dedupe([...flows.findings, ...egress.findings, ...inexpressible(original, inv, attribution)]);
  const proof = prove(text, original, inv, flows.excluded);
  return { text, spec, renames: derived.renames, notes: dedupeNotes(notes), findings, skipped: inv.skipped, proof };
}

const HEADER = [
  'Written by `bulkhead import` from existing manifests. The import compiled this file and compared the',
  'connectivity of the result with the original; its report (standard error) lists what platform.yaml',
  'cannot express. bulkhead runs every pod non-root with a read-only root filesystem: review the',
  'workloads (user, writablePaths) before deploying.',
];

function comments(inv: ImportInventory): EmitComments {
  const tenants = new Map<string, string>();
  const workloads = new Map<string, string>();
  for (const t of inv.tenants) {
    if (t.name !== t.namespace) tenants.set(t.name, `namespace ${t.namespace}`);
    for (const w of t.workloads) {
      const a = w.analyzed;
      if (a.kind !== 'Deployment' || w.name !== a.name || t.name !== t.namespace) workloads.set(w.id, `from ${a.kind} ${a.id}`);
    }
  }
  return { header: HEADER, tenants, workloads };
}

/** Label keys bulkhead sets on a tenant namespace itself. */
const BULKHEAD_NAMESPACE_LABELS = new Set(['app.kubernetes.io/managed-by', 'bulkhead.dev/tenant', 'kubernetes.io/metadata.name']);

/** Keys reserved for Kubernetes and bulkhead: not tenant labels (app.kubernetes.io labels are for users). */
function reservedLabel(key: string): boolean {
  if (BULKHEAD_NAMESPACE_LABELS.has(key)) return true;
  const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
  if (prefix === 'app.kubernetes.io') return false;
  return prefix === 'bulkhead.dev' || prefix === 'kubernetes.io' || prefix === 'k8s.io' || prefix.endsWith('.kubernetes.io') || prefix.endsWith('.k8s.io');
}

function tenantLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(labels)
      .filter((k) => !reservedLabel(k))
      .sort(compare)
      .map((k) => [k, labels[k]]),
  );
}

/** Reserved keys dropped from tenants, unless bulkhead sets them anyway (its own and Pod Security Admission's). */
function labelNotes(inv: ImportInventory): Note[] {
  return inv.tenants.flatMap((t) =>
    Object.keys(t.labels)
      .filter((k) => reservedLabel(k) && !BULKHEAD_NAMESPACE_LABELS.has(k) && !k.startsWith('pod-security.kubernetes.io/'))
      .sort(compare)
      .map((k) => ({ subject: `Namespace ${t.namespace}`, what: `label ${k} is not carried over (a key reserved for Kubernetes)` })),
  );
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) seen.set(`${f.where}\u0000${f.what}`, f);
  return [...seen.values()].sort((a, b) => compare(a.where, b.where) || compare(a.what, b.what));
}

function dedupeNotes(notes: readonly Note[]): Note[] {
  const seen = new Map<string, Note>();
  for (const n of notes) seen.set(`${n.subject}\u0000${n.what}`, n);
  return [...seen.values()].sort((a, b) => compare(a.subject, b.subject) || compare(a.what, b.what));
}
