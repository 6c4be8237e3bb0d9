/**
 * The resolved platform in one canonical order, whatever order platform.yaml lists things in: every
 * later stage (constructs, verification, reports, Argo CD) then renders the same bytes for the same
 * intents. Lists whose order has no meaning are sorted by what they say; where two entries would say
 * the same thing in a way that makes order matter (two route rules with the same match, say), the
 * checker rejects them instead (check-routes.ts), so a sort never has to break a tie by position.
 */
import { Egress, Flow, Gateway, Guardrail, Platform, Route, RouteRule, Tenant, Workload } from '../model/platform';

export function canonicalOrder(p: Platform): Platform {
  return {
    ...p,
    clusters: sortBy(p.clusters, (c) => c.name),
    tenants: sortBy(p.tenants, (t) => t.name).map(tenant),
    flows: sortBy(p.flows.map(flow), flowKey),
    egress: sortBy(p.egress.map(egress), egressKey),
    guardrails: sortBy(p.guardrails, (g: Guardrail) => g.name),
    gateways: sortBy(p.gateways, (g) => g.name).map(gateway),
    routes: sortBy(p.routes, (r) => [r.tenant, r.name]).map(route),
    overrides: new Map([...p.overrides].map(([id, perCluster]) => [id, new Map([...perCluster].map(([c, w]) => [c, workload(w)]))])),
  };
}

const tenant = (t: Tenant): Tenant => ({ ...t, workloads: sortBy(t.workloads, (w) => w.name).map(workload) });

const workload = (w: Workload): Workload => ({
  ...w,
  ports: sortBy(w.ports, (p) => [p.port, p.protocol, p.name]),
  volumes: sortBy(w.volumes, (v) => v.name),
  files: sortBy(w.files, (f) => f.path),
  imagePullSecrets: [...w.imagePullSecrets].sort(),
  ...(w.kubeApi ? { kubeApi: { rules: sortBy(w.kubeApi.rules, (r) => JSON.stringify(r)), clusterRules: sortBy(w.kubeApi.clusterRules, (r) => JSON.stringify(r)) } } : {}),
});

const flow = (f: Flow): Flow => ({
  ...f,
  ports: sortBy(f.ports, (s) => JSON.stringify(s)),
  ...(f.http ? { http: sortBy(f.http, (r) => JSON.stringify([r.method ?? '', r.path ?? '', r.host ?? ''])) } : {}),
});

const egress = (e: Egress): Egress => ({ ...e, ports: sortBy(e.ports, (s) => JSON.stringify(s)) });

const gateway = (g: Gateway): Gateway => ({ ...g, listeners: sortBy(g.listeners, (l) => l.name) });

const route = (r: Route): Route => ({
  ...r,
  hostnames: [...r.hostnames].sort(),
  rules: sortBy(r.rules, ruleKey).map((rule) => ({ ...rule, backends: sortBy(rule.backends, (b) => [b.tenant, b.workload, b.port]) })),
});

/** Rules by what they match; the checker refuses two rules of a route with the same match. */
const ruleKey = (r: RouteRule): string => JSON.stringify([r.path.type, r.path.value, r.headers]);

/** Everything a flow says except where it was said: equal keys are equal flows (description included). */
const flowKey = (f: Flow): string => JSON.stringify([f.from, f.to, f.ports, f.http ?? null, f.description ?? null]);

const egressKey = (e: Egress): string => JSON.stringify([e.from, e.to, e.ports, e.description ?? null]);

type Key = string | ReadonlyArray<string | number>;

/** Sorts by a key computed once per item: a string, or a tuple compared element by element (numbers as numbers). */
function sortBy<T>(items: readonly T[], key: (item: T) => Key): T[] {
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((x) => x.item);
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'string' || typeof b === 'string') return compare(String(a), String(b));
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = compare(a[i], b[i]);
    if (d) return d;
  }
  return a.length - b.length;
}

const compare = <T extends string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);
