/**
 * Gateway API (v1.3.0 standard channel) routes read as plain manifests: which HTTPRoutes attach to which
 * Gateway listeners, which Services and workloads their backendRefs reach (ReferenceGrants for other
 * namespaces), and whether the workloads' policies let the gateway's traffic in.
 *
 * Under Cilium the gateway is Envoy, and its traffic to backends carries the reserved `ingress` identity, so a
 * backend is reachable on a port when its ingress side admits that identity there: the side is not isolated,
 * or an allow rule without peers (`all`, L4-only), with the `ingress` entity, or with the `cluster` entity
 * (which contains it) opens the port, and no deny rule for the same peers closes it. Pod selectors
 * (a NetworkPolicy namespaceSelector on the Gateway's namespace included) and CIDRs (`world`, ipBlock) never
 * match it (cilium#36509). This reads the compiled policies (the contract in policy.ts), not the engine.
 */
import { Cluster, NAME_LABEL, Workload, compareStrings, get, groupOf, str } from './cluster';
import { AnalysisInputError, SourceLocation, formatLocation } from './errors';
import { Inventory, buildInventory, expandLists } from './inventory';
import type { SourcedObject } from './load';
import type { Peer, PortSpec, SourcedManifest } from './policy';
import { MAX_PORT, MIN_PORT, PortMap, Protocol, allPorts, isEmptyPorts, isProtocol, normalizeRanges, portsContain, subtractPorts, unionPorts } from './ports';
import { Labels, Selector, isRecord, makeSelector, matchesSelector, parseSelector } from './selectors';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Limits of the v1.3.0 CRDs the API server enforces; a manifest past them could never be applied. */
export const ROUTE_LIMITS = { parentRefs: 32, hostnames: 16, rules: 16, backendRefs: 16, matchesPerRule: 64, matchesPerRoute: 128, listeners: 64, weight: 1_000_000 } as const;

export interface RouteAnalysis {
  /** Every HTTPRoute, sorted by `route`. */
  routes: RouteInfo[];
  /** Every workload whose ingress admits the `ingress` identity (the gateway's Envoy), routed to or not; by id. */
  exposed: ExposedWorkload[];
  /** ReferenceGrants nothing in the input uses; by namespace, name. */
  unusedGrants: UnusedGrant[];
}

export interface RouteInfo {
  /** `namespace/name`. */
  route: string;
  source: SourceLocation;
  /** `spec.hostnames` as written, deduplicated and sorted. */
  hostnames: string[];
  parents: RouteParent[];
  rules: RouteRule[];
}

/**
 * One per (parentRef, listener it names): `listener` absent when no listener was looked at (the Gateway does
 * not exist, the parentRef is not a Gateway, or no listener has the sectionName/port). Sorted by gateway,
 * listener. `reason` (only when not accepted) is a Gateway API condition reason: NoMatchingParent,
 * NotAllowedByListeners, NoMatchingListenerHostname, UnsupportedValue.
 */
export interface RouteParent {
  gateway: string;
  listener?: string;
  accepted: boolean;
  reason?: string;
}

export interface RouteRule {
  /** Position in `spec.rules` (a route without rules has the default rule 0). */
  index: number;
  /** As written, with the CRD defaults filled in (no matches = PathPrefix `/`; path, header and query types). */
  matches: unknown[];
  /** In the order written. */
  backends: BackendInfo[];
}

export interface BackendInfo {
  /** `namespace/name` of the referenced Service (or other kind's object). */
  service: string;
  port: number;
  /** 0..1000000, default 1: the share of the rule's traffic is weight / sum of the rule's weights. */
  weight: number;
  crossNamespace: boolean;
  /**
   * The reference resolves to a Service port the gateway can send to. When false, `reason` says why
   * (RefNotPermitted, BackendNotFound, InvalidKind) and that share of the traffic gets HTTP 500.
   */
  resolved: boolean;
  reason?: string;
  /** `namespace/name` of the ReferenceGrant that permits a cross-namespace reference (first by name). */
  grant?: string;
  /** Workloads the Service selects that serve the port (sorted by id); reachable = their policy admits the gateway. */
  workloads: BackendWorkload[];
}

