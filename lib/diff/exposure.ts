/**
 * What a change does at the edge of a cluster, from the rendered Gateway API objects on both sides:
 * listeners added or removed, hostnames a gateway starts or stops serving, backends a gateway can newly
 * reach (an accepted route, a resolved backend, a workload whose policy admits the gateway), and the share
 * of each route rule's traffic each backend gets, before and after. The analyzer (analyzeRoutes) has
 * already checked these objects; this only compares them.
 */
import type { RouteAnalysis, SourcedObject } from '../analysis';

export interface ListenerInfo {
  /** `namespace/name` of the Gateway. */
  readonly gateway: string;
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
  readonly hostname?: string;
}

export interface HostnameExposure {
  readonly gateway: string;
  /** As the route writes it; `*` when the route names no hostname (it takes every host its listeners accept). */
  readonly hostname: string;
  /** `namespace/name` of the routes serving it there. */
  readonly routes: string[];
}

export interface BackendReach {
  readonly gateway: string;
  readonly route: string;
  /** Workload id (`namespace/name`) the gateway's traffic reaches, and its container port. */
  readonly workload: string;
  readonly port: number;
}

export interface BackendShare {
  /** `namespace/service:port`. */
  readonly backend: string;
  /** Percent of the rule's requests (weight / sum of the rule's weights); null: not a backend on that side. */
  readonly before: number | null;
  readonly after: number | null;
}

export interface ShareChange {
  readonly route: string;
  /** The gateways that accept the route (head side). */
  readonly gateways: string[];
  /** The rule's matches, short: `/`, `= /healthz`, `/beta x-beta: 1`. */
  readonly match: string;
  readonly backends: BackendShare[];
}

export interface ExposureDiff {
  readonly listeners: { readonly added: ListenerInfo[]; readonly removed: ListenerInfo[] };
  readonly hostnames: { readonly added: HostnameExposure[]; readonly removed: HostnameExposure[] };
  readonly backends: { readonly reachable: BackendReach[]; readonly unreachable: BackendReach[] };
  /** Rules present on both sides whose traffic split changed. */
  readonly shares: ShareChange[];
}

export interface EdgeSide {
  readonly listeners: ListenerInfo[];
  readonly routes: RouteAnalysis['routes'];
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io/';

/** The listeners of every Gateway among `objects` (List items included), sorted by gateway and name. */
export function listenersOf(objects: readonly SourcedObject[]): ListenerInfo[] {
  const out: ListenerInfo[] = [];
  const read = (o: unknown) => {
    const g = o as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { listeners?: unknown } } | null;
    if (!g || typeof g !== 'object') return;
    if (typeof g.kind === 'string' && g.kind.endsWith('List') && Array.isArray((g as { items?: unknown }).items)) {
      for (const item of (g as { items: unknown[] }).items) read(item);
      return;
    }
    if (g.kind !== 'Gateway' || typeof g.apiVersion !== 'string' || !g.apiVersion.startsWith(GATEWAY_GROUP)) return;
    const gateway = `${typeof g.metadata?.namespace === 'string' ? g.metadata.namespace : 'default'}/${String(g.metadata?.name)}`;
    for (const l of Array.isArray(g.spec?.listeners) ? g.spec.listeners : []) {
      const x = l as { name?: unknown; protocol?: unknown; port?: unknown; hostname?: unknown };
      out.push({ gateway, name: String(x.name), protocol: String(x.protocol), port: Number(x.port), ...(typeof x.hostname === 'string' && x.hostname ? { hostname: x.hostname } : {}) });
    }
  };
  for (const o of objects) read(o.object);
  return out.sort((a, b) => cmp(`${a.gateway}\0${a.name}`, `${b.gateway}\0${b.name}`));
}

export const formatListener = (l: ListenerInfo): string => `${l.gateway} ${l.name} (${l.protocol} ${l.port}${l.hostname ? ` ${l.hostname}` : ''})`;

/**
 * `rename` maps a base workload id to its head id (renames and moves), so that a renamed backend is not
 * reported as one gateway path closing and another opening.
 */
export function diffExposure(base: EdgeSide | undefined, head: EdgeSide | undefined, rename: (id: string) => string): ExposureDiff {
  const listenerKey = (l: ListenerInfo) => JSON.stringify([l.gateway, l.name, l.protocol, l.port, l.hostname ?? '']);
  const [bl, hl] = [keyed(base?.listeners ?? [], listenerKey), keyed(head?.listeners ?? [], listenerKey)];

  const [bh, hh] = [hostnames(base), hostnames(head)];
  const [br, hr] = [reaches(base, rename), reaches(head, (id) => id)];
  return {
    listeners: { added: only(hl, bl), removed: only(bl, hl) },
    hostnames: { added: only(hh, bh), removed: only(bh, hh) },
    backends: { reachable: only(hr, br), unreachable: only(br, hr) },
    shares: shareChanges(base, head, rename),
  };
}

