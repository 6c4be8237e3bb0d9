/**
 * Connectivity from compiled policies, without enumerating workload pairs x ports.
 *
 * Each workload has one side per direction: either not isolated (one wildcard grant: everything), or
 * isolated with the grants of the allow rules that apply to it: wildcard grants (rules without peers) and a
 * sparse per-peer map. Deny rules are kept apart on the same side (wildcard + references to shared deny
 * rules + external) and subtracted last: a deny rule's members are one set shared by all its subjects
 * (`members.ts`), checked only for the pairs something allows. Pairs are visited only where the source's egress names the destination, or the source
 * egress has a wildcard and the destination's ingress names the source or has a wildcard. Ports are resolved
 * on the destination (named ports) and intersected per candidate pair.
 */
import type { Cluster, Workload } from './cluster';
import { compareStrings } from './cluster';
import { ANY_IPV4, ANY_IPV6, Cidr, cidrCovers, cidrOverlaps, parseCidr } from './ip';
import type { Inventory } from './inventory';
import { MemberSet, ruleMembers } from './members';
import type { CompiledPolicy, CompiledRule, Direction, ExternalTarget, Grant, HttpRule, PortSpec } from './policy';
import { PROTOCOLS, PortMap, PortRange, allPorts, intersectPorts, isEmptyPorts, normalizeRanges, subtractPorts, unionPorts } from './ports';