export interface BackendWorkload {
  id: string;
  /** The container port the Service port targets on this workload. */
  targetPort: number;
  reachable: boolean;
}

export interface ExposedWorkload {
  workload: string;
  ports: PortMap;
}

export interface UnusedGrant {
  namespace: string;
  name: string;
  source: SourceLocation;
}

/** Routes, their backends and the workloads the Cilium gateway may reach, from the same objects `analyze` reads. */
export function analyzeRoutes(objects: readonly SourcedObject[]): RouteAnalysis {
  const inventory = buildInventory(objects);
  const input = readGatewayObjects(objects);
  const exposure = gatewayExposure(inventory);
  const ctx: Ctx = { cluster: inventory.cluster, input, exposure, usedGrants: new Set() };

  for (const gw of input.gateways.values()) for (const ref of gw.certificateRefs) grantsFor(ctx, ref, gw.namespace, 'Gateway');
  const routes = [...input.routes.values()].sort((a, b) => compareStrings(a.id, b.id)).map((r) => routeInfo(ctx, r));

  const unusedGrants = [...input.grants.values()]
    .filter((g) => !ctx.usedGrants.has(g.id) && g.from.every((f) => f.group === GATEWAY_GROUP && (f.kind === 'HTTPRoute' || f.kind === 'Gateway')))
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name))
    .map((g) => ({ namespace: g.namespace, name: g.name, source: g.source }));

  const exposed = inventory.cluster.workloads
    .filter((w) => !isEmptyPorts(exposure[w.index]))
    .sort((a, b) => compareStrings(a.id, b.id))
    .map((w) => ({ workload: w.id, ports: exposure[w.index] }));
  return { routes, exposed, unusedGrants };
}

// ---------------------------------------------------------------------------------------------------------
// Reachability from the gateway (the reserved `ingress` identity)

/**
 * Ports each workload's ingress admits from the `ingress` identity (by workload number): everything when no
 * policy isolates its ingress, else the allow rules whose peers include that identity; minus the deny rules
 * whose peers include it. Named ports resolve on the workload.
 */
export function gatewayExposure({ cluster, policies }: Inventory): PortMap[] {
  const n = cluster.workloads.length;
  const isolated = new Uint8Array(n);
  const allow: PortSpec[][] = Array.from({ length: n }, () => []);
  const deny: PortSpec[][] = Array.from({ length: n }, () => []);
  for (const p of policies) {
    if (p.isolates.includes('ingress')) for (const s of p.subjects) isolated[s] = 1;
    for (const rule of p.rules) {
      if (rule.direction !== 'ingress' || !rule.peers.some(admitsGatewayIdentity)) continue;
      for (const s of p.subjects) {
        if (rule.effect === 'allow') allow[s].push(...rule.grants);
        else deny[s].push(rule.ports);
      }
    }
  }
  return cluster.workloads.map((w) => {
    const admitted = isolated[w.index] ? resolveOn(allow[w.index], w) : allPorts();
    return deny[w.index].length > 0 ? subtractPorts(admitted, resolveOn(deny[w.index], w)) : admitted;
  });
}

/** A peer that matches Envoy's reserved `ingress` identity: any peer, the `ingress` entity, or `cluster`. */
function admitsGatewayIdentity(peer: Peer): boolean {
  if (peer.type === 'any') return true;
  return peer.external.some((t) => t.kind === 'entity' && t.entity === 'ingress') || (peer.identities?.includes('entity:ingress') ?? false);
}

