/**
 * Semantic checks of gateways and routes (what the schema cannot say): references to gateways,
 * listeners, tenants, workloads and ports; weights; hostnames; one owner per hostname and path on a
 * gateway; gateways only where Cilium implements them. Problems are reported through the checker's
 * `fail`, with positions, like every other intent error.
 */
import { Cluster, GATEWAY_NAMESPACE, Gateway, Listener, Route, RouteBackend, RouteRule, Tenant } from '../model/platform';
import { FieldPath, SourceLocation, formatLocation } from './diagnostics';
import { checkListeners } from './listener-rules';
import { didYouMean, duplicateNames } from './names';
import { GatewaySpec, PlatformSpec, RouteSpec } from './types';

export interface RouteCheckContext {
  fail(path: FieldPath, message: string, hint?: string, key?: boolean): void;
  locate(path: FieldPath): SourceLocation;
  readonly tenants: ReadonlyMap<string, Tenant>;
  readonly clusters: readonly Cluster[];
}

/** Gateway API limits (v1.3.0 CRDs): at most 16 rules per route and 16 backends per rule. */
const MAX_RULES = 16;
const MAX_BACKENDS = 16;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkGatewaysAndRoutes(spec: PlatformSpec, ctx: RouteCheckContext): { gateways: Gateway[]; routes: Route[] } {
  const gatewaySpecs = spec.gateways ?? [];
  const routeSpecs = spec.routes ?? [];
  if (ctx.tenants.has(GATEWAY_NAMESPACE))
    ctx.fail(['tenants'], `a tenant is named "${GATEWAY_NAMESPACE}", the namespace bulkhead keeps for gateways`, 'rename the tenant.');
  duplicates(gatewaySpecs, ['gateways'], 'gateway', ctx);
  duplicates(routeSpecs, ['routes'], 'route', ctx);

  const routesByGateway = new Map<string, string[]>();
  for (const r of routeSpecs) {
    const tenants = routesByGateway.get(r.gateway);
    if (tenants) tenants.push(r.tenant);
    else routesByGateway.set(r.gateway, [r.tenant]);
  }
  const gateways = gatewaySpecs.map((g, i) => gateway(g, ['gateways', i], routesByGateway.get(g.name) ?? [], ctx));
  const byName = new Map(gateways.map((g) => [g.name, g]));
  const paths = new Map<Route, FieldPath>();
  routeSpecs.forEach((r, i) => {
    const checked = route(r, ['routes', i], byName, ctx);
    if (checked) paths.set(checked, ['routes', i]);
  });
  const routes = [...paths.keys()];
  claims(paths, byName, ctx);
  return { gateways, routes };
}

function gateway(g: GatewaySpec, path: FieldPath, routeTenants: string[], ctx: RouteCheckContext): Gateway {
  const clusterNames = ctx.clusters.map((c) => c.name);
  const clusters = g.clusters ?? clusterNames;
  clusters.forEach((c, i) => {
    const cluster = ctx.clusters.find((x) => x.name === c);
    if (!cluster) ctx.fail([...path, 'clusters', i], `no cluster named "${c}"`, didYouMean(c, clusterNames));
    else if (cluster.cni !== 'cilium')
      ctx.fail([...path, 'clusters', i], `cluster "${c}" uses cni: ${cluster.cni}; bulkhead's gateways use Cilium's Gateway API implementation (class cilium)`, `use cni: cilium on "${c}", or leave it out of clusters.`);
  });
  if (!g.clusters) for (const c of ctx.clusters.filter((x) => x.cni !== 'cilium'))
    ctx.fail(path, `gateway "${g.name}" would exist on cluster "${c.name}", which uses cni: ${c.cni}; bulkhead's gateways use Cilium (class cilium)`, `list the Cilium clusters under clusters:, or use cni: cilium on "${c.name}".`);
  duplicates(g.listeners, [...path, 'listeners'], `listener (in gateway ${g.name})`, ctx);
  checkListeners(g, path, ctx);
  const listeners: Listener[] = g.listeners.map((l, i) => {
    const lp: FieldPath = [...path, 'listeners', i];
    if (l.protocol === 'HTTPS' && !l.tls) ctx.fail(lp, `HTTPS listener "${l.name}" needs a certificate`, 'add tls: { certificate: <Secret name in the bulkhead-gateways namespace> }.');
    if (l.protocol === 'HTTP' && l.tls) ctx.fail([...lp, 'tls'], `HTTP listener "${l.name}" does not terminate TLS`, 'remove tls, or use protocol: HTTPS.', true);
    if (l.hostname !== undefined) hostname(l.hostname, [...lp, 'hostname'], ctx);
    return { name: l.name, protocol: l.protocol, port: l.port, ...(l.hostname ? { hostname: l.hostname } : {}), ...(l.tls ? { certificate: l.tls.certificate } : {}) };
  });
  (g.tenants ?? []).forEach((t, i) => {
    if (!ctx.tenants.has(t)) ctx.fail([...path, 'tenants', i], `no tenant named "${t}"`, didYouMean(t, [...ctx.tenants.keys()]));
  });
  const tenants = [...new Set(g.tenants ?? routeTenants.filter((t) => ctx.tenants.has(t)))].sort();
  return { name: g.name, clusters: [...clusters].sort(), listeners, tenants, origin: ctx.locate(path) };
}