export interface WorkloadInfo {
  /** `namespace/name` */
  id: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/**
 * HTTP restriction on some of a connection's ports, imposed by one side's Cilium L7 rules: on `ports`, only
 * requests matching one of `http` pass (`egress`: the source's rules; `ingress`: the destination's).
 */
export interface L7Restriction {
  direction: Direction;
  ports: PortMap;
  http: HttpRule[];
}

export interface Connection {
  from: string;
  to: string;
  ports: PortMap;
  /** Present only when some of `ports` are HTTP-restricted (Cilium L7 rules) on either side. */
  l7?: L7Restriction[];
}

/**
 * Traffic between a workload and something outside the workload set, as far as the workload's own side
 * allows (the outside has no policy). `direction: 'egress'`: the workload may send there on `ports`;
 * `'ingress'`: it may receive from there. Egress ports are numeric ports only (a named port resolves on a
 * destination pod, which an outside address does not have). Entries with no ports are not listed.
 */
export type ExternalConnection = CidrExternal | FqdnExternal | EntityExternal;

interface ExternalBase {
  direction: Direction;
  workload: string;
  ports: PortMap;
}

/**
 * Addresses `cidr` minus `except`, as written in ipBlock / toCIDR / toCIDRSet peers. A side that is not
 * isolated, a rule without peers and the `world`/`all` entities give `0.0.0.0/0` and `::/0`.
 */
export interface CidrExternal extends ExternalBase {
  kind: 'cidr';
  cidr: string;
  except: string[];
}

/** A Cilium `toFQDNs` peer: `matchName` or `matchPattern` as written. */
export interface FqdnExternal extends ExternalBase {
  kind: 'fqdn';
  fqdn: string;
}

/** A Cilium entity that is not a workload: host, remote-node, kube-apiserver, ingress, health, init, unmanaged. */
export interface EntityExternal extends ExternalBase {
  kind: 'entity';
  entity: string;
}

export interface Connectivity {
  workloads: WorkloadInfo[];
  /** Between distinct workloads; never a workload to itself (that is `replicas`). */
  connections: Connection[];
  external: ExternalConnection[];
  /**
   * A workload's pods to each other (replicas of a database cluster, say), where policies allow it:
   * `from` and `to` are the same id. A pod always reaches itself (loopback), but its replicas only through
   * policy like any other peer. Kept apart from `connections`, whose contract has no self pairs.
   */
  replicas?: Connection[];
}

const EVERYTHING: Grant = Object.freeze({ ranges: allPorts(), named: [] });

interface ExternalGrant {
  target: ExternalTarget;
  spec: PortSpec;
}

/**
 * One deny rule's workload peers and ports, shared by every side the rule applies to (never copied per
 * subject: a guardrail between two thirds of a cluster would otherwise be millions of entries).
 */
export interface DenyRule {
  members: MemberSet;
  spec: PortSpec;
}

export interface DenySet {
  /** Ports denied toward every peer (deny rules without peers, or with an `any` peer). */
  wildcard: PortSpec[];
  /** Deny rules naming workloads; a peer is denied a rule's `spec` when it is one of its `members`. */
  rules: DenyRule[];
  external: ExternalGrant[];
}

export interface Side {
  isolated: boolean;
  wildcard: Grant[];
  perPeer: Map<number, Grant[]>;
  external: ExternalGrant[];
  deny?: DenySet;
}

export type Sides = Record<Direction, Side[]>;

const WORLD: readonly ExternalTarget[] = [
  { kind: 'cidr', cidr: parseCidr(ANY_IPV4)!, except: [] },
  { kind: 'cidr', cidr: parseCidr(ANY_IPV6)!, except: [] },
];

/** Shared by every side no policy isolates or denies; never written to. */
const OPEN: Side = {
  isolated: false,
  wildcard: [EVERYTHING],
  perPeer: new Map<number, Grant[]>(),
  external: WORLD.map((target) => ({ target, spec: EVERYTHING })),
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
  const replicas: Connection[] = [];
  for (const s of order) {
    const egress = sides.egress[s];
    const extras = [...egress.perPeer.keys()];
    if (egress.wildcard.length > 0) extras.push(...(ingressBySource.get(s) ?? []));
    extras.sort(byRank);
    const candidates = egress.wildcard.length > 0 ? mergeSorted(wildcardIngress, extras, rank) : dedupeSorted(extras);
    for (const d of candidates) {
      const ingress = sides.ingress[d];
      const inSpecs = concat(ingress.wildcard, ingress.perPeer.get(s));
      if (inSpecs.length === 0) continue;
      const outSpecs = concat(egress.wildcard, egress.perPeer.get(d));
      if (outSpecs.length === 0) continue;
      const dest = workloads[d];
      let ports = intersectPorts(resolve(outSpecs, dest), resolve(inSpecs, dest));
      if (egress.deny) ports = subtractDenied(ports, deniedSpecs(egress.deny, d), dest);
      if (ingress.deny) ports = subtractDenied(ports, deniedSpecs(ingress.deny, s), dest);
      if (isEmptyPorts(ports)) continue;
      const conn: Connection = { from: workloads[s].id, to: dest.id, ports };
      if (hasHttp(outSpecs) || hasHttp(inSpecs)) {
        const l7 = [...l7For(outSpecs, dest, ports, 'egress'), ...l7For(inSpecs, dest, ports, 'ingress')];
        if (l7.length > 0) conn.l7 = l7;
      }
      (d === s ? replicas : connections).push(conn);
    }
  }

  return {
    workloads: order.map((i) => {
      const w = workloads[i];
      return { id: w.id, kind: w.kind, namespace: w.namespace, name: w.name, labels: { ...w.labels } };
    }),
    connections,
    replicas,
    external: order.flatMap((i) => [...externalFor(sides.egress[i], workloads[i], 'egress'), ...externalFor(sides.ingress[i], workloads[i], 'ingress')]),
  };
}

export function buildSides(cluster: Cluster, policies: readonly CompiledPolicy[]): Sides {
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
      if (rule.effect !== 'allow') continue;
      for (const s of p.subjects) {
        const side = sides[rule.direction][s];
        // A side nobody isolates allows everything already (a Cilium policy with enableDefaultDeny false).
        if (!side.isolated) continue;
        for (const grant of rule.grants) {
          for (const peer of rule.peers) {
            if (peer.type === 'any') {
              side.wildcard.push(grant);
              for (const target of WORLD) side.external.push({ target, spec: grant });
              continue;
            }
            for (const target of peer.external) side.external.push({ target, spec: grant });
            for (const m of peer.members) {
              const list = side.perPeer.get(m);
              if (list) list.push(grant);
              else side.perPeer.set(m, [grant]);
            }
          }
        }
      }
    }
  }
  // Denies apply whether or not the side is isolated; an open side gets its own copy to hold them. Each
  // side references the rule's shared member set: work per subject is O(rules), not O(rules x peers).
  for (const p of policies) {
    for (const rule of p.rules) {
      if (rule.effect !== 'deny') continue;
      const { any } = ruleMembers(rule);
      const shared = denyRule(rule);
      const external: ExternalGrant[] = [];
      for (const peer of rule.peers) if (peer.type !== 'any') for (const target of peer.external) external.push({ target, spec: rule.ports });
      for (const s of p.subjects) {
        let side = sides[rule.direction][s];
        if (side === OPEN) side = sides[rule.direction][s] = { ...OPEN, external: [...OPEN.external] };
        const deny: DenySet = (side.deny ??= { wildcard: [], rules: [], external: [] });
        if (any) deny.wildcard.push(rule.ports);
        if (shared) deny.rules.push(shared);
        for (const g of external) deny.external.push(g);
      }
    }
  }
  return sides;
}

