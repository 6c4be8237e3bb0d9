/**
 * What the intents promise, in the analyzer's terms: allowed ports per ordered pair of workloads and
 * allowed external egress per workload. Computed from the model directly, never from the policies the
 * compiler generated, so that a wrong policy shows up as a difference.
 */
import { PortMap, normalizeRanges, unionPorts } from '../analysis';
import { ClusterPlatform, Flow, HttpRule, Workload, egressDestination, egressPorts, portRangesOn, endpointResolver, formatEndpoint, formatPortSelector } from '../model/platform';

export interface ExpectedPair {
  readonly from: string;
  readonly to: string;
  ports: PortMap;
  readonly flows: Flow[];
  /**
   * Per single port (`TCP/8080`), the HTTP requests that alone may pass, when every flow opening that
   * port carries HTTP rules (Cilium clusters only). A port absent here admits every request.
   */
  readonly http: Map<string, HttpRule[]>;
}

/** Egress to something outside the cluster, in the analyzer's terms (`kind` and value as it reports them). */
export interface ExpectedExternal {
  readonly workload: string;
  readonly kind: 'cidr' | 'fqdn' | 'entity';
  /** The CIDR, DNS name or pattern, or entity name. */
  readonly value: string;
  readonly except: readonly string[];
  ports: PortMap;
}

export interface Expectation {
  readonly workloads: ReadonlyMap<string, Workload>;
  readonly pairs: ReadonlyMap<string, ExpectedPair>;
  readonly external: ReadonlyMap<string, ExpectedExternal>;
  /** Per workload id, the ports the gateway's proxy must reach (route backends), and nothing else. */
  readonly gatewayExposure: ReadonlyMap<string, PortMap>;
}

export const pairKey = (from: string, to: string): string => `${from}\u0000${to}`;
export const externalKey = (workload: string, kind: string, value: string, except: readonly string[] = []): string =>
  `${workload}\u0000${kind}\u0000${value}\u0000${[...except].sort().join(',')}`;
export const httpPortKey = (protocol: string, port: number): string => `${protocol}/${port}`;

export function expectedConnectivity(platform: ClusterPlatform): Expectation {
  const workloads = new Map<string, Workload>(platform.tenants.flatMap((t) => t.workloads.map((w) => [w.id, w] as const)));
  const members = endpointResolver(platform.tenants);

  const pairs = new Map<string, ExpectedPair>();
  for (const flow of platform.flows) {
    for (const d of members(flow.to)) {
      const ports = portsOf(flow, d);
      if (!Object.keys(ports).length) continue;
      for (const s of members(flow.from)) {
        const key = pairKey(s.id, d.id);
        let pair = pairs.get(key);
        if (pair) {
          pair.ports = unionPorts(pair.ports, ports);
          pair.flows.push(flow);
        } else pairs.set(key, (pair = { from: s.id, to: d.id, ports, flows: [flow], http: new Map() }));
      }
    }
  }
  if (platform.cluster.cni === 'cilium')
    for (const pair of pairs.values()) if (pair.flows.some((f) => f.http)) expectHttp(pair, workloads.get(pair.to)!);

  const external = new Map<string, ExpectedExternal>();
  for (const e of platform.egress) {
    const ports: PortMap = {};
    for (const r of egressPorts(e, platform.cluster)) ports[r.protocol] = normalizeRanges([...(ports[r.protocol] ?? []), [r.from, r.to]]);
    const kind = e.to.kind;
    const destination = egressDestination(e.to);
    const value = destination.value;
    const except = [...destination.except].sort();
    for (const s of members(e.from)) {
      const key = externalKey(s.id, kind, value, except);
      const entry = external.get(key);
      if (entry) entry.ports = unionPorts(entry.ports, ports);
      else external.set(key, { workload: s.id, kind, value, except, ports });
    }
  }
  const gatewayExposure = new Map<string, PortMap>();
  for (const r of platform.routes)
    for (const rule of r.rules)
      for (const b of rule.backends) {
        const id = `${b.tenant}/${b.workload}`;
        gatewayExposure.set(id, unionPorts(gatewayExposure.get(id) ?? {}, { TCP: [[b.port, b.port]] }));
      }
  return { workloads, pairs, external, gatewayExposure };
}

/** A port is HTTP-restricted when every flow of the pair that opens it has HTTP rules; the rules add up. */
function expectHttp(pair: ExpectedPair, destination: Workload): void {
  const open = new Set<string>();
  const restricted = new Map<string, Map<string, HttpRule>>();
  for (const flow of pair.flows) {
    const ports = portsOf(flow, destination);
    for (const [protocol, ranges] of Object.entries(ports))
      for (const [lo, hi] of ranges!)
        for (let port = lo; port <= hi; port++) {
          const key = httpPortKey(protocol, port);
          if (!flow.http) open.add(key);
          else {
            if (!restricted.has(key)) restricted.set(key, new Map());
            for (const r of flow.http) restricted.get(key)!.set(httpRuleKey(r), r);
          }
        }
  }
  for (const [key, rules] of restricted) if (!open.has(key)) pair.http.set(key, [...rules.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r));
}

export const httpRuleKey = (r: HttpRule): string => JSON.stringify([r.method ?? '', r.path ?? '', r.host ?? '']);

/** The ports a flow opens on one destination workload: names resolved there, ranges as written. */
function portsOf(flow: Flow, destination: Workload): PortMap {
  const out: PortMap = {};
  for (const sel of flow.ports)
    for (const { protocol, from, to } of portRangesOn(sel, destination)) out[protocol] = normalizeRanges([...(out[protocol] ?? []), [from, to]]);
  return out;
}

export function describeFlow(flow: Flow): string {
  return `${formatEndpoint(flow.from)} -> ${formatEndpoint(flow.to)} on ${flow.ports.map(formatPortSelector).join(', ')}`;
}