function route(r: RouteSpec, path: FieldPath, gateways: Map<string, Gateway>, ctx: RouteCheckContext): Route | undefined {
  let ok = true;
  const fail = (...args: Parameters<RouteCheckContext['fail']>) => {
    ok = false;
    ctx.fail(...args);
  };
  if (!ctx.tenants.has(r.tenant)) fail([...path, 'tenant'], `no tenant named "${r.tenant}"`, didYouMean(r.tenant, [...ctx.tenants.keys()]));
  const g = gateways.get(r.gateway);
  if (!g) fail([...path, 'gateway'], `no gateway named "${r.gateway}"`, didYouMean(r.gateway, [...gateways.keys()]));
  else {
    if (r.listener !== undefined && !g.listeners.some((l) => l.name === r.listener))
      fail([...path, 'listener'], `gateway "${g.name}" has no listener "${r.listener}"`, didYouMean(r.listener, g.listeners.map((l) => l.name)));
    if (ctx.tenants.has(r.tenant) && !g.tenants.includes(r.tenant))
      fail([...path, 'tenant'], `gateway "${g.name}" (${formatLocation(g.origin)}) does not admit routes from tenant "${r.tenant}"`, `add ${r.tenant} to the gateway's tenants, or use another gateway.`);
  }
  r.hostnames.forEach((h, i) => {
    if (!hostname(h, [...path, 'hostnames', i], ctx)) ok = false;
    else if (r.hostnames.indexOf(h) < i) fail([...path, 'hostnames', i], `hostname ${h} is listed twice`, 'list each hostname once.');
  });
  if (r.rules.length > MAX_RULES) fail([...path, 'rules'], `${r.rules.length} rules, at most ${MAX_RULES}`, 'split the route in two.');
  const rules: RouteRule[] = r.rules.map((rule, i) => {
    const rp: FieldPath = [...path, 'rules', i];
    if (rule.backends.length > MAX_BACKENDS) fail([...rp, 'backends'], `${rule.backends.length} backends, at most ${MAX_BACKENDS}`, 'split the rule by path or header.');
    const backends: RouteBackend[] = [];
    rule.backends.forEach((b, j) => {
      const backend = routeBackend(b, [...rp, 'backends', j], ctx);
      const twin = backend && backends.find((x) => x.tenant === backend.tenant && x.workload === backend.workload && x.port === backend.port);
      // Two entries for one Service port would make the rendered order (and Argo CD's view of it) matter.
      if (twin) fail([...rp, 'backends', j], `backend ${b.to} port ${backend.port} is listed twice in this rule`, `give it one entry, with the weights added up (${twin.weight} + ${backend.weight}).`);
      else if (backend) backends.push(backend);
      else ok = false;
    });
    if (rule.backends.length && rule.backends.every((b) => (b.weight ?? 1) === 0))
      fail([...rp, 'backends'], 'every backend has weight 0, so the rule sends all its traffic nowhere (HTTP 500)', 'give at least one backend a positive weight.', true);
    const p = typeof rule.path === 'string' ? { type: 'PathPrefix' as const, value: rule.path } : { type: rule.path?.type ?? ('PathPrefix' as const), value: rule.path?.value ?? '/' };
    const headers = Object.keys(rule.headers ?? {})
      .sort()
      .map((name) => ({ name, value: rule.headers![name] }));
    return { path: p, headers, backends, origin: ctx.locate(rp) };
  });
  // Two rules with the same match: Gateway API gives the traffic to the first in list order, so the
  // order of platform.yaml would decide, and the other rule would never be used.
  rules.forEach((rule, i) => {
    const first = rules.findIndex((x) => sameMatch(x, rule));
    if (first < i)
      fail(
        [...path, 'rules', i],
        `this rule matches the same requests (${rule.path.type} ${rule.path.value}${rule.headers.length ? ' with the same headers' : ''}) as the rule at ${formatLocation(rules[first].origin)}; only the first in list order would get traffic`,
        'merge their backends into one rule, or change the path or headers of one.',
      );
  });
  if (!ok) return undefined;
  return { name: r.name, tenant: r.tenant, gateway: r.gateway, ...(r.listener ? { listener: r.listener } : {}), hostnames: [...r.hostnames], rules, origin: ctx.locate(path) };
}