const denyRules = new WeakMap<CompiledRule, DenyRule | null>();

/** The shared deny entry of a rule (null when its peers match no workload), made once per compiled rule. */
function denyRule(rule: CompiledRule): DenyRule | null {
  let out = denyRules.get(rule);
  if (out === undefined) {
    const { members } = ruleMembers(rule);
    denyRules.set(rule, (out = members ? { members, spec: rule.ports } : null));
  }
  return out;
}

/** The deny specs of one side toward one peer: the wildcard ones plus those of the rules naming the peer. */
export function deniedSpecs(deny: DenySet | undefined, peer: number): readonly PortSpec[] {
  if (!deny) return [];
  let out: PortSpec[] | undefined;
  for (const r of deny.rules) {
    if (!r.members.has(peer)) continue;
    (out ??= [...deny.wildcard]).push(r.spec);
  }
  return out ?? deny.wildcard;
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

function subtractDenied(ports: PortMap, denies: readonly PortSpec[], dest: Workload): PortMap {
  return denies.length > 0 && !isEmptyPorts(ports) ? subtractPorts(ports, resolve(denies, dest)) : ports;
}

function hasHttp(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.http !== undefined);
}

/**
 * The ports of `allowed` that one side restricts to HTTP rules: opened on that side only by grants carrying
 * `http` (an L4-only grant opening the same port wildcards L7 there, as Cilium does). Grouped by the union
 * of the HTTP rules that cover each port.
 */
export function l7For(grants: readonly Grant[], dest: Workload, allowed: PortMap, direction: Direction): L7Restriction[] {
  const l7 = grants.filter((g) => g.http !== undefined);
  if (l7.length === 0) return [];
  const plain = resolve(grants.filter((g) => g.http === undefined), dest);
  const restricted = subtractPorts(allowed, plain);
  if (isEmptyPorts(restricted)) return [];
  const parts = l7.map((g) => ({ ports: intersectPorts(resolve([g], dest), restricted), http: g.http! }));
  const groups = new Map<string, { http: HttpRule[]; ports: Partial<Record<(typeof PROTOCOLS)[number], PortRange[]>> }>();
  for (const protocol of PROTOCOLS) {
    const cuts = new Set<number>();
    for (const p of parts) for (const [lo, hi] of p.ports[protocol] ?? []) cuts.add(lo).add(hi + 1);
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const [lo, hi] = [points[i], points[i + 1] - 1];
      const covering = parts.filter((p) => (p.ports[protocol] ?? []).some(([a, b]) => a <= lo && hi <= b));
      if (covering.length === 0) continue;
      const http = mergeHttp(covering.flatMap((p) => p.http));
      const key = JSON.stringify(http);
      const group = groups.get(key) ?? groups.set(key, { http, ports: {} }).get(key)!;
      (group.ports[protocol] ??= []).push([lo, hi]);
    }
  }
  return [...groups.values()]
    .map((g) => {
      const ports: PortMap = {};
      for (const protocol of PROTOCOLS) if (g.ports[protocol]) ports[protocol] = normalizeRanges(g.ports[protocol]!);
      return { direction, ports, http: g.http };
    })
    .sort((a, b) => firstPort(a.ports) - firstPort(b.ports));
}