function resolveOn(specs: readonly PortSpec[], w: Workload): PortMap {
  let out: PortMap = {};
  for (const spec of specs) {
    out = unionPorts(out, spec.ranges);
    for (const named of spec.named) {
      const hits = w.ports.filter((p) => p.name === named.name && p.protocol === named.protocol);
      if (hits.length > 0) out = unionPorts(out, { [named.protocol]: normalizeRanges(hits.map((h): [number, number] => [h.port, h.port])) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Attachment and backends

interface Ctx {
  cluster: Cluster;
  input: GatewayInput;
  exposure: PortMap[];
  usedGrants: Set<string>;
}

function routeInfo(ctx: Ctx, r: Route): RouteInfo {
  const parents = dedupeParents(r.parentRefs.flatMap((ref) => attach(ctx, r, ref)));
  const attached = parents.some((p) => p.accepted);
  const rules = r.rules.map((rule): RouteRule => {
    const backends = rule.backendRefs.map((ref) => backendInfo(ctx, r, ref, attached));
    // A mirrored request is traffic too: a grant it relies on is in use (mirrors are not listed as backends).
    if (attached) for (const ref of rule.mirrors) grantsFor(ctx, ref, r.namespace, 'HTTPRoute');
    return { index: rule.index, matches: rule.matches, backends };
  });
  return { route: r.id, source: r.source, hostnames: r.hostnames, parents, rules };
}

function attach(ctx: Ctx, r: Route, ref: ParentRef): RouteParent[] {
  const gateway = `${ref.namespace}/${ref.name}`;
  if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') return [{ gateway, accepted: false, reason: 'UnsupportedValue' }];
  const gw = ctx.input.gateways.get(gateway);
  if (!gw) return [{ gateway, accepted: false, reason: 'NoMatchingParent' }];
  const candidates = gw.listeners.filter((l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port));
  if (candidates.length === 0) {
    return [ref.sectionName !== undefined ? { gateway, listener: ref.sectionName, accepted: false, reason: 'NoMatchingParent' } : { gateway, accepted: false, reason: 'NoMatchingParent' }];
  }
  return candidates.map((l): RouteParent => {
    const reason = listenerRejects(ctx, gw, l, r);
    return reason ? { gateway, listener: l.name, accepted: false, reason } : { gateway, listener: l.name, accepted: true };
  });
}

/** Why a listener does not admit the route, or undefined when it does (kinds, then namespaces, then hostnames). */
function listenerRejects(ctx: Ctx, gw: Gateway, l: Listener, r: Route): string | undefined {
  const kinds = l.kinds ?? (l.protocol === 'HTTP' || l.protocol === 'HTTPS' ? [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }] : []);
  // Explicit kinds must also suit the protocol: an HTTPRoute cannot attach to a TCP, UDP or TLS listener.
  if (!(l.protocol === 'HTTP' || l.protocol === 'HTTPS') || !kinds.some((k) => k.group === GATEWAY_GROUP && k.kind === 'HTTPRoute')) return 'NotAllowedByListeners';
  if (l.from === 'Same' && r.namespace !== gw.namespace) return 'NotAllowedByListeners';
  if (l.from === 'Selector') {
    const labels: Labels = ctx.cluster.namespace(r.namespace)?.labels ?? { [NAME_LABEL]: r.namespace };
    if (!l.selector || !matchesSelector(l.selector, labels)) return 'NotAllowedByListeners';
  }
  if (l.hostname !== undefined && r.hostnames.length > 0 && !r.hostnames.some((h) => intersectHostnames(l.hostname!, h) !== undefined)) return 'NoMatchingListenerHostname';
  return undefined;
}

/**
 * The hostnames both match, or undefined. `*.example.com` matches any name ending in `.example.com` (any
 * number of labels, never `example.com` itself); two wildcards intersect in the narrower one.
 */
export function intersectHostnames(a: string, b: string): string | undefined {
  if (a === b) return a;
  if (b.startsWith('*.') && a.endsWith(b.slice(1))) return a;
  if (a.startsWith('*.') && b.endsWith(a.slice(1))) return b;
  return undefined;
}

function dedupeParents(parents: RouteParent[]): RouteParent[] {
  const byKey = new Map<string, RouteParent>();
  for (const p of parents) {
    const key = `${p.gateway}\0${p.listener ?? ''}`;
    const prior = byKey.get(key);
    // The same listener named twice (sectionName and a bare reference): accepted if either admits it.
    if (!prior || (!prior.accepted && p.accepted)) byKey.set(key, p);
  }
  return [...byKey.values()].sort((a, b) => compareStrings(a.gateway, b.gateway) || compareStrings(a.listener ?? '', b.listener ?? ''));
}

function backendInfo(ctx: Ctx, r: Route, ref: BackendRef, attached: boolean): BackendInfo {
  const service = `${ref.namespace}/${ref.name}`;
  const crossNamespace = ref.namespace !== r.namespace;
  const base = { service, port: ref.port ?? 0, weight: ref.weight, crossNamespace };
  if (ref.group !== '' || ref.kind !== 'Service') return { ...base, resolved: false, reason: 'InvalidKind', workloads: [] };
  let grant: string | undefined;
  if (crossNamespace) {
    const grants = grantsFor(ctx, ref, r.namespace, 'HTTPRoute', attached);
    if (grants.length === 0) return { ...base, resolved: false, reason: 'RefNotPermitted', workloads: [] };
    grant = grants[0];
  }
  const withGrant = grant ? { ...base, grant } : base;
  const svc = ctx.input.services.get(service);
  const svcPort = svc?.ports.find((p) => p.port === ref.port && p.protocol === 'TCP') ?? svc?.ports.find((p) => p.port === ref.port);
  if (!svc || !svcPort) return { ...withGrant, resolved: false, reason: 'BackendNotFound', workloads: [] };
  return { ...withGrant, resolved: true, workloads: serviceWorkloads(ctx, svc, svcPort) };
}

/** Workloads behind a Service port (selector in the Service's namespace) and the container port it targets. */
function serviceWorkloads(ctx: Ctx, svc: Service, port: ServicePort): BackendWorkload[] {
  if (!svc.selector) return [];
  const out: BackendWorkload[] = [];
  for (const i of ctx.cluster.selectWorkloads(svc.namespace, null, svc.selector)) {
    const w = ctx.cluster.workloads[i];
    let target: number | undefined;
    if (typeof port.targetPort === 'number') target = port.targetPort;
    // A named targetPort resolves per pod; a pod without that port is not an endpoint of the Service.
    else target = w.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.port;
    if (target === undefined) continue;
    out.push({ id: w.id, targetPort: target, reachable: port.protocol === 'TCP' && portsContain(ctx.exposure[w.index], target, 'TCP') });
  }
  return out.sort((a, b) => compareStrings(a.id, b.id));
}

/**
 * Names (`ns/name`, sorted) of the ReferenceGrants in the referent's namespace that let `fromKind` objects in
 * `fromNamespace` refer to it; empty for a same-namespace reference (none needed). Marks them used when `use`.
 */
function grantsFor(ctx: Ctx, ref: ObjectRef, fromNamespace: string, fromKind: string, use = true): string[] {
  if (ref.namespace === fromNamespace) return [];
  const out: string[] = [];
  for (const g of ctx.input.grantsByNamespace.get(ref.namespace) ?? []) {
    const from = g.from.some((f) => f.group === GATEWAY_GROUP && f.kind === fromKind && f.namespace === fromNamespace);
    const to = g.to.some((t) => t.group === ref.group && t.kind === ref.kind && (t.name === undefined || t.name === ref.name));
    if (from && to) out.push(g.id);
  }
  if (use) for (const id of out) ctx.usedGrants.add(id);
  return out.sort(compareStrings);
}

// ---------------------------------------------------------------------------------------------------------
// Reading the objects

interface ObjectRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

interface ParentRef extends ObjectRef {
  sectionName?: string;
  port?: number;
}

interface BackendRef extends ObjectRef {
  port?: number;
  weight: number;
}

interface Listener {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  from: 'Same' | 'All' | 'Selector';
  selector?: Selector;
  /** `allowedRoutes.kinds` when set and non-empty. */
  kinds?: { group: string; kind: string }[];
}

interface Gateway {
  id: string;
  namespace: string;
  listeners: Listener[];
  /** TLS certificateRefs into other namespaces need a grant too (from Gateway). */
  certificateRefs: ObjectRef[];
}

interface Route {
  id: string;
  namespace: string;
  source: SourceLocation;
  hostnames: string[];
  parentRefs: ParentRef[];
  rules: { index: number; matches: unknown[]; backendRefs: BackendRef[]; mirrors: ObjectRef[] }[];
}

interface ServicePort {
  port: number;
  protocol: Protocol;
  targetPort: number | string;
}

interface Service {
  namespace: string;
  selector?: Selector;
  ports: ServicePort[];
}

interface Grant {
  id: string;
  namespace: string;
  name: string;
  source: SourceLocation;
  from: { group: string; kind: string; namespace: string }[];
  to: { group: string; kind: string; name?: string }[];
}

interface GatewayInput {
  gateways: Map<string, Gateway>;
  routes: Map<string, Route>;
  services: Map<string, Service>;
  grants: Map<string, Grant>;
  grantsByNamespace: Map<string, Grant[]>;
}

const inputs = new WeakMap<readonly SourcedObject[], { objects: unknown[]; input: GatewayInput }>();

function readGatewayObjects(objects: readonly SourcedObject[]): GatewayInput {
  const hit = inputs.get(objects);
  if (hit && hit.objects.length === objects.length && hit.objects.every((o, i) => o === objects[i].object)) return hit.input;
  const input: GatewayInput = { gateways: new Map(), routes: new Map(), services: new Map(), grants: new Map(), grantsByNamespace: new Map() };
  const sources = new Map<string, SourceLocation>();
  const once = (kind: string, id: string, source: SourceLocation, where: string) => {
    const prior = sources.get(`${kind} ${id}`);
    if (prior) throw new AnalysisInputError(`${where}: ${kind} ${id} is defined twice (also ${formatLocation(prior)})`);
    sources.set(`${kind} ${id}`, source);
  };
  for (const m of expandLists(objects)) {
    const kind = m.object.kind;
    const group = groupOf(m.object);
    if (kind === 'Service' && (group === undefined || group === '')) {
      const { id, where } = identify(m, 'Service');
      once('Service', id, m.source, where);
      input.services.set(id, readService(m, where));
    } else if (group === GATEWAY_GROUP && (kind === 'Gateway' || kind === 'HTTPRoute' || kind === 'ReferenceGrant')) {
      const { id, where } = identify(m, kind);
      const version = String(m.object.apiVersion).slice(GATEWAY_GROUP.length + 1);
      const served = kind === 'ReferenceGrant' ? ['v1beta1'] : ['v1', 'v1beta1'];
      if (!served.includes(version)) throw new AnalysisInputError(`${where}: apiVersion ${JSON.stringify(m.object.apiVersion)} is not served (Gateway API v1.3.0 standard serves ${served.join(', ')})`);
      once(kind, id, m.source, where);
      if (kind === 'Gateway') input.gateways.set(id, readGateway(m, id, where));
      else if (kind === 'HTTPRoute') input.routes.set(id, readRoute(m, id, where));
      else {
        const g = readGrant(m, id, where);
        input.grants.set(id, g);
        const list = input.grantsByNamespace.get(g.namespace);
        if (list) list.push(g);
        else input.grantsByNamespace.set(g.namespace, [g]);
      }
    }
  }
  inputs.set(objects, { objects: objects.map((o) => o.object), input });
  return input;
}

function identify(m: SourcedManifest, kind: string): { id: string; namespace: string; where: string } {
  const name = str(get(m.object, 'metadata', 'name'));
  const namespace = str(get(m.object, 'metadata', 'namespace')) ?? 'default';
  const where = `${formatLocation(m.source)}: ${kind} ${namespace}/${name ?? '?'}`;
  if (!name) throw new AnalysisInputError(`${where}: metadata.name is missing`);
  return { id: `${namespace}/${name}`, namespace, where };
}

function namespaceOf(m: SourcedManifest): string {
  return str(get(m.object, 'metadata', 'namespace')) ?? 'default';
}

function list(value: unknown, at: string, max?: number): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AnalysisInputError(`${at}: must be a list`);
  if (max !== undefined && value.length > max) throw new AnalysisInputError(`${at}: ${value.length} entries, at most ${max} allowed`);
  return value;
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (!isRecord(value)) throw new AnalysisInputError(`${at}: must be an object`);
  return value;
}

function optString(value: unknown, at: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AnalysisInputError(`${at}: must be a string`);
  return value;
}

function requiredString(value: unknown, at: string): string {
  const s = optString(value, at);
  if (!s) throw new AnalysisInputError(`${at}: is required`);
  return s;
}

function optPort(value: unknown, at: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_PORT || value > MAX_PORT) {
    throw new AnalysisInputError(`${at}: ${JSON.stringify(value)} is not a port number (1-65535)`);
  }
  return value;
}

function readGateway(m: SourcedManifest, id: string, where: string): Gateway {
  const namespace = namespaceOf(m);
  const spec = record(m.object.spec ?? {}, `${where} spec`);
  const raw = list(spec.listeners, `${where} spec.listeners`, ROUTE_LIMITS.listeners);
  if (raw.length === 0) throw new AnalysisInputError(`${where} spec.listeners: at least one listener is required`);
  const certificateRefs: ObjectRef[] = [];
  const listeners = raw.map((item, i): Listener => {
    const at = `${where} spec.listeners[${i}]`;
    const l = record(item, at);
    const name = requiredString(l.name, `${at}.name`);
    const port = optPort(l.port, `${at}.port`);
    if (port === undefined) throw new AnalysisInputError(`${at}.port: is required`);
    const protocol = requiredString(l.protocol, `${at}.protocol`);
    const hostname = optString(l.hostname, `${at}.hostname`) || undefined;
    const allowed = record(l.allowedRoutes ?? {}, `${at}.allowedRoutes`);
    const nsRaw = record(allowed.namespaces ?? {}, `${at}.allowedRoutes.namespaces`);
    const from = nsRaw.from ?? 'Same';
    if (from !== 'Same' && from !== 'All' && from !== 'Selector') throw new AnalysisInputError(`${at}.allowedRoutes.namespaces.from: ${JSON.stringify(from)} is not Same, All or Selector`);
    // `from: Selector` without a selector admits no namespace (the spec requires one; the CRD does not check).
    const selector = from === 'Selector' && nsRaw.selector != null ? parseSelector(nsRaw.selector, `${at}.allowedRoutes.namespaces.selector`) : undefined;
    const kindsRaw = list(allowed.kinds, `${at}.allowedRoutes.kinds`, 8);
    const kinds = kindsRaw.map((k, j) => {
      const kr = record(k, `${at}.allowedRoutes.kinds[${j}]`);
      return { group: optString(kr.group, `${at}.allowedRoutes.kinds[${j}].group`) ?? GATEWAY_GROUP, kind: requiredString(kr.kind, `${at}.allowedRoutes.kinds[${j}].kind`) };
    });
    list(get(l, 'tls', 'certificateRefs'), `${at}.tls.certificateRefs`, 64).forEach((c, j) => {
      const cr = record(c, `${at}.tls.certificateRefs[${j}]`);
      certificateRefs.push({
        group: optString(cr.group, `${at}.tls.certificateRefs[${j}].group`) ?? '',
        kind: optString(cr.kind, `${at}.tls.certificateRefs[${j}].kind`) ?? 'Secret',
        name: requiredString(cr.name, `${at}.tls.certificateRefs[${j}].name`),
        namespace: optString(cr.namespace, `${at}.tls.certificateRefs[${j}].namespace`) ?? namespace,
      });
    });
    const out: Listener = { name, port, protocol, from };
    if (hostname) out.hostname = hostname;
    if (selector) out.selector = selector;
    if (kinds.length > 0) out.kinds = kinds;
    return out;
  });
  return { id, namespace, listeners, certificateRefs };
}

const DEFAULT_MATCH = Object.freeze({ path: Object.freeze({ type: 'PathPrefix', value: '/' }) });

function readRoute(m: SourcedManifest, id: string, where: string): Route {
  const namespace = namespaceOf(m);
  const spec = record(m.object.spec ?? {}, `${where} spec`);
  const hostnames = [...new Set(list(spec.hostnames, `${where} spec.hostnames`, ROUTE_LIMITS.hostnames).map((h, i) => requiredString(h, `${where} spec.hostnames[${i}]`)))].sort(compareStrings);
  const parentRefs = list(spec.parentRefs, `${where} spec.parentRefs`, ROUTE_LIMITS.parentRefs).map((item, i): ParentRef => {
    const at = `${where} spec.parentRefs[${i}]`;
    const p = record(item, at);
    const ref: ParentRef = {
      group: optString(p.group, `${at}.group`) ?? GATEWAY_GROUP,
      kind: optString(p.kind, `${at}.kind`) ?? 'Gateway',
      namespace: optString(p.namespace, `${at}.namespace`) || namespace,
      name: requiredString(p.name, `${at}.name`),
    };
    const sectionName = optString(p.sectionName, `${at}.sectionName`);
    if (sectionName) ref.sectionName = sectionName;
    const port = optPort(p.port, `${at}.port`);
    if (port !== undefined) ref.port = port;
    return ref;
  });
  const rawRules = spec.rules == null ? [{}] : list(spec.rules, `${where} spec.rules`, ROUTE_LIMITS.rules);
  let totalMatches = 0;
  const rules = rawRules.map((item, index) => {
    const at = `${where} spec.rules[${index}]`;
    const rule = record(item, at);
    const rawMatches = list(rule.matches, `${at}.matches`, ROUTE_LIMITS.matchesPerRule);
    totalMatches += rawMatches.length;
    const matches = rawMatches.length === 0 ? [structuredClone(DEFAULT_MATCH)] : rawMatches.map((x, j) => matchWithDefaults(record(x, `${at}.matches[${j}]`)));
    const backendRefs = list(rule.backendRefs, `${at}.backendRefs`, ROUTE_LIMITS.backendRefs).map((b, j) => readBackendRef(b, namespace, `${at}.backendRefs[${j}]`));
    const mirrors: ObjectRef[] = [];
    const filterLists: [unknown, string][] = [[rule.filters, `${at}.filters`]];
    list(rule.backendRefs, `${at}.backendRefs`).forEach((b, j) => filterLists.push([get(b, 'filters'), `${at}.backendRefs[${j}].filters`]));
    for (const [filters, fat] of filterLists) {
      list(filters, fat).forEach((f, k) => {
        const mirror = get(f, 'requestMirror', 'backendRef');
        if (mirror != null) mirrors.push(readObjectRef(record(mirror, `${fat}[${k}].requestMirror.backendRef`), namespace, `${fat}[${k}].requestMirror.backendRef`));
      });
    }
    return { index, matches, backendRefs, mirrors };
  });
  if (totalMatches > ROUTE_LIMITS.matchesPerRoute) throw new AnalysisInputError(`${where} spec.rules: ${totalMatches} matches in all, at most ${ROUTE_LIMITS.matchesPerRoute} allowed`);
  return { id, namespace, source: m.source, hostnames, parentRefs, rules };
}

function matchWithDefaults(match: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...match };
  const path = isRecord(match.path) ? match.path : {};
  out.path = { ...path, type: path.type ?? 'PathPrefix', value: path.value ?? '/' };
  for (const key of ['headers', 'queryParams']) {
    if (Array.isArray(match[key])) out[key] = (match[key] as unknown[]).map((h) => (isRecord(h) ? { ...h, type: h.type ?? 'Exact' } : h));
  }
  return out;
}

function readObjectRef(b: Record<string, unknown>, namespace: string, at: string): ObjectRef {
  return {
    group: optString(b.group, `${at}.group`) ?? '',
    kind: optString(b.kind, `${at}.kind`) ?? 'Service',
    namespace: optString(b.namespace, `${at}.namespace`) || namespace,
    name: requiredString(b.name, `${at}.name`),
  };
}

function readBackendRef(item: unknown, namespace: string, at: string): BackendRef {
  const b = record(item, at);
  const ref = readObjectRef(b, namespace, at);
  const port = optPort(b.port, `${at}.port`);
  if (port === undefined && ref.group === '' && ref.kind === 'Service') throw new AnalysisInputError(`${at}: a backendRef to a Service needs a port (the Service port)`);
  const weight = b.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > ROUTE_LIMITS.weight) {
    throw new AnalysisInputError(`${at}.weight: ${JSON.stringify(weight)} is not an integer in 0..${ROUTE_LIMITS.weight}`);
  }
  return port === undefined ? { ...ref, weight } : { ...ref, port, weight };
}

