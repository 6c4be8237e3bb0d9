/**
 * Proves that rendered manifests do what the intents say. The analyzer computes, from the manifests
 * alone, who can reach whom; this compares it with the expectation: every declared flow open on
 * exactly its ports, nothing else open between managed workloads, external egress exactly as
 * declared, and no connection across a guardrail.
 */
import {
  Connection,
  Connectivity,
  PolicyMapEstimate,
  PortMap,
  Protocol,
  RouteAnalysis,
  SourcedObject,
  analyze,
  analyzeRoutes,
  denyCoverage,
  estimatePolicyMap,
  explain,
  externalDestination,
  formatPolicyRef,
  formatPorts,
  isEmptyPorts,
  portsEqual,
  subtractPorts,
} from '../analysis';
import { formatLocation } from '../model/source-location';
import { ClusterPlatform, Guardrail, HttpRule, Tenant, selectsTenant, tenantsSelected } from '../model/platform';
import { ApiAccess, checkAccess } from './access';
import { CLUSTER_DNS_ID, CLUSTER_DNS_OBJECTS, DNS_ALLOWED } from './cluster-dns';
import { Expectation, describeFlow, expectedConnectivity, externalKey, httpPortKey, httpRuleKey, pairKey } from './expected';

export interface Finding {
  readonly kind: 'missing' | 'unexpected' | 'guardrail' | 'workloads' | 'external' | 'http' | 'dns' | 'policy-map' | 'route' | 'probe' | 'access';
  readonly message: string;
}

export interface GuardrailStatus {
  readonly guardrail: Guardrail;
  readonly holds: boolean;
  /** Connections that cross it. */
  readonly violations: string[];
}

export interface Verification {
  readonly cluster: string;
  readonly connectivity: Connectivity;
  readonly expectation: Expectation;
  readonly findings: Finding[];
  readonly guardrails: GuardrailStatus[];
  /** Cilium clusters only. */
  readonly policyMap?: PolicyMapBudget;
  /** Clusters with gateways: routes as the analyzer reads them. */
  readonly routes?: RouteAnalysis;
  /** Workloads whose pods mount a ServiceAccount token, with what RBAC grants them (./access.ts). */
  readonly access: readonly ApiAccess[];
}

export class VerificationError extends Error {
  constructor(public readonly results: Verification[]) {
    const lines = results
      .filter((r) => r.findings.length)
      .flatMap((r) => [
        `verification of cluster ${r.cluster} failed: the rendered manifests do not do what the intents say (${r.findings.length} finding(s))`,
        ...r.findings.map((f) => `  - ${f.message}`),
      ]);
    super(lines.join('\n'));
    this.name = 'VerificationError';
  }
}