function firstPort(ports: PortMap): number {
  for (const [i, p] of PROTOCOLS.entries()) if (ports[p]?.length) return i * 100000 + ports[p]![0][0];
  return Infinity;
}

/** Deduplicated and sorted (method, path, host; absent fields first), with only the fields that are set. */
export function mergeHttp(rules: readonly HttpRule[]): HttpRule[] {
  const byKey = new Map<string, HttpRule>();
  for (const r of rules) {
    const clean: HttpRule = {};
    if (r.method !== undefined) clean.method = r.method;
    if (r.path !== undefined) clean.path = r.path;
    if (r.host !== undefined) clean.host = r.host;
    byKey.set(JSON.stringify([clean.method ?? null, clean.path ?? null, clean.host ?? null]), clean);
  }
  return [...byKey.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, r]) => r);
}

interface ExternalEntry {
  target: ExternalTarget;
  except: Cidr[];
  ports: PortMap;
}

function externalFor(side: Side, w: Workload, direction: Direction): ExternalConnection[] {
  // Egress to an address has no destination pod to resolve named ports on.
  const portsOf = (spec: PortSpec): PortMap => (direction === 'egress' ? spec.ranges : resolve([spec], w));
  let entries = mergeEntries(
    side.external.map((g) => ({ target: g.target, except: g.target.kind === 'cidr' ? [...g.target.except] : [], ports: portsOf(g.spec) })),
  );
  if (side.deny) entries = applyDenies(entries, side.deny, portsOf);
  return entries
    .filter((e) => !isEmptyPorts(e.ports))
    .map((e): ExternalConnection => {
      const t = e.target;
      if (t.kind === 'cidr') return { direction, workload: w.id, kind: 'cidr', cidr: t.cidr.text, except: e.except.map((x) => x.text).sort(), ports: e.ports };
      if (t.kind === 'fqdn') return { direction, workload: w.id, kind: 'fqdn', fqdn: t.fqdn, ports: e.ports };
      return { direction, workload: w.id, kind: 'entity', entity: t.entity, ports: e.ports };
    })
    .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(externalValue(a), externalValue(b)) || compareStrings(exceptOf(a), exceptOf(b)));
}

/**
 * What is outside, as a value and the blocks taken out of it: the one place that dispatches on the
 * kind of an external connection (an unhandled kind does not compile).
 */
export function externalDestination(e: ExternalConnection): { readonly value: string; readonly except: readonly string[] } {
  switch (e.kind) {
    case 'cidr':
      return { value: e.cidr, except: e.except };
    case 'fqdn':
      return { value: e.fqdn, except: [] };
    case 'entity':
      return { value: e.entity, except: [] };
    default: {
      const unhandled: never = e;
      throw new Error(`unknown external connection ${JSON.stringify(unhandled)}`);
    }
  }
}

const externalValue = (e: ExternalConnection): string => externalDestination(e).value;
const exceptOf = (e: ExternalConnection): string => externalDestination(e).except.join(' ');

function entryKey(e: ExternalEntry): string {
  const t = e.target;
  switch (t.kind) {
    case 'cidr':
      return `c ${t.cidr.text} ${e.except.map((x) => x.text).sort().join(' ')}`;
    case 'fqdn':
      return `f ${t.fqdn}`;
    case 'entity':
      return `e ${t.entity}`;
    default: {
      const unhandled: never = t;
      throw new Error(`unknown external target ${JSON.stringify(unhandled)}`);
    }
  }
}

