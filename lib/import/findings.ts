/**
 * Connectivity of the input that platform.yaml cannot express, each by the policy and rule that allowed it
 * (or the workload whose side no policy isolates). The imported platform denies all of it; listing it is
 * how nothing is dropped silently. Findings about HTTP rules and outside egress come from flows.ts and
 * egress.ts, where they arise; these are the rest:
 * - ingress from outside the cluster (bulkhead admits it only through gateway routes, which are not imported);
 * - traffic with pods outside the imported namespaces (DNS to kube-dns aside: bulkhead always allows it);
 * - deny rules: nothing they deny is imported, but a platform cannot say them except as guardrails;
 * - selectors that split a workload's pods (see split.ts).
 */
import { formatPorts, isEmptyPorts, subtractPorts } from '../analysis';
import type { Connectivity, PortMap } from '../analysis';
import { Attribution, ruleName, whereOf } from './attribution';
import type { ImportInventory } from './inventory';
import { describeOutside, matchesOutside } from './outside';
import type { Finding } from './remarks';
import { splitSelectors } from './split';

/** What bulkhead's namespace default-deny always allows: DNS to kube-dns. */
const DNS: PortMap = { TCP: [[53, 53]], UDP: [[53, 53]] };

export function isKubeDns(labels: Readonly<Record<string, string>>, namespace: string): boolean {
  return namespace === 'kube-system' && labels['k8s-app'] === 'kube-dns';
}

export function inexpressible(conn: Connectivity, inv: ImportInventory, attribution: Attribution): Finding[] {
  const { cluster } = inv.analysis;
  const imported = (id: string) => inv.byIndex[cluster.workload(id)!.index] !== undefined;
  const out: Finding[] = [];
  out.push(...outsideIngress(conn, inv, attribution));
  for (const c of conn.connections) {
    const [from, to] = [imported(c.from), imported(c.to)];
    if (from === to) continue;
    const [s, d] = [cluster.workload(c.from)!, cluster.workload(c.to)!];
    const ports = from && isKubeDns(d.labels, d.namespace) ? subtractPorts(c.ports, DNS) : c.ports;
    if (isEmptyPorts(ports)) continue;
    if (from) {
      const rules = attribution.peerRules('egress', s.index, d.index, d.index, ports);
      const what = `egress to ${c.to} on ${formatPorts(ports)} (a pod outside the imported namespaces)`;
      out.push(...whereOf(rules, c.from, 'egress').map((where) => ({ where, what })));
    } else {
      const rules = attribution.peerRules('ingress', d.index, s.index, d.index, ports);
      const what = `ingress to ${c.to} from ${c.from} on ${formatPorts(ports)} (a pod outside the imported namespaces)`;
      out.push(...whereOf(rules, c.to, 'ingress').map((where) => ({ where, what })));
    }
  }
  const importedSet = new Set(inv.tenants.flatMap((t) => t.workloads.map((w) => w.index)));
  for (const { rule, subjects } of attribution.denyRules(importedSet)) {
    const names = subjects.map((i) => inv.byIndex[i]!.analyzed.id);
    out.push({
      where: ruleName(rule),
      what: `deny rule for ${names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')}: not imported as such (the imported flows already leave out what it denies; a guardrail can keep it denied)`,
    });
  }
  out.push(...splitSelectors(inv));
  return out;
}

/**
 * Ingress from outside the cluster to imported workloads, one finding per rule (or open side), workload and
 * port set, the outside peers together (`0.0.0.0/0 and ::/0`).
 */
function outsideIngress(conn: Connectivity, inv: ImportInventory, attribution: Attribution): Finding[] {
  const { cluster } = inv.analysis;
  const groups = new Map<string, { where: string; head: string; peers: string[]; tail: string }>();
  for (const e of conn.external) {
    const w = cluster.workload(e.workload)!.index;
    if (e.direction !== 'ingress' || inv.byIndex[w] === undefined) continue;
    const rules = attribution.externalRules('ingress', w, (t) => matchesOutside(t, e), e.ports);
    const gateway = e.kind === 'entity' && e.entity === 'ingress';
    const tail = ` on ${formatPorts(e.ports)}${gateway ? ' (gateway traffic: gateways and routes are not imported)' : ' (outside the cluster)'}`;
    for (const where of whereOf(rules, e.workload, 'ingress')) {
      const key = `${where}\u0000${e.workload}\u0000${tail}`;
      const group = groups.get(key) ?? groups.set(key, { where, head: `ingress to ${e.workload} from `, peers: [], tail }).get(key)!;
      group.peers.push(describeOutside(e));
    }
  }
  return [...groups.values()].map((g) => ({ where: g.where, what: `${g.head}${g.peers.join(' and ')}${g.tail}` }));
}