export function verifyCluster(platform: ClusterPlatform, rendered: readonly SourcedObject[]): Verification {
  // The analyzer sees the cluster's DNS server too, so that DNS is judged like every other connection;
  // the connectivity handed on (to the report) is that of the rendered workloads alone.
  const objects = [...rendered, ...CLUSTER_DNS_OBJECTS];
  const { connectivity, dns } = withoutClusterDns(analyze(objects));
  const expectation = expectedConnectivity(platform);
  const findings: Finding[] = [...checkDns(expectation, dns)];
  const why = (from: string, to: string, ports: PortMap) => culprit(objects, from, to, ports);

  const found = new Set(connectivity.workloads.map((w) => w.id));
  for (const id of expectation.workloads.keys()) if (!found.has(id)) findings.push({ kind: 'workloads', message: `workload ${id} is declared but not rendered` });
  for (const id of found) if (!expectation.workloads.has(id)) findings.push({ kind: 'workloads', message: `workload ${id} is rendered but not declared` });
  // Kinds, ServiceAccounts, tokens and RBAC: exactly as declared.
  const { access, findings: accessFindings } = checkAccess(platform, rendered, connectivity.workloads);
  findings.push(...accessFindings);

  const seen = new Set<string>();
  // A workload's replicas to each other are judged like any pair: open exactly where a flow says so.
  for (const c of judgedPairs(connectivity)) {
    const key = pairKey(c.from, c.to);
    seen.add(key);
    const want = expectation.pairs.get(key);
    if (!want) {
      findings.push({ kind: 'unexpected', message: `${c.from} -> ${c.to}: no flow declares it, but it is open on ${formatPorts(c.ports)} (${why(c.from, c.to, c.ports)})` });
      continue;
    }
    if (portsEqual(want.ports, c.ports)) continue;
    const extra = subtractPorts(c.ports, want.ports);
    const missing = subtractPorts(want.ports, c.ports);
    const flows = want.flows.map((f) => `${describeFlow(f)} at ${formatLocation(f.origin)}`).join('; ');
    if (!isEmptyPorts(extra)) findings.push({ kind: 'unexpected', message: `${c.from} -> ${c.to}: expected ${formatPorts(want.ports)} (${flows}), but it is also open on ${formatPorts(extra)} (${why(c.from, c.to, extra)})` });
    if (!isEmptyPorts(missing)) findings.push({ kind: 'missing', message: `${c.from} -> ${c.to}: expected ${formatPorts(want.ports)} (${flows}), but it is blocked on ${formatPorts(missing)} (${why(c.from, c.to, missing)})` });
  }
  for (const [key, want] of expectation.pairs) {
    if (seen.has(key)) continue;
    const flows = want.flows.map((f) => `${describeFlow(f)} at ${formatLocation(f.origin)}`).join('; ');
    findings.push({ kind: 'missing', message: `${want.from} -> ${want.to}: expected ${formatPorts(want.ports)} (${flows}), but nothing is open (${why(want.from, want.to, want.ports)})` });
  }

  findings.push(...checkExternal(connectivity, expectation));
  const routes = platform.routes.length || platform.gateways.length ? withoutClusterDnsExposure(analyzeRoutes(objects)) : undefined;
  if (routes) findings.push(...checkRoutes(platform, routes, expectation));
  if (platform.cluster.cni === 'cilium') findings.push(...checkHttp(connectivity, expectation));

  const guardrails = checkGuardrails(platform, connectivity);
  for (const g of guardrails)
    for (const v of g.violations) findings.push({ kind: 'guardrail', message: `${v} crosses guardrail "${g.guardrail.name}" (${formatLocation(g.guardrail.origin)})` });
  if (platform.cluster.cni === 'cilium') {
    for (const v of tamperedGuardrails(platform, objects))
      findings.push({ kind: 'guardrail', message: `guardrail "${v.guardrail.name}" (${formatLocation(v.guardrail.origin)}) does not survive a tenant's own allow-all policies: no deny rule closes ${v.violations.join(', ')}` });
  }
  const policyMap = platform.cluster.cilium ? policyMapBudget(objects, platform.cluster.cilium.policyMapMax) : undefined;
  for (const e of policyMap?.over ?? [])
    findings.push({ kind: 'policy-map', message: `${e.workload} needs about ${e.total} Cilium policy-map entries, over bpf.policyMapMax ${policyMap!.max} (${formatLocation(platform.cluster.origin)}); an overflowing map drops allowed traffic. Narrow its flows (a tenant-wide peer or a wide CIDR costs one entry per identity), or raise cilium.policyMapMax` });

  return { cluster: platform.cluster.name, connectivity, expectation, findings, guardrails, policyMap, routes, access };
}

/** Splits the cluster's DNS server off the analyzed connectivity: its connections, and the rest. */
function withoutClusterDns(all: Connectivity): { connectivity: Connectivity; dns: Connectivity['connections'] } {
  const isDns = (id: string) => id === CLUSTER_DNS_ID;
  return {
    connectivity: {
      workloads: all.workloads.filter((w) => !isDns(w.id)),
      connections: all.connections.filter((c) => !isDns(c.from) && !isDns(c.to)),
      external: all.external.filter((x) => !isDns(x.workload)),
      ...(all.replicas ? { replicas: all.replicas.filter((c) => !isDns(c.from)) } : {}),
    },
    dns: all.connections.filter((c) => isDns(c.from) || isDns(c.to)),
  };
}