function routeBackend(b: RouteSpecBackend, path: FieldPath, ctx: RouteCheckContext): RouteBackend | undefined {
  const [tenantName, workloadName] = b.to.split('/');
  const tenant = ctx.tenants.get(tenantName);
  const workload = tenant?.workloads.find((w) => w.name === workloadName);
  if (!workloadName || !workload) {
    const all = [...ctx.tenants.values()].flatMap((t) => t.workloads.map((w) => w.id));
    ctx.fail([...path, 'to'], `no workload "${b.to}"`, `a backend is tenant/workload; ${didYouMean(b.to, all)}`);
    return undefined;
  }
  // A gateway speaks HTTP, so a backend port is a TCP port: by number, the TCP port of that number
  // (the same number may also be declared for UDP, in any order); by name, the port of that name.
  const port = workload.ports.find((p) => p.protocol === 'TCP' && (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
  if (!port) {
    const names = workload.ports.filter((p) => p.protocol === 'TCP').map((p) => `${p.name} (${p.port})`);
    const other = workload.ports.filter((p) => p.port === b.port || p.name === b.port).map((p) => `${p.name} is ${p.protocol} ${p.port}`);
    ctx.fail(
      [...path, 'port'],
      `${b.to} has no TCP port ${JSON.stringify(b.port)}${other.length ? ` (${other.join(', ')}; a gateway sends HTTP over TCP)` : ''}`,
      names.length ? `TCP ports there: ${names.join(', ')}.` : `${b.to} declares no TCP port; add one under ports.`,
    );
    return undefined;
  }
  return { tenant: tenantName, workload: workloadName, port: port.port, weight: b.weight ?? 1, origin: ctx.locate(path) };
}

const sameMatch = (a: RouteRule, b: RouteRule): boolean => JSON.stringify([a.path, a.headers]) === JSON.stringify([b.path, b.headers]);

type RouteSpecBackend = RouteSpec['rules'][number]['backends'][number];

function hostname(h: string, path: FieldPath, ctx: RouteCheckContext): boolean {
  if (h.length <= 253 && HOSTNAME.test(h) && !/^\d+(\.\d+){3}$/.test(h)) return true;
  ctx.fail(path, `"${h}" is not a valid hostname`, 'write a DNS name in lowercase, such as portal.example.com or *.example.com (no IP addresses, ports or schemes).');
  return false;
}

/** Two routes may not claim the same hostname, path and headers on one gateway: which one wins is up to the implementation. */
function claims(routes: Map<Route, FieldPath>, gateways: Map<string, Gateway>, ctx: RouteCheckContext): void {
  const seen = new Map<string, Route>();
  // In name order, so that which of two routes is blamed does not depend on the order of platform.yaml.
  const byName = [...routes].sort(([a], [b]) => (`${a.tenant}/${a.name}` < `${b.tenant}/${b.name}` ? -1 : 1));
  for (const [r, path] of byName) {
    if (!gateways.has(r.gateway)) continue;
    for (const [hi, h] of r.hostnames.entries()) {
      for (const rule of r.rules) {
        const key = JSON.stringify([r.gateway, r.listener ?? '*', h, rule.path, rule.headers]);
        const other = seen.get(key);
        if (other && other !== r)
          ctx.fail(
            [...path, 'hostnames', hi],
            `route "${r.name}" claims ${h}${rule.path.value} (${rule.path.type}) on gateway "${r.gateway}", as route "${other.name}" does (${formatLocation(other.origin)})`,
            'give one of them another hostname or path; with both, the gateway picks one and the other silently gets no traffic.',
          );
        else seen.set(key, r);
      }
    }
  }
}

function duplicates<T extends { name: string }>(items: readonly T[], base: FieldPath, what: string, ctx: RouteCheckContext): void {
  for (const d of duplicateNames(items)) ctx.fail([...base, d.index, 'name'], `duplicate ${what} name "${d.name}"`, `rename one; the first is at ${formatLocation(ctx.locate([...base, d.first, 'name']))}.`);
}
