/**
 * Who can reach whom, per cluster, base against head, as the independent analyzer reads the rendered
 * manifests (`dist/<cluster>/platform` and `dist/<cluster>/tenants`; `bootstrap/` holds no manifests):
 * connections and external traffic opened and closed (port by port), HTTP restrictions changed, workloads
 * exposed to the gateway, workloads renamed, and the policy cost.
 */
import {
  Connection,
  Connectivity,
  ExternalConnection,
  HttpRule,
  L7Restriction,
  PortMap,
  SourcedObject,
  analyze,
  analyzeRoutes,
  estimatePolicyMap,
  intersectPorts,
  isEmptyPorts,
  subtractPorts,
  unionPorts,
} from '../analysis';
import { manifestsOf } from './documents';
import { EdgeSide, listenersOf } from './exposure';
import type { Snapshot } from './snapshot';

export interface PolicyCost {
  readonly networkPolicies: number;
  readonly ciliumNetworkPolicies: number;
  readonly ciliumClusterwideNetworkPolicies: number;
  /** Cilium policy-map estimate: the largest workload (entries, ingress + egress). */
  readonly policyMapMax: { readonly workload: string; readonly entries: number } | null;
  /** Sum over workloads. */
  readonly policyMapTotal: number;
}

export interface ClusterSide {
  readonly objects: SourcedObject[];
  readonly connectivity: Connectivity;
  /** Workload id to the ports Cilium's gateway proxy may reach. */
  readonly exposed: ReadonlyMap<string, PortMap>;
  /** Gateway listeners and routes, for the exposure diff. */
  readonly edge: EdgeSide;
  readonly cost: PolicyCost;
}