/** The cluster's DNS server, not isolated, is open to the gateway's proxy as to everything: not a workload of the platform. */
function withoutClusterDnsExposure(routes: RouteAnalysis): RouteAnalysis {
  return { ...routes, exposed: routes.exposed.filter((e) => e.workload !== CLUSTER_DNS_ID) };
}

/** Every workload reaches the cluster's DNS on exactly 53/UDP and 53/TCP, and DNS reaches no workload. */
function checkDns(expectation: Expectation, dns: Connectivity['connections']): Finding[] {
  const findings: Finding[] = [];
  const reached = new Map(dns.filter((c) => c.to === CLUSTER_DNS_ID).map((c) => [c.from, c.ports]));
  for (const id of expectation.workloads.keys()) {
    const ports = reached.get(id) ?? {};
    const extra = subtractPorts(ports, DNS_ALLOWED);
    const missing = subtractPorts(DNS_ALLOWED, ports);
    if (!isEmptyPorts(extra)) findings.push({ kind: 'dns', message: `${id} -> kube-dns (${CLUSTER_DNS_ID}): DNS needs only ${formatPorts(DNS_ALLOWED)}, but it is also open on ${formatPorts(extra)}` });
    if (!isEmptyPorts(missing)) findings.push({ kind: 'dns', message: `${id} -> kube-dns (${CLUSTER_DNS_ID}): DNS is blocked on ${formatPorts(missing)}, so name resolution fails` });
  }
  for (const c of dns.filter((x) => x.from === CLUSTER_DNS_ID))
    findings.push({ kind: 'dns', message: `${c.from} -> ${c.to}: the cluster's DNS server reaches a workload on ${formatPorts(c.ports)}; no intent allows that` });
  return findings;
}

function judgedPairs(connectivity: Connectivity): Connection[] {
  return [...connectivity.connections, ...(connectivity.replicas ?? [])];
}

export function checkGuardrails(platform: ClusterPlatform, connectivity: Connectivity): GuardrailStatus[] {
  const tenants = new Map<string, Tenant>(platform.tenants.map((t) => [t.name, t]));
  const tenantOf = (id: string) => tenants.get(id.slice(0, id.indexOf('/')));
  return platform.guardrails.map((g) => {
    const violations: string[] = [];
    for (const c of connectivity.connections) {
      const src = tenantOf(c.from);
      const dst = tenantOf(c.to);
      if (!src || !dst) continue;
      const forward = selectsTenant(g.from, src) && selectsTenant(g.to, dst);
      const backward = g.bidirectional && selectsTenant(g.from, dst) && selectsTenant(g.to, src);
      if (forward || backward) violations.push(`${c.from} -> ${c.to} (${formatPorts(c.ports)})`);
    }
    return { guardrail: g, holds: violations.length === 0, violations };
  });
}

/** External traffic: only egress, and exactly the declared destinations on exactly their ports. */
function checkExternal(connectivity: Connectivity, expectation: Expectation): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const x of connectivity.external) {
    // Traffic from the gateway's proxy (Cilium's `ingress` identity) is judged against the routes (checkRoutes).
    if (x.direction === 'ingress' && x.kind === 'entity' && x.entity === 'ingress') continue;
    const { value, except } = externalDestination(x);
    const label = `${value}${except.length ? ` except ${except.join(', ')}` : ''}`;
    if (x.direction === 'ingress') {
      findings.push({ kind: 'external', message: `${x.workload} accepts traffic from outside the cluster (${label}) on ${formatPorts(x.ports)}; no intent allows that` });
      continue;
    }
    const key = externalKey(x.workload, x.kind, value, except);
    seen.add(key);
    const want = expectation.external.get(key);
    if (!want || !portsEqual(want.ports, x.ports))
      findings.push({ kind: 'external', message: `${x.workload} -> ${label}: expected ${want ? formatPorts(want.ports) : 'nothing'}, found ${formatPorts(x.ports)}` });
  }
  for (const [key, want] of expectation.external)
    if (!seen.has(key))
      findings.push({ kind: 'external', message: `${want.workload} -> ${want.value}${want.except.length ? ` except ${want.except.join(', ')}` : ''}: expected ${formatPorts(want.ports)}, found nothing open` });
  return findings;
}

