/**
 * Selectors that split a workload. The analyzer treats a controller and the Pods (ReplicaSets, Jobs) it owns
 * as one workload with the controller's pod-template labels, and so does bulkhead. When an owned object's
 * own labels differ (a `pod-template-hash`, a `statefulset.kubernetes.io/pod-name`, a label edited by
 * hand), a policy can select some of a workload's pods and not the others: that boundary has no name in
 * platform.yaml. This analyses the input once more with every owned object standing alone, and lists each
 * policy (or rule peer) that treats an owned object differently from its workload.
 */
import { buildInventory } from '../analysis';
import type { CompiledPolicy, Inventory, SourcedManifest, SourcedObject } from '../analysis';
import { includes, policyName, ruleName } from './attribution';
import type { ImportInventory } from './inventory';
import type { Finding } from './remarks';
import { isRecord } from './template';

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

interface Owned {
  /** `namespace/name` of the owned object and of its top-most owner in the input. */
  readonly child: { kind: string; id: string };
  readonly root: { kind: string; id: string };
}

export function splitSelectors(inv: ImportInventory): Finding[] {
  const owned = ownedObjects(inv.manifests);
  const imported = new Set(inv.tenants.flatMap((t) => t.workloads.map((w) => w.analyzed.id)));
  const relevant = owned.filter((o) => imported.has(o.root.id));
  if (relevant.length === 0) return [];
  const folded = new Set(owned.map((o) => `${o.child.kind}/${o.child.id}`));
  const standalone: SourcedObject[] = inv.manifests.map((m) => ({ file: m.source.file, index: m.source.index, line: m.source.line, object: folded.has(keyOf(m)) ? withoutOwners(m.object) : m.object }));
  let unfolded: Inventory;
  try {
    unfolded = buildInventory(standalone);
  } catch {
    // An owned object named like another workload of its namespace cannot stand alone; nothing to compare then.
    return [];
  }
  const out = new Map<string, Finding>();
  const note = (where: string, o: Owned, childIn: boolean) => {
    const what = childIn
      ? `selects ${o.child.kind} ${o.child.id} but not its workload ${o.root.kind} ${o.root.id}: the selector splits the workload, which platform.yaml cannot say; the import follows the workload's pod template`
      : `selects ${o.root.kind} ${o.root.id} but not its ${o.child.kind} ${o.child.id}: the selector splits the workload, which platform.yaml cannot say; the import follows the workload's pod template`;
    out.set(`${where}\u0000${o.root.id}`, { where, what });
  };
  for (const o of relevant) {
    const c = unfolded.cluster.workload(o.child.id)?.index;
    const r = unfolded.cluster.workload(o.root.id)?.index;
    if (c === undefined || r === undefined) continue;
    for (const p of unfolded.policies) compareIn(p, c, r, o, note);
  }
  return [...out.values()];
}

function compareIn(p: CompiledPolicy, c: number, r: number, o: Owned, note: (where: string, o: Owned, childIn: boolean) => void): void {
  if (includes(p.subjects, c) !== includes(p.subjects, r)) note(policyName(p.ref), o, includes(p.subjects, c));
  for (const rule of p.rules) {
    for (const peer of rule.peers) {
      if (peer.type === 'any') continue;
      const [inC, inR] = [includes(peer.members, c), includes(peer.members, r)];
      if (inC !== inR) note(ruleName({ policy: p.ref, section: rule.section, index: rule.index }), o, inC);
    }
  }
}

/** Owned workload objects whose controller is in the input, with their top-most owner there. */
function ownedObjects(manifests: readonly SourcedManifest[]): Owned[] {
  const byKey = new Map(manifests.filter((m) => WORKLOAD_KINDS.has(String(m.object.kind))).map((m) => [keyOf(m), m]));
  const ownerOf = (m: SourcedManifest): SourcedManifest | undefined => {
    const md = m.object.metadata;
    const refs = isRecord(md) && Array.isArray(md.ownerReferences) ? md.ownerReferences : [];
    const controller = refs.find((r) => isRecord(r) && r.controller === true) as Record<string, unknown> | undefined;
    return controller ? byKey.get(`${String(controller.kind)}/${namespaceOf(m)}/${String(controller.name)}`) : undefined;
  };
  const out: Owned[] = [];
  for (const m of byKey.values()) {
    let root = ownerOf(m);
    if (!root) continue;
    for (let hops = 0, next = ownerOf(root); next && next !== m && hops < 10; hops++, next = ownerOf(root)) root = next;
    out.push({ child: { kind: String(m.object.kind), id: idOf(m) }, root: { kind: String(root.object.kind), id: idOf(root) } });
  }
  return out;
}

function withoutOwners(object: Record<string, unknown>): Record<string, unknown> {
  const { ownerReferences: _dropped, ...metadata } = object.metadata as Record<string, unknown>;
  return { ...object, metadata };
}

function namespaceOf(m: SourcedManifest): string {
  const md = m.object.metadata;
  return isRecord(md) && typeof md.namespace === 'string' ? md.namespace : 'default';
}

function idOf(m: SourcedManifest): string {
  const md = m.object.metadata;
  return `${namespaceOf(m)}/${isRecord(md) ? String(md.name) : ''}`;
}

function keyOf(m: SourcedManifest): string {
  return `${String(m.object.kind)}/${idOf(m)}`;
}
