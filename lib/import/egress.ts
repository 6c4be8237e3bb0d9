/**
 * Egress to addresses outside the cluster, from the analyzer's external connections of imported workloads:
 * address blocks (with `except`), Cilium DNS names, and the kube-apiserver entity become `egress` entries,
 * grouped by tenant where every workload of it (at least two) has the same one, each with the policies that
 * allowed it. Other outside peers (Cilium entities such as `host` or `remote-node`, DNS patterns bulkhead
 * does not accept) cannot be said in platform.yaml: they are findings, and the platform denies them
 * (ingress from outside is in findings.ts).
 */
import { formatPorts } from '../analysis';
import type { Connectivity, ExternalConnection, PortMap } from '../analysis';
import type { EgressSpec } from '../intent/types';
import { Attribution, describeAllowed, whereOf } from './attribution';
import { ImportInventory, compare } from './inventory';
import { Target, describeOutside, expressibleTarget, matchesOutside, sameTarget, targetKey } from './outside';
import { rangeRefs } from './ports';
import type { Finding } from './remarks';
import type { ImportedWorkload } from './workloads';

export interface DerivedEgress {
  readonly egress: EgressSpec[];
  readonly findings: readonly Finding[];
}

export function deriveEgress(conn: Connectivity, inv: ImportInventory, workloads: ReadonlyMap<number, ImportedWorkload>, attribution: Attribution): DerivedEgress {
  const { cluster } = inv.analysis;
  const findings: Finding[] = [];
  // Per target and port set, the workloads with exactly that egress.
  const groups = new Map<string, { target: Target; ports: PortMap; members: number[] }>();
  for (const e of conn.external) {
    const w = cluster.workload(e.workload)!.index;
    if (!workloads.has(w) || e.direction !== 'egress') continue;
    const target = expressibleTarget(e);
    if ('reason' in target) {
      findings.push(...egressFinding(e, w, target.reason, attribution));
      continue;
    }
    const key = `${targetKey(target)}\u0000${JSON.stringify(e.ports)}`;
    const group = groups.get(key) ?? groups.set(key, { target, ports: e.ports, members: [] }).get(key)!;
    group.members.push(w);
  }
  const egress: EgressSpec[] = [];
  for (const g of groups.values()) {
    const members = new Set(g.members);
    const ends: string[] = [];
    for (const t of inv.tenants) {
      if (t.workloads.length >= 2 && t.workloads.every((w) => members.has(w.index))) {
        ends.push(t.name);
        for (const w of t.workloads) members.delete(w.index);
      }
    }
    ends.push(...[...members].map((m) => workloads.get(m)!.source.id));
    for (const from of ends) {
      const covered = g.members.filter((m) => from === workloads.get(m)!.source.id || from === workloads.get(m)!.source.tenant);
      const sides = covered.map((m) => ({ egress: attribution.externalRules('egress', m, (t) => sameTarget(t, g.target), g.ports) }));
      egress.push({ from, ...targetFields(g.target), ports: rangeRefs(g.ports), description: describeAllowed(sides) });
    }
  }
  egress.sort((a, b) => compare(a.from, b.from) || compare(entryKey(a), entryKey(b)) || compare(JSON.stringify(a.ports), JSON.stringify(b.ports)));
  return { egress, findings };
}

function targetFields(t: Target): Pick<EgressSpec, 'cidr' | 'except' | 'fqdn' | 'entity'> {
  if (t.kind === 'cidr') return { cidr: t.cidr, ...(t.except.length ? { except: [...t.except] } : {}) };
  return t.kind === 'fqdn' ? { fqdn: t.fqdn } : { entity: t.entity };
}

function entryKey(e: EgressSpec): string {
  return e.cidr !== undefined ? `0 ${e.cidr} ${(e.except ?? []).join(',')}` : e.fqdn !== undefined ? `1 ${e.fqdn}` : `2 ${e.entity}`;
}

/** Egress to an outside peer platform.yaml cannot name, by the rules that allowed it. */
function egressFinding(e: ExternalConnection, w: number, reason: string, attribution: Attribution): Finding[] {
  const rules = attribution.externalRules('egress', w, (t) => matchesOutside(t, e), e.ports);
  const what = `egress to ${describeOutside(e)} on ${formatPorts(e.ports)}: ${reason} cannot be written in platform.yaml`;
  return whereOf(rules, e.workload, 'egress').map((where) => ({ where, what }));
}