/**
 * Routes, as the analyzer reads them from the manifests: every declared route attached to its gateway,
 * every backend resolved (a cross-namespace one through a ReferenceGrant) and reachable by the
 * gateway's proxy on its port; no workload open to the proxy where no route sends traffic, and no
 * ReferenceGrant that no route uses.
 */
function checkRoutes(platform: ClusterPlatform, found: RouteAnalysis, expectation: Expectation): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map(found.routes.map((r) => [r.route, r]));
  for (const r of platform.routes) {
    const id = `${r.tenant}/${r.name}`;
    const where = formatLocation(r.origin);
    const info = byId.get(id);
    if (!info) {
      findings.push({ kind: 'route', message: `route ${id} (${where}) is declared but no HTTPRoute renders it` });
      continue;
    }
    for (const p of info.parents.filter((x) => !x.accepted))
      findings.push({ kind: 'route', message: `route ${id} (${where}) is not accepted by ${p.gateway}${p.listener ? ` listener ${p.listener}` : ''}: ${p.reason ?? 'unknown reason'}` });
    for (const rule of info.rules)
      for (const b of rule.backends) {
        if (!b.resolved) findings.push({ kind: 'route', message: `route ${id} (${where}) rule ${rule.index}: backend ${b.service}:${b.port} is unresolved (${b.reason ?? 'unknown'}); that share of traffic gets HTTP 500` });
        for (const w of b.workloads.filter((x) => !x.reachable))
          findings.push({ kind: 'route', message: `route ${id} (${where}) rule ${rule.index}: the gateway's proxy cannot reach ${w.id} on TCP ${w.targetPort} (no policy admits Cilium's ingress identity there)` });
        if (b.resolved && !b.workloads.length) findings.push({ kind: 'route', message: `route ${id} (${where}) rule ${rule.index}: Service ${b.service} selects no workload` });
      }
  }
  const exposed = new Map(found.exposed.map((e) => [e.workload, e.ports]));
  for (const [workload, ports] of exposed) {
    const extra = subtractPorts(ports, expectation.gatewayExposure.get(workload) ?? {});
    if (!isEmptyPorts(extra)) findings.push({ kind: 'route', message: `${workload} accepts the gateway's traffic on ${formatPorts(extra)}, but no route sends it there` });
  }
  for (const g of found.unusedGrants) findings.push({ kind: 'route', message: `ReferenceGrant ${g.namespace}/${g.name} lets other namespaces' routes in, but no route uses it` });
  return findings;
}

/**
 * HTTP rules: where flows restrict requests, the analyzer must find the port restricted at the
 * destination to exactly those requests. An L4 rule opening the same port would let every request
 * through (Cilium wildcards L7 for that peer), which is the mistake this catches.
 */
function checkHttp(connectivity: Connectivity, expectation: Expectation): Finding[] {
  const findings: Finding[] = [];
  const byPair = new Map(judgedPairs(connectivity).map((c) => [pairKey(c.from, c.to), c]));
  for (const [key, want] of expectation.pairs) {
    const found = new Map<string, string>();
    for (const l7 of byPair.get(key)?.l7 ?? []) {
      if (l7.direction !== 'ingress') continue;
      const rules = l7.http.map((r) => httpRuleKey(r)).sort().join(' ');
      for (const [protocol, ranges] of Object.entries(l7.ports))
        for (const [lo, hi] of ranges!) for (let port = lo; port <= Math.min(hi, lo + 1024); port++) found.set(httpPortKey(protocol, port), rules);
    }
    for (const [port, rules] of want.http) {
      const expected = rules.map(httpRuleKey).sort().join(' ');
      const got = found.get(port);
      const flows = want.flows.filter((f) => f.http).map((f) => `${describeFlow(f)} at ${formatLocation(f.origin)}`).join('; ');
      if (got === undefined)
        findings.push({ kind: 'http', message: `${want.from} -> ${want.to} ${port}: expected only ${describeHttp(rules)} (${flows}), but every request passes` });
      else if (got !== expected)
        findings.push({ kind: 'http', message: `${want.from} -> ${want.to} ${port}: expected only ${describeHttp(rules)} (${flows}), but the policies admit ${got}` });
    }
    for (const port of found.keys())
      if (!want.http.has(port)) findings.push({ kind: 'http', message: `${want.from} -> ${want.to} ${port}: no flow restricts HTTP there, but the policies do (${found.get(port)})` });
  }
  return findings;
}