/** One entry per distinct target (and except list), ports merged. */
function mergeEntries(entries: readonly ExternalEntry[]): ExternalEntry[] {
  const merged = new Map<string, ExternalEntry>();
  for (const e of entries) {
    if (isEmptyPorts(e.ports)) continue;
    const key = entryKey(e);
    const prior = merged.get(key);
    if (prior) prior.ports = unionPorts(prior.ports, e.ports);
    else merged.set(key, { target: e.target, except: e.except, ports: unionPorts({}, e.ports) });
  }
  return [...merged.values()];
}

/**
 * Deny rules against external entries, where it can be done exactly:
 * - a deny without peers removes its ports from every entry;
 * - a deny CIDR covering an entry's CIDR (and whose excepts do not reach into what the entry allows) removes
 *   its ports from it; `world` (0.0.0.0/0 and ::/0 together) also covers FQDN entries;
 * - a deny CIDR (without excepts) strictly inside an entry's CIDR splits it: for the denied ports the entry
 *   gets the deny CIDR as one more `except`;
 * - a deny entity removes its ports from the entry of the same entity (`cluster` lists its members).
 * Other overlaps (partial ones through excepts, CIDRs against FQDNs) are left alone: the entry then
 * over-states what is open.
 */
function applyDenies(entries: ExternalEntry[], deny: DenySet, portsOf: (s: PortSpec) => PortMap): ExternalEntry[] {
  const everywhere = deny.wildcard.reduce<PortMap>((acc, s) => unionPorts(acc, portsOf(s)), {});
  let worldV4: PortMap = {};
  let worldV6: PortMap = {};
  for (const g of deny.external) {
    if (g.target.kind !== 'cidr' || g.target.cidr.prefix !== 0 || g.target.except.length > 0) continue;
    if (g.target.cidr.text.includes(':')) worldV6 = unionPorts(worldV6, portsOf(g.spec));
    else worldV4 = unionPorts(worldV4, portsOf(g.spec));
  }
  const worldBoth = intersectPorts(worldV4, worldV6);

  let out: ExternalEntry[] = entries.map((e) => ({ ...e, ports: subtractPorts(e.ports, everywhere) }));
  // Whole-entry subtractions first, then splits (a split copies the entry with one more except).
  out = out.map((e) => {
    let ports = e.ports;
    const t = e.target;
    if (t.kind === 'fqdn') ports = subtractPorts(ports, worldBoth);
    for (const g of deny.external) {
      const d = g.target;
      if (t.kind === 'entity' && d.kind === 'entity' && d.entity === t.entity) ports = subtractPorts(ports, portsOf(g.spec));
      if (t.kind === 'cidr' && d.kind === 'cidr' && denyCovers(d.cidr, d.except, t.cidr, e.except)) ports = subtractPorts(ports, portsOf(g.spec));
    }
    return { ...e, ports };
  });
  for (const g of deny.external) {
    const d = g.target;
    if (d.kind !== 'cidr' || d.except.length > 0) continue;
    const denied = portsOf(g.spec);
    const next: ExternalEntry[] = [];
    for (const e of out) {
      const t = e.target;
      const inside = t.kind === 'cidr' && cidrCovers(t.cidr, d.cidr) && t.cidr.prefix < d.cidr.prefix && !e.except.some((x) => cidrCovers(x, d.cidr));
      const cut = inside ? intersectPorts(e.ports, denied) : {};
      if (isEmptyPorts(cut)) {
        next.push(e);
        continue;
      }
      next.push({ ...e, ports: subtractPorts(e.ports, cut) });
      next.push({ target: e.target, except: [...e.except.filter((x) => !cidrCovers(d.cidr, x)), d.cidr], ports: cut });
    }
    out = mergeEntries(next);
  }
  return mergeEntries(out);
}

/** Deny `cidr` minus `except` contains everything allow `a` minus `aExcept` lets through. */
function denyCovers(cidr: Cidr, except: readonly Cidr[], a: Cidr, aExcept: readonly Cidr[]): boolean {
  if (!cidrCovers(cidr, a)) return false;
  return except.every((x) => !cidrOverlaps(x, a) || aExcept.some((ax) => cidrCovers(ax, x)));
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