function readService(m: SourcedManifest, where: string): Service {
  const spec = record(m.object.spec ?? {}, `${where} spec`);
  const rawSelector = spec.selector;
  let selector: Selector | undefined;
  if (rawSelector != null) {
    const sel = record(rawSelector, `${where} spec.selector`);
    const reqs = Object.entries(sel).map(([key, v]) => {
      if (typeof v !== 'string') throw new AnalysisInputError(`${where} spec.selector.${key}: value must be a string`);
      return { key, op: 'In' as const, values: [v] };
    });
    // An empty selector is no selector: the endpoints controller selects no pods for it.
    if (reqs.length > 0) selector = makeSelector(reqs);
  }
  const ports = list(spec.ports, `${where} spec.ports`).map((item, i): ServicePort => {
    const at = `${where} spec.ports[${i}]`;
    const p = record(item, at);
    const port = optPort(p.port, `${at}.port`);
    if (port === undefined) throw new AnalysisInputError(`${at}.port: is required`);
    const protocol = p.protocol ?? 'TCP';
    if (!isProtocol(protocol)) throw new AnalysisInputError(`${at}.protocol: ${JSON.stringify(protocol)} is not TCP, UDP or SCTP`);
    let targetPort: number | string = port;
    if (typeof p.targetPort === 'string') {
      // IANA_SVC_NAME, as the API server checks: a quoted number is not a port name.
      if (!/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(p.targetPort) || !/[a-z]/.test(p.targetPort)) {
        throw new AnalysisInputError(`${at}.targetPort: ${JSON.stringify(p.targetPort)} is neither a port number nor a valid port name`);
      }
      targetPort = p.targetPort;
    } else if (p.targetPort != null) {
      targetPort = optPort(p.targetPort, `${at}.targetPort`)!;
    }
    return { port, protocol, targetPort };
  });
  return selector ? { namespace: namespaceOf(m), selector, ports } : { namespace: namespaceOf(m), ports };
}