/** Cluster names: the subdirectories of `dist/`. */
export function clustersOf(s: Snapshot): string[] {
  const names = new Set<string>();
  for (const f of s.files.keys()) {
    const m = /^dist\/([^/]+)\//.exec(f);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

const MANIFEST = /\.(ya?ml|json)$/i;

export function analyzeCluster(s: Snapshot, cluster: string): ClusterSide | undefined {
  const dirs = [`dist/${cluster}/platform/`, `dist/${cluster}/tenants/`];
  const files = [...s.files.keys()].filter((f) => dirs.some((d) => f.startsWith(d)) && MANIFEST.test(f)).sort();
  if (!files.length && ![...s.files.keys()].some((f) => f.startsWith(`dist/${cluster}/`))) return undefined;
  const objects = files.flatMap((f) => manifestsOf(s, f));
  const connectivity = analyze(objects);
  const routes = analyzeRoutes(objects);
  const estimates = estimatePolicyMap(objects);
  const count = (kind: string) => objects.filter((o) => (o.object as { kind?: unknown } | null)?.kind === kind).length;
  const max = estimates.reduce<{ workload: string; entries: number } | null>((m, e) => (!m || e.total > m.entries ? { workload: e.workload, entries: e.total } : m), null);
  return {
    objects,
    connectivity,
    exposed: new Map(routes.exposed.map((e) => [e.workload, e.ports])),
    edge: { listeners: listenersOf(objects), routes: routes.routes },
    cost: {
      networkPolicies: count('NetworkPolicy'),
      ciliumNetworkPolicies: count('CiliumNetworkPolicy'),
      ciliumClusterwideNetworkPolicies: count('CiliumClusterwideNetworkPolicy'),
      policyMapMax: max,
      policyMapTotal: estimates.reduce((n, e) => n + e.total, 0),
    },
  };
}

export interface PortChange {
  readonly from: string;
  readonly to: string;
  readonly ports: PortMap;
  /** opened: the pair had nothing open before; closed: nothing stays open. */
  readonly whole: boolean;
  /** opened only: HTTP restrictions (Cilium L7) on the opened ports, as the analyzer reports them. */
  readonly l7?: L7Restriction[];
}

export interface ExternalChange {
  readonly direction: 'egress' | 'ingress';
  readonly workload: string;
  readonly kind: 'cidr' | 'fqdn' | 'entity';
  /** The CIDR, DNS name (or pattern) or entity. */
  readonly target: string;
  readonly except: readonly string[];
  readonly ports: PortMap;
  readonly whole: boolean;
}

export interface ExposureChange {
  readonly workload: string;
  readonly ports: PortMap;
  readonly whole: boolean;
}

/** On `ports` of a connection, the HTTP requests one side lets through (`null`: every request). */
export interface HttpChange {
  readonly from: string;
  readonly to: string;
  readonly direction: 'ingress' | 'egress';
  readonly ports: PortMap;
  readonly base: HttpRule[] | null;
  readonly head: HttpRule[] | null;
  /** The head admits some request the base did not (a rule added, or the restriction dropped). */
  readonly widened: boolean;
}

export interface ConnectivityDiff {
  readonly workloads: {
    readonly added: string[];
    readonly removed: string[];
    /** Same namespace, new name, exactly the same connections (see findRenames). */
    readonly renamed: Array<{ from: string; to: string }>;
    /** Same name, another namespace (tenant): see findMoves. */
    readonly moved: Array<{ from: string; to: string }>;
  };
  readonly opened: PortChange[];
  readonly closed: PortChange[];
  readonly http: HttpChange[];
  readonly externalOpened: ExternalChange[];
  readonly externalClosed: ExternalChange[];
  readonly exposureOpened: ExposureChange[];
  readonly exposureClosed: ExposureChange[];
}

const EMPTY: Connectivity = { workloads: [], connections: [], external: [] };
const key2 = (a: string, b: string) => `${a}\u0000${b}`;

/**
 * `base` and `head` may be undefined (the cluster is new, or gone). Workloads renamed in the same namespace
 * with exactly the same connections are matched first (see `findRenames`), so a rename is reported as one,
 * not as everything it touches closing and opening again.
 */
export function diffConnectivity(base: ClusterSide | undefined, head: ClusterSide | undefined): ConnectivityDiff {
  const b = base?.connectivity ?? EMPTY;
  const h = head?.connectivity ?? EMPTY;
  const bExposed = base?.exposed ?? new Map<string, PortMap>();
  const hExposed = head?.exposed ?? new Map<string, PortMap>();
  const renames = findRenames(b, bExposed, h, hExposed);
  const moves = findMoves(b, h, renames);
  // Compare in the head's names: a renamed or moved base workload is read under its new name.
  const rn = (id: string) => renames.get(id) ?? moves.get(id) ?? id;
  const baseConnections = new Map(b.connections.map((c) => [key2(rn(c.from), rn(c.to)), { ...c, from: rn(c.from), to: rn(c.to) }]));
  const headConnections = new Map(h.connections.map((c) => [key2(c.from, c.to), c]));

  const opened: PortChange[] = [];
  const closed: PortChange[] = [];
  const http: HttpChange[] = [];
  for (const [k, c] of headConnections) {
    const was = baseConnections.get(k);
    const extra = subtractPorts(c.ports, was?.ports ?? {});
    if (!isEmptyPorts(extra)) {
      const l7 = (c.l7 ?? []).map((l) => ({ ...l, ports: intersectPorts(l.ports, extra) })).filter((l) => !isEmptyPorts(l.ports));
      opened.push({ from: c.from, to: c.to, ports: extra, whole: !was, ...(l7.length ? { l7 } : {}) });
    }
    if (was) http.push(...httpChanges(was, c));
  }
  for (const [k, c] of baseConnections) {
    const now = headConnections.get(k);
    const gone = subtractPorts(c.ports, now?.ports ?? {});
    if (!isEmptyPorts(gone)) closed.push({ from: c.from, to: c.to, ports: gone, whole: !now });
  }

  const externalMap = (conn: Connectivity, rename: (id: string) => string) => {
    const m = new Map<string, ExternalChange>();
    for (const x of conn.external) {
      // The gateway's proxy (Cilium's `ingress` identity) is reported as gateway exposure instead.
      if (x.direction === 'ingress' && x.kind === 'entity' && x.entity === 'ingress') continue;
      const e = externalOf(x, rename(x.workload));
      m.set([e.direction, e.workload, e.kind, e.target, e.except.join(',')].join('\0'), e);
    }
    return m;
  };
  const bx = externalMap(b, rn);
  const hx = externalMap(h, (id) => id);
  const externalOpened: ExternalChange[] = [];
  const externalClosed: ExternalChange[] = [];
  for (const [k, e] of hx) {
    const extra = subtractPorts(e.ports, bx.get(k)?.ports ?? {});
    if (!isEmptyPorts(extra)) externalOpened.push({ ...e, ports: extra, whole: !bx.has(k) });
  }
  for (const [k, e] of bx) {
    const gone = subtractPorts(e.ports, hx.get(k)?.ports ?? {});
    if (!isEmptyPorts(gone)) externalClosed.push({ ...e, ports: gone, whole: !hx.has(k) });
  }

  const be = new Map([...bExposed].map(([w, p]) => [rn(w), p]));
  const exposureOpened: ExposureChange[] = [];
  const exposureClosed: ExposureChange[] = [];
  for (const [w, p] of hExposed) {
    const extra = subtractPorts(p, be.get(w) ?? {});
    if (!isEmptyPorts(extra)) exposureOpened.push({ workload: w, ports: extra, whole: !be.has(w) });
  }
  for (const [w, p] of be) {
    const gone = subtractPorts(p, hExposed.get(w) ?? {});
    if (!isEmptyPorts(gone)) exposureClosed.push({ workload: w, ports: gone, whole: !hExposed.has(w) });
  }

  const bIds = new Set(b.workloads.map((w) => w.id));
  const hIds = new Set(h.workloads.map((w) => w.id));
  const arrived = new Set([...renames.values(), ...moves.values()]);
  return {
    workloads: {
      added: [...hIds].filter((id) => !bIds.has(id) && !arrived.has(id)),
      removed: [...bIds].filter((id) => !hIds.has(id) && !renames.has(id) && !moves.has(id)),
      renamed: [...renames].map(([from, to]) => ({ from, to })),
      moved: [...moves].map(([from, to]) => ({ from, to })),
    },
    opened,
    closed,
    http,
    externalOpened,
    externalClosed,
    exposureOpened: exposureOpened.sort((x, y) => cmp(x.workload, y.workload)),
    exposureClosed: exposureClosed.sort((x, y) => cmp(x.workload, y.workload)),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function externalOf(x: ExternalConnection, workload: string): ExternalChange {
  const [target, except] = x.kind === 'cidr' ? [x.cidr, x.except] : x.kind === 'fqdn' ? [x.fqdn, []] : [x.entity, []];
  return { direction: x.direction, workload, kind: x.kind, target, except: [...except].sort(), ports: x.ports, whole: false };
}

/**
 * Renamed workloads: one removed and one added workload of the same kind in the same namespace whose
 * connections, external traffic and gateway exposure are identical (other workloads that were themselves
 * added or removed count as one unknown peer), where that match is unique both ways. A workload with no
 * traffic at all is never matched: nothing tells it apart, and nothing in who-can-reach-whom changes either way.
 */
export function findRenames(b: Connectivity, bExposed: ReadonlyMap<string, PortMap>, h: Connectivity, hExposed: ReadonlyMap<string, PortMap>): Map<string, string> {
  const bIds = new Set(b.workloads.map((w) => w.id));
  const hIds = new Set(h.workloads.map((w) => w.id));
  const removed = b.workloads.filter((w) => !hIds.has(w.id));
  const added = h.workloads.filter((w) => !bIds.has(w.id));
  const renames = new Map<string, string>();
  if (!removed.length || !added.length) return renames;
  const unknown = new Set([...removed, ...added].map((w) => w.id));
  const signature = (conn: Connectivity, exposed: ReadonlyMap<string, PortMap>, id: string): string => {
    const other = (x: string) => (unknown.has(x) ? '?' : x);
    const lines: string[] = [];
    for (const c of conn.connections) {
      if (c.from === id) lines.push(`out ${other(c.to)} ${JSON.stringify(c.ports)} ${JSON.stringify(c.l7 ?? [])}`);
      if (c.to === id) lines.push(`in ${other(c.from)} ${JSON.stringify(c.ports)} ${JSON.stringify(c.l7 ?? [])}`);
    }
    for (const x of conn.external) if (x.workload === id) lines.push(`ext ${JSON.stringify({ ...x, workload: '' })}`);
    const gw = exposed.get(id);
    if (gw) lines.push(`gateway ${JSON.stringify(gw)}`);
    return lines.sort().join('\n');
  };
  const candidates = (side: typeof removed, conn: Connectivity, exposed: ReadonlyMap<string, PortMap>) =>
    side.map((w) => ({ w, group: `${w.kind}\0${w.namespace}\0${signature(conn, exposed, w.id)}`, empty: signature(conn, exposed, w.id) === '' }));
  const r = candidates(removed, b, bExposed).filter((x) => !x.empty);
  const a = candidates(added, h, hExposed).filter((x) => !x.empty);
  for (const x of r) {
    const sameR = r.filter((y) => y.group === x.group);
    const sameA = a.filter((y) => y.group === x.group);
    if (sameR.length === 1 && sameA.length === 1) renames.set(x.w.id, sameA[0].w.id);
  }
  return renames;
}

/**
 * Workloads moved to another tenant: a removed and an added workload (not renames) of the same kind and
 * name in different namespaces, where that match is unique both ways. Unlike a rename, a move is matched
 * by name alone: it usually comes with different connections (that is often why it moved), and those are
 * then reported as what they are, opened or closed on the same workload.
 */
export function findMoves(b: Connectivity, h: Connectivity, renames: ReadonlyMap<string, string>): Map<string, string> {
  const bIds = new Set(b.workloads.map((w) => w.id));
  const hIds = new Set(h.workloads.map((w) => w.id));
  const renamedTo = new Set(renames.values());
  const group = <T extends { kind: string; name: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const w of list) m.set(`${w.kind}\0${w.name}`, [...(m.get(`${w.kind}\0${w.name}`) ?? []), w]);
    return m;
  };
  const gone = group(b.workloads.filter((w) => !hIds.has(w.id) && !renames.has(w.id)));
  const fresh = group(h.workloads.filter((w) => !bIds.has(w.id) && !renamedTo.has(w.id)));
  const moves = new Map<string, string>();
  for (const [k, from] of gone) {
    const to = fresh.get(k);
    if (from.length === 1 && to?.length === 1 && from[0].namespace !== to[0].namespace) moves.set(from[0].id, to[0].id);
  }
  return moves;
}

/** HTTP restrictions that differ on ports open both before and after, per side, grouped by ports. */
function httpChanges(was: Connection, now: Connection): HttpChange[] {
  if (!was.l7 && !now.l7) return [];
  const perPort = (c: Connection) => {
    const m = new Map<string, HttpRule[]>();
    for (const l of c.l7 ?? [])
      for (const [protocol, ranges] of Object.entries(l.ports))
        for (const [lo, hi] of ranges!) for (let p = lo; p <= Math.min(hi, lo + 1024); p++) m.set(`${l.direction}\0${protocol}\0${p}`, l.http);
    return m;
  };
  const bm = perPort(was);
  const hm = perPort(now);
  const open = (c: Connection, protocol: string, port: number) => (c.ports[protocol as keyof PortMap] ?? []).some(([lo, hi]) => lo <= port && port <= hi);
  const groups = new Map<string, HttpChange>();
  for (const k of new Set([...bm.keys(), ...hm.keys()])) {
    const [direction, protocol, portText] = k.split('\0');
    const port = Number(portText);
    if (!open(was, protocol, port) || !open(now, protocol, port)) continue; // opened or closed ports are reported as such
    const before = bm.get(k) ?? null;
    const after = hm.get(k) ?? null;
    const keyOf = (rules: HttpRule[] | null) => (rules ? rules.map((r) => JSON.stringify([r.method ?? '', r.path ?? '', r.host ?? ''])).sort() : null);
    const bk = keyOf(before);
    const hk = keyOf(after);
    if (JSON.stringify(bk) === JSON.stringify(hk)) continue;
    const widened = bk !== null && (hk === null || hk.some((r) => !bk.includes(r)));
    const g = `${direction}\0${JSON.stringify(bk)}\0${JSON.stringify(hk)}`;
    const ports: PortMap = { [protocol]: [[port, port]] };
    const prev = groups.get(g);
    groups.set(g, prev ? { ...prev, ports: unionPorts(prev.ports, ports) } : { from: now.from, to: now.to, direction: direction as 'ingress' | 'egress', ports, base: before, head: after, widened });
  }
  return [...groups.values()];
}
