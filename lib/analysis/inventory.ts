/** From loaded objects to the evaluation's inputs: a cluster (namespaces, workloads) and compiled policies. */
import { Cluster, buildCluster } from './cluster';
import type { SourceLocation } from './errors';
import type { SourcedObject } from './load';
import { ciliumClusterwideNetworkPolicyKind, ciliumNetworkPolicyKind } from './cilium';
import { networkPolicyKind } from './netpol';
import type { CompiledPolicy, PolicyKind, SourcedManifest } from './policy';
import { isRecord } from './selectors';

/** Every policy kind the analyzer understands; a new kind is one more entry. */
export const POLICY_KINDS: readonly PolicyKind[] = [networkPolicyKind, ciliumNetworkPolicyKind, ciliumClusterwideNetworkPolicyKind];

export interface Inventory {
  cluster: Cluster;
  policies: CompiledPolicy[];
}

/**
 * The last inventory built per input array: `analyze`, `explain` (called once per finding by the verifier) and
 * `estimatePolicyMap` on the same array share one compile. Reused only while the array holds the very same
 * objects; inputs are read as immutable (changing an object's fields in place between calls is not noticed).
 */
const built = new WeakMap<readonly SourcedObject[], { objects: unknown[]; inventory: Inventory }>();

export function buildInventory(objects: readonly SourcedObject[]): Inventory {
  const hit = built.get(objects);
  if (hit && hit.objects.length === objects.length && hit.objects.every((o, i) => o === objects[i].object)) return hit.inventory;
  const inventory = compileInventory(objects);
  built.set(objects, { objects: objects.map((o) => o.object), inventory });
  return inventory;
}

function compileInventory(objects: readonly SourcedObject[]): Inventory {
  const manifests = expandLists(objects);
  const policyInputs: [PolicyKind, SourcedManifest][] = [];
  const policyNamespaces: string[] = [];
  for (const m of manifests) {
    const kind = POLICY_KINDS.find((k) => k.accepts(m.object));
    if (!kind) continue;
    policyInputs.push([kind, m]);
    const ns = kind.namespaceOf(m.object);
    if (ns) policyNamespaces.push(ns);
  }
  const cluster = buildCluster(manifests, policyNamespaces);
  return { cluster, policies: policyInputs.flatMap(([kind, m]) => kind.compile(m, cluster)) };
}

/**
 * `kind: List` and any `*List` with `items` (what `kubectl get -o yaml` prints) contribute their items;
 * anything that is not an object with a string kind is not a Kubernetes object and is skipped.
 */
export function expandLists(objects: readonly SourcedObject[]): SourcedManifest[] {
  const out: SourcedManifest[] = [];
  for (const o of objects) {
    const base: SourceLocation = o.line !== undefined ? { file: o.file, index: o.index, line: o.line } : { file: o.file, index: o.index };
    if (!isRecord(o.object) || typeof o.object.kind !== 'string') continue;
    if (o.object.kind.endsWith('List') && Array.isArray(o.object.items)) {
      o.object.items.forEach((item: unknown, i) => {
        if (isRecord(item) && typeof item.kind === 'string') out.push({ object: item, source: { ...base, item: i } });
      });
    } else {
      out.push({ object: o.object, source: base });
    }
  }
  return out;
}
