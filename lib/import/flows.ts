/**
 * Flows from the analyzer's connections between imported workloads, grouped the way a person writes them.
 *
 * Every connection splits into (source, destination, atom) triples (see ports.ts). Grouping then works per
 * atom, exactly: a destination tenant replaces its workloads when the source reaches every workload of it
 * (itself aside, and at least two) with that atom; a source tenant replaces its workloads when every one of
 * them (at least two) reaches the same destination endpoint with it. What is left stays workload to
 * workload. A flow therefore opens exactly the triples it stands for (bulkhead never analyses a workload's
 * traffic to itself), and the union of the flows is the original connectivity: the proof checks it after
 * compiling.
 *
 * HTTP rules (Cilium L7) carry over where platform.yaml can say them (see l7.ts); the ports of those it
 * cannot are left out (the platform denies them), each listed as a finding.
 */
import { formatPorts, unionPorts } from '../analysis';
import type { Connectivity, PortMap } from '../analysis';
import type { FlowSpec } from '../intent/types';
import { Attribution, describeAllowed, whereOf } from './attribution';
import { ImportInventory, compare } from './inventory';
import { headerMatchingRules, splitL7 } from './l7';
import { Atom, atomsOn, portsOfAll } from './ports';
import type { Finding } from './remarks';
import type { ImportedWorkload } from './workloads';

export interface DerivedFlows {
  readonly flows: FlowSpec[];
  /** Ports of original connections (`from -> to`, original ids) left out because they cannot be expressed. */
  readonly excluded: ReadonlyMap<string, PortMap>;
  readonly findings: readonly Finding[];
}

interface Triple {
  readonly s: number;
  readonly d: number;
  readonly atom: Atom;
}

/** A flow end: a whole tenant, or one workload (by analyzer number). */
type End = { readonly tenant: string } | { readonly workload: number };

export function pairKey(from: string, to: string): string {
  return `${from} -> ${to}`;
}

export function deriveFlows(conn: Connectivity, inv: ImportInventory, workloads: ReadonlyMap<number, ImportedWorkload>, attribution: Attribution): DerivedFlows {
  const { cluster } = inv.analysis;
  const indexOf = (id: string) => cluster.workload(id)!.index;
  const triples: Triple[] = [];
  const excluded = new Map<string, PortMap>();
  const findings: Finding[] = [];
  const headerRules = headerMatchingRules(inv.manifests);
  for (const c of conn.connections) {
    const [s, d] = [indexOf(c.from), indexOf(c.to)];
    const dest = workloads.get(d);
    if (!workloads.has(s) || !dest) continue;
    const { plain, http, left } = splitL7(c, (ports) => attribution.peerRules('ingress', d, s, d, ports), headerRules);
    for (const l of left) {
      excluded.set(pairKey(c.from, c.to), unionPorts(excluded.get(pairKey(c.from, c.to)) ?? {}, l.ports));
      const rules = attribution.peerRules(l.direction, l.direction === 'egress' ? s : d, l.direction === 'egress' ? d : s, d, l.ports);
      findings.push(...whereOf(rules, l.direction === 'egress' ? c.from : c.to, l.direction).map((where) => ({ where, what: `${c.from} -> ${c.to} on ${formatPorts(l.ports)}: ${l.reason}; not imported` })));
    }
    for (const atom of atomsOn(dest.ports, plain)) triples.push({ s, d, atom });
    for (const h of http) for (const atom of atomsOn(dest.ports, h.ports, h.rules)) triples.push({ s, d, atom });
  }
  const flows = group(triples, inv, workloads, attribution);
  return { flows, excluded, findings };
}

