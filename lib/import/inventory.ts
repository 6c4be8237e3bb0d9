/**
 * What the input holds, as import sees it: the analyzer's view (workloads, namespaces, compiled policies),
 * which namespaces become tenants, which workloads belong to them and under which bulkhead names, and the
 * raw manifest behind every workload (image, env, ports ... are read from it, never from a Secret).
 */
import { buildInventory, expandLists } from '../analysis';
import type { AnalyzedWorkload, Inventory, SourcedManifest, SourcedObject } from '../analysis';
import { GATEWAY_NAMESPACE } from '../model/platform';
import { assignNames } from './names';

/** Namespaces that belong to the cluster or to bulkhead itself, never to a tenant. */
export function isSystemNamespace(name: string): boolean {
  return name.startsWith('kube-') || name === GATEWAY_NAMESPACE;
}

export interface SourceWorkload {
  /** The analyzer's workload number. */
  readonly index: number;
  readonly analyzed: AnalyzedWorkload;
  readonly manifest: SourcedManifest;
  /** Names in the imported platform. */
  readonly tenant: string;
  readonly name: string;
  /** `tenant/name`. */
  readonly id: string;
}

export interface SourceTenant {
  readonly namespace: string;
  /** The tenant name (the namespace name unless it had to be mapped). */
  readonly name: string;
  /** The namespace's labels as the analyzer reads them (kubernetes.io/metadata.name included). */
  readonly labels: Readonly<Record<string, string>>;
  readonly workloads: readonly SourceWorkload[];
}

export interface ImportInventory {
  readonly analysis: Inventory;
  readonly manifests: readonly SourcedManifest[];
  /** Sorted by tenant name. */
  readonly tenants: readonly SourceTenant[];
  /** Per analyzer workload number: its imported form, or undefined when its namespace is not imported. */
  readonly byIndex: ReadonlyArray<SourceWorkload | undefined>;
  /** Namespaces left out (system namespaces), with how many workloads they hold. */
  readonly skipped: ReadonlyArray<{ readonly namespace: string; readonly workloads: number }>;
  /** Whether the input holds Cilium objects (then the cluster runs Cilium). */
  readonly cilium: boolean;
}

export function readInventory(objects: readonly SourcedObject[]): ImportInventory {
  const analysis = buildInventory(objects);
  const manifests = expandLists(objects);
  const { cluster } = analysis;
  const byKey = new Map<string, SourcedManifest>();
  for (const m of manifests) {
    const md = m.object.metadata as Record<string, unknown> | undefined;
    byKey.set(workloadKey(String(m.object.kind), String(md?.namespace ?? 'default'), String(md?.name)), m);
  }

  const byNamespace = new Map<string, AnalyzedWorkload[]>();
  for (const w of cluster.workloads) byNamespace.set(w.namespace, [...(byNamespace.get(w.namespace) ?? []), w]);
  const chosen = cluster.namespaces.filter((ns) => !isSystemNamespace(ns.name) && (ns.defined || byNamespace.has(ns.name)));
  const skipped = cluster.namespaces
    .filter((ns) => isSystemNamespace(ns.name) && byNamespace.has(ns.name))
    .map((ns) => ({ namespace: ns.name, workloads: byNamespace.get(ns.name)!.length }));

  const tenantNames = assignNames(chosen.map((ns) => ns.name), 'tenant');
  const byIndex: Array<SourceWorkload | undefined> = cluster.workloads.map(() => undefined);
  const tenants: SourceTenant[] = chosen.map((ns, i) => {
    const tenant = tenantNames[i];
    const members = byNamespace.get(ns.name) ?? [];
    const names = assignNames(members.map((w) => w.name), 'workload');
    const workloads = members.map((analyzed, j): SourceWorkload => {
      const manifest = byKey.get(workloadKey(analyzed.kind, analyzed.namespace, analyzed.name))!;
      const w: SourceWorkload = { index: analyzed.index, analyzed, manifest, tenant, name: names[j], id: `${tenant}/${names[j]}` };
      byIndex[analyzed.index] = w;
      return w;
    });
    return { namespace: ns.name, name: tenant, labels: ns.labels, workloads };
  });
  tenants.sort((a, b) => compare(a.name, b.name));
  for (const t of tenants) (t.workloads as SourceWorkload[]).sort((a, b) => compare(a.name, b.name));
  const cilium = manifests.some((m) => typeof m.object.apiVersion === 'string' && m.object.apiVersion.startsWith('cilium.io/'));
  return { analysis, manifests, tenants, byIndex, skipped, cilium };
}

function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