function readGrant(m: SourcedManifest, id: string, where: string): Grant {
  const spec = record(m.object.spec ?? {}, `${where} spec`);
  const from = list(spec.from, `${where} spec.from`, 16).map((item, i) => {
    const at = `${where} spec.from[${i}]`;
    const f = record(item, at);
    const group = optString(f.group, `${at}.group`);
    if (group === undefined) throw new AnalysisInputError(`${at}.group: is required`);
    return { group, kind: requiredString(f.kind, `${at}.kind`), namespace: requiredString(f.namespace, `${at}.namespace`) };
  });
  const to = list(spec.to, `${where} spec.to`, 16).map((item, i) => {
    const at = `${where} spec.to[${i}]`;
    const t = record(item, at);
    const group = optString(t.group, `${at}.group`);
    if (group === undefined) throw new AnalysisInputError(`${at}.group: is required`);
    const name = optString(t.name, `${at}.name`);
    return name ? { group, kind: requiredString(t.kind, `${at}.kind`), name } : { group, kind: requiredString(t.kind, `${at}.kind`) };
  });
  if (from.length === 0 || to.length === 0) throw new AnalysisInputError(`${where}: spec.from and spec.to need at least one entry each`);
  return { id, namespace: namespaceOf(m), name: id.slice(id.indexOf('/') + 1), source: m.source, from, to };
}