function keyed<T>(items: readonly T[], key: (x: T) => string): Map<string, T> {
  return new Map(items.map((x) => [key(x), x]));
}

/** Values of `a` whose key `b` lacks, in key order. */
function only<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): T[] {
  return [...a].filter(([k]) => !b.has(k)).sort(([x], [y]) => cmp(x, y)).map(([, v]) => v);
}

/** (gateway, hostname) pairs served by routes some listener of that gateway accepts. */
function hostnames(side: EdgeSide | undefined): Map<string, HostnameExposure> {
  const out = new Map<string, { gateway: string; hostname: string; routes: string[] }>();
  for (const r of side?.routes ?? [])
    for (const gateway of acceptedGateways(r))
      for (const hostname of r.hostnames.length ? r.hostnames : ['*']) {
        const k = `${gateway}\0${hostname}`;
        const e = out.get(k) ?? { gateway, hostname, routes: [] };
        if (!e.routes.includes(r.route)) e.routes.push(r.route);
        out.set(k, e);
      }
  return out;
}

/** (gateway, route, workload, port) for every workload the gateway's traffic actually reaches. */
function reaches(side: EdgeSide | undefined, rename: (id: string) => string): Map<string, BackendReach> {
  const out = new Map<string, BackendReach>();
  for (const r of side?.routes ?? [])
    for (const gateway of acceptedGateways(r))
      for (const rule of r.rules)
        for (const b of rule.backends) {
          if (!b.resolved || b.weight === 0) continue;
          for (const w of b.workloads) {
            if (!w.reachable) continue;
            const workload = rename(w.id);
            // Keyed without the route: the question is whether the gateway reaches the workload at all.
            const k = `${gateway}\0${workload}\0${w.targetPort}`;
            if (!out.has(k)) out.set(k, { gateway, route: r.route, workload, port: w.targetPort });
          }
        }
  return out;
}

const acceptedGateways = (r: RouteAnalysis['routes'][number]): string[] => [...new Set(r.parents.filter((p) => p.accepted).map((p) => p.gateway))].sort();

function shareChanges(base: EdgeSide | undefined, head: EdgeSide | undefined, rename: (id: string) => string): ShareChange[] {
  // Services are named after their workloads in bulkhead's output, so a renamed workload renames its backend.
  const rules = (side: EdgeSide | undefined, rn: (id: string) => string) => {
    const out = new Map<string, { route: string; gateways: string[]; match: string; shares: Map<string, number> }>();
    for (const r of side?.routes ?? [])
      for (const rule of r.rules) {
        const total = rule.backends.reduce((n, b) => n + b.weight, 0);
        const shares = new Map<string, number>();
        for (const b of rule.backends) {
          const backend = `${rn(b.service)}:${b.port}`;
          shares.set(backend, (shares.get(backend) ?? 0) + (total ? (100 * b.weight) / total : 0));
        }
        out.set(`${r.route}\0${JSON.stringify(rule.matches)}`, { route: r.route, gateways: acceptedGateways(r), match: formatMatches(rule.matches), shares });
      }
    return out;
  };
  const before = rules(base, rename);
  const after = rules(head, (id) => id);
  const changes: ShareChange[] = [];
  for (const [k, h] of [...after].sort(([x], [y]) => cmp(x, y))) {
    const b = before.get(k);
    if (!b) continue;
    const names = [...new Set([...b.shares.keys(), ...h.shares.keys()])].sort();
    const backends = names.map((backend) => ({ backend, before: percent(b.shares.get(backend)), after: percent(h.shares.get(backend)) }));
    if (backends.some((x) => x.before !== x.after)) changes.push({ route: h.route, gateways: h.gateways, match: h.match, backends });
  }
  return changes;
}

/** One decimal at most: 33.3, 50, 66.7. */
const percent = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10) / 10);

/** `/`, `= /healthz`, `/beta x-beta: 1` (path prefix unless exact, then exact header matches); `|` between matches. */
function formatMatches(matches: readonly unknown[]): string {
  return matches
    .map((m) => {
      const x = m as { path?: { type?: string; value?: string }; headers?: Array<{ name?: string; value?: string }> };
      const path = x.path ? `${x.path.type === 'Exact' ? '= ' : ''}${x.path.value ?? '/'}` : '/';
      return [path, ...(x.headers ?? []).map((h) => `${h.name}: ${h.value}`)].join(' ');
    })
    .join(' | ');
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
