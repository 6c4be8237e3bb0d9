/**
 * Connectivity from compiled policies, without enumerating workload pairs x ports.
 *
 * Each workload has one side per direction: either not isolated (one wildcard grant: everything), or
 * isolated with the grants of the rules that apply to it: wildcard grants (rules without peers) and a sparse
 * per-peer map. Pairs are then visited only where the source's egress names the destination, or the source
 * egress has a wildcard and the destination's ingress names the source or has a wildcard. Ports are
 * resolved on the destination (named ports) and intersected per candidate pair.
 */
import type { Cluster, Workload } from './cluster';
import { compareStrings } from './cluster';
import { ANY_IPV4, ANY_IPV6 } from './ip';
import type { Inventory } from './inventory';
import type { CompiledPolicy, Direction, PortSpec } from './policy';
import { PortMap, allPorts, intersectPorts, isEmptyPorts, normalizeRanges, unionPorts } from './ports';

export interface WorkloadInfo {
  /** `namespace/name` */
  id: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

export interface Connection {
  from: string;
  to: string;
  ports: PortMap;
}

/**
 * Traffic between a workload and addresses outside the cluster, as far as the workload's own side allows
 * (the outside has no policy). One entry per workload, direction and distinct (cidr, except):
 * - `direction: 'egress'`: the workload may send to `cidr` minus `except` on `ports`;
 *   `direction: 'ingress'`: it may receive from there.
 * - `cidr`/`except` are as written in ipBlock peers. A side that is not isolated, or a rule without peers,
 *   allows any address: reported as two entries, `0.0.0.0/0` and `::/0`, with empty `except`.
 * - Egress ports are the rule's numeric ports only: a named port resolves on a destination pod, and an
 *   external address has none. An entry whose ports come out empty is not listed.
 * - CIDRs may also cover pod IPs; those pods appear in `connections` when their IP is declared.
 */
export interface ExternalConnection {
  direction: Direction;
  workload: string;
  cidr: string;
  except: string[];
  ports: PortMap;
}

export interface Connectivity {
  workloads: WorkloadInfo[];
  connections: Connection[];
  external: ExternalConnection[];
}

const EVERYTHING: PortSpec = Object.freeze({ ranges: allPorts(), named: [] });

interface ExternalGrant {
  cidr: string;
  except: string[];
  spec: PortSpec;
}

interface Side {
  isolated: boolean;
  wildcard: PortSpec[];
  perPeer: Map<number, PortSpec[]>;
  external: ExternalGrant[];
}

type Sides = Record<Direction, Side[]>;

/** Shared by every side no policy isolates; never written to (grants only go to isolated sides). */
const OPEN: Side = {
  isolated: false,
  wildcard: [EVERYTHING],
  perPeer: new Map<number, PortSpec[]>(),
  external: [
    { cidr: ANY_IPV4, except: [], spec: EVERYTHING },
    { cidr: ANY_IPV6, except: [], spec: EVERYTHING },
  ],
};

export function computeConnectivity({ cluster, policies }: Inventory): Connectivity {
  const sides = buildSides(cluster, policies);
  const workloads = cluster.workloads;
  // Output is ordered by id string; the cluster orders by (namespace, name), which can differ.
  const order = workloads.map((w) => w.index).sort((a, b) => compareStrings(workloads[a].id, workloads[b].id));
  const rank = new Int32Array(workloads.length);
  order.forEach((w, r) => (rank[w] = r));
  const byRank = (a: number, b: number) => rank[a] - rank[b];

  const wildcardIngress = order.filter((d) => sides.ingress[d].wildcard.length > 0);
  const ingressBySource = new Map<number, number[]>();
  sides.ingress.forEach((side, d) => {
    for (const s of side.perPeer.keys()) {
      const list = ingressBySource.get(s);
      if (list) list.push(d);
      else ingressBySource.set(s, [d]);
    }
  });

  const connections: Connection[] = [];
  for (const s of order) {
    const egress = sides.egress[s];
    const extras = [...egress.perPeer.keys()];
    if (egress.wildcard.length > 0) extras.push(...(ingressBySource.get(s) ?? []));
    extras.sort(byRank);
    const candidates = egress.wildcard.length > 0 ? mergeSorted(wildcardIngress, extras, rank) : dedupeSorted(extras);
    for (const d of candidates) {
      if (d === s) continue;
      const ingress = sides.ingress[d];
      const inSpecs = concat(ingress.wildcard, ingress.perPeer.get(s));
      if (inSpecs.length === 0) continue;
      const outSpecs = concat(egress.wildcard, egress.perPeer.get(d));
      if (outSpecs.length === 0) continue;
      const dest = workloads[d];
      const ports = intersectPorts(resolve(outSpecs, dest), resolve(inSpecs, dest));
      if (!isEmptyPorts(ports)) connections.push({ from: workloads[s].id, to: dest.id, ports });
    }
  }

  return {
    workloads: order.map((i) => {
      const w = workloads[i];
      return { id: w.id, kind: w.kind, namespace: w.namespace, name: w.name, labels: { ...w.labels } };
    }),
    connections,
    external: order.flatMap((i) => [...externalFor(sides.egress[i], workloads[i], 'egress'), ...externalFor(sides.ingress[i], workloads[i], 'ingress')]),
  };
}

function buildSides(cluster: Cluster, policies: readonly CompiledPolicy[]): Sides {
  const sides: Sides = { egress: cluster.workloads.map(() => OPEN), ingress: cluster.workloads.map(() => OPEN) };
  // Isolation first: a grant must never be dropped because the isolating policy came later.
  for (const p of policies) {
    for (const dir of p.isolates) {
      for (const s of p.subjects) {
        if (!sides[dir][s].isolated) sides[dir][s] = { isolated: true, wildcard: [], perPeer: new Map(), external: [] };
      }
    }
  }
  for (const p of policies) {
    for (const rule of p.rules) {
      if (!p.isolates.includes(rule.direction)) continue;
      for (const s of p.subjects) {
        const side = sides[rule.direction][s];
        if (!side.isolated) throw new Error(`internal: grant for a side that ${p.ref.name} did not isolate`);
        for (const peer of rule.peers) {
          if (peer.type === 'any') {
            side.wildcard.push(rule.ports);
            side.external.push({ cidr: ANY_IPV4, except: [], spec: rule.ports }, { cidr: ANY_IPV6, except: [], spec: rule.ports });
            continue;
          }
          if (peer.type === 'ipBlock') {
            side.external.push({ cidr: peer.cidr.text, except: peer.except.map((e) => e.text), spec: rule.ports });
          }
          for (const m of peer.members) {
            const list = side.perPeer.get(m);
            if (list) list.push(rule.ports);
            else side.perPeer.set(m, [rule.ports]);
          }
        }
      }
    }
  }
  return sides;
}

/** The union of the specs' ports on a destination: named ports become its container ports (name + protocol). */
export function resolve(specs: readonly PortSpec[], dest: Workload): PortMap {
  let out: PortMap = {};
  for (const spec of specs) {
    out = unionPorts(out, spec.ranges);
    for (const named of spec.named) {
      const hits = dest.ports.filter((p) => p.name === named.name && p.protocol === named.protocol);
      if (hits.length > 0) {
        out = unionPorts(out, { [named.protocol]: normalizeRanges(hits.map((h): [number, number] => [h.port, h.port])) });
      }
    }
  }
  return out;
}

function externalFor(side: Side, w: Workload, direction: Direction): ExternalConnection[] {
  const merged = new Map<string, ExternalConnection>();
  for (const g of side.external) {
    // Egress to an address has no destination pod to resolve named ports on.
    const ports = direction === 'egress' ? g.spec.ranges : resolve([g.spec], w);
    if (isEmptyPorts(ports)) continue;
    const except = [...g.except].sort();
    const key = `${g.cidr} ${except.join(' ')}`;
    const prior = merged.get(key);
    if (prior) prior.ports = unionPorts(prior.ports, ports);
    else merged.set(key, { direction, workload: w.id, cidr: g.cidr, except, ports: unionPorts({}, ports) });
  }
  return [...merged.values()].sort((a, b) => compareStrings(a.cidr, b.cidr) || compareStrings(a.except.join(' '), b.except.join(' ')));
}

function concat<T>(a: T[], b: T[] | undefined): T[] {
  return b ? (a.length > 0 ? [...a, ...b] : b) : a;
}

function dedupeSorted(list: number[]): number[] {
  return list.filter((v, i) => i === 0 || v !== list[i - 1]);
}

/** Union of two lists sorted by rank, without duplicates. */
function mergeSorted(a: readonly number[], b: readonly number[], rank: Int32Array): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let next: number;
    if (j >= b.length || (i < a.length && rank[a[i]] <= rank[b[j]])) next = a[i++];
    else next = b[j++];
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}