const describeHttp = (rules: readonly HttpRule[]) => rules.map((r) => [r.method ?? '*', r.path ?? '/*', r.host ? `host ${r.host}` : ''].filter(Boolean).join(' ')).join(', ');

/**
 * Would the guardrails hold if tenants wrote their own allow-everything policies? Only deny rules can
 * keep a path closed then, so each pair across a guardrail must be denied on every port by deny rules
 * alone (at the source's egress or the destination's ingress). That is what a guardrail tenants cannot
 * override means, and it is checked pair by pair without building the connectivity of a cluster where
 * everything is allowed.
 */
function tamperedGuardrails(platform: ClusterPlatform, objects: readonly SourcedObject[]): GuardrailStatus[] {
  if (!platform.guardrails.length) return [];
  const denies = denyCoverage(objects);
  const workloadsOf = (names: string[]) => platform.tenants.filter((t) => names.includes(t.name)).flatMap((t) => t.workloads.map((w) => w.id));
  const out: GuardrailStatus[] = [];
  for (const g of platform.guardrails) {
    const from = workloadsOf(tenantsSelected(g.from, platform.tenants));
    const to = workloadsOf(tenantsSelected(g.to, platform.tenants));
    // Whole blocks at once: a deny rule covering every target (or source) closes a row without visiting its pairs.
    const blocks = [denies.deniesEverythingBetween(from, to, MAX_LISTED)];
    if (g.bidirectional) blocks.push(denies.deniesEverythingBetween(to, from, MAX_LISTED));
    const count = blocks.reduce((n, b) => n + b.openCount, 0);
    if (count) {
      const shown = blocks.flatMap((b) => b.open.map((p) => `${p.from} -> ${p.to}`)).slice(0, MAX_LISTED);
      out.push({ guardrail: g, holds: false, violations: count > shown.length ? [...shown, `and ${count - shown.length} more`] : shown });
    }
  }
  return out;
}

const MAX_LISTED = 5;

export interface PolicyMapBudget {
  readonly max: number;
  /** Per workload, sorted by id. */
  readonly estimates: readonly PolicyMapEstimate[];
  /** Past half the limit (reported as warnings). */
  readonly warn: readonly PolicyMapEstimate[];
  /** Past the limit (synth fails). */
  readonly over: readonly PolicyMapEstimate[];
}

function policyMapBudget(objects: readonly SourcedObject[], max: number): PolicyMapBudget {
  const estimates = estimatePolicyMap(objects).filter((e) => e.workload !== CLUSTER_DNS_ID);
  return { max, estimates, warn: estimates.filter((e) => e.total > max / 2 && e.total <= max), over: estimates.filter((e) => e.total > max) };
}

/** Names the rules that allow (or the policies that block) one port of `ports`, for the message. */
function culprit(objects: readonly SourcedObject[], from: string, to: string, ports: PortMap): string {
  const protocol = (Object.keys(ports) as Protocol[])[0];
  const port = protocol ? ports[protocol]![0][0] : 0;
  if (!protocol) return 'no port';
  const e = explain(objects, { from, to, port, protocol });
  if (e.allowed) {
    const rules = [...e.egress.allowedBy, ...e.ingress.allowedBy].map((r) => `${formatPolicyRef(r.policy)} rule ${r.ruleIndex}`);
    const open = [e.egress, e.ingress].filter((s) => !s.isolated).map((s) => `${s.workload} ${s.direction} not isolated`);
    return `allowed by ${[...rules, ...open].join(' and ')}`;
  }
  const blocked = [e.egress, e.ingress].filter((s) => !s.allowed).map((s) => `${s.direction} of ${s.workload}: isolated by ${s.isolatedBy.map(formatPolicyRef).join(', ')} with no rule for ${protocol} ${port}`);
  return blocked.join('; ');
}