function group(triples: readonly Triple[], inv: ImportInventory, workloads: ReadonlyMap<number, ImportedWorkload>, attribution: Attribution): FlowSpec[] {
  const tenants = inv.tenants.filter((t) => t.workloads.length >= 2).map((t) => ({ name: t.name, members: t.workloads.map((w) => w.index) }));

  // 1. Destinations per (source, atom): whole tenants where the source reaches all of them.
  const bySourceAtom = groupBy(triples, (t) => `${t.s}\u0000${t.atom.key}`);
  const toEnds: Array<{ s: number; to: End; atom: Atom; covered: Triple[] }> = [];
  for (const list of bySourceAtom.values()) {
    const s = list[0].s;
    const byDest = new Map(list.map((t) => [t.d, t]));
    for (const t of tenants) {
      const others = t.members.filter((m) => m !== s);
      if (others.length < 2 || !others.every((m) => byDest.has(m))) continue;
      toEnds.push({ s, to: { tenant: t.name }, atom: list[0].atom, covered: others.map((m) => byDest.get(m)!) });
      for (const m of others) byDest.delete(m);
    }
    for (const t of byDest.values()) toEnds.push({ s, to: { workload: t.d }, atom: t.atom, covered: [t] });
  }

  // 2. Sources per (destination end, atom): whole tenants where every workload of it (the destination aside) is one.
  const byEndAtom = groupBy(toEnds, (e) => `${endKey(e.to)}\u0000${e.atom.key}`);
  const flows = new Map<string, { from: End; to: End; atoms: Map<string, Atom>; covered: Triple[] }>();
  const add = (from: End, to: End, atom: Atom, covered: Triple[]) => {
    const key = `${endKey(from)}\u0000${endKey(to)}\u0000${atom.httpKey}`;
    const flow = flows.get(key) ?? flows.set(key, { from, to, atoms: new Map(), covered: [] }).get(key)!;
    flow.atoms.set(atom.key, atom);
    flow.covered.push(...covered);
  };
  for (const list of byEndAtom.values()) {
    const to = list[0].to;
    const bySource = new Map(list.map((e) => [e.s, e]));
    for (const t of tenants) {
      const members = t.members.filter((m) => !('workload' in to && to.workload === m));
      if (members.length < 2 || !members.every((m) => bySource.has(m))) continue;
      add({ tenant: t.name }, to, list[0].atom, members.flatMap((m) => bySource.get(m)!.covered));
      for (const m of members) bySource.delete(m);
    }
    for (const e of bySource.values()) add({ workload: e.s }, to, e.atom, e.covered);
  }

  const name = (e: End) => ('tenant' in e ? e.tenant : workloads.get(e.workload)!.source.id);
  const out = [...flows.values()].map((f): FlowSpec => {
    const atoms = [...f.atoms.values()].sort((a, b) => compare(a.order, b.order));
    const http = atoms[0].http;
    return {
      from: name(f.from),
      to: name(f.to),
      ports: atoms.map((a) => a.ref),
      ...(http ? { http: http.map((h) => ({ ...h })) } : {}),
      description: describeAllowed(sidesOf(f.covered, atoms, workloads, attribution)),
    };
  });
  return out.sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(JSON.stringify(a.ports), JSON.stringify(b.ports)) || compare(JSON.stringify(a.http ?? []), JSON.stringify(b.http ?? [])));
}

/** Per connection a flow stands for: the rules on each side that allowed its ports. */
function sidesOf(covered: readonly Triple[], atoms: readonly Atom[], workloads: ReadonlyMap<number, ImportedWorkload>, attribution: Attribution) {
  const pairs = groupBy(covered, (t) => `${t.s}\u0000${t.d}`);
  return [...pairs.values()].map((list) => {
    const { s, d } = list[0];
    const ports = portsOfAll(atoms, workloads.get(d)!.ports);
    // HTTP rules of imported flows are the destination's; the source's side is plain.
    const http = atoms.some((a) => a.http !== undefined);
    return { egress: attribution.peerRules('egress', s, d, d, ports, false), ingress: attribution.peerRules('ingress', d, s, d, ports, http) };
  });
}

function endKey(e: End): string {
  return 'tenant' in e ? `t:${e.tenant}` : `w:${e.workload}`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
