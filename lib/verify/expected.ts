/**
 * What the intents promise, in the analyzer's terms: allowed ports per ordered pair of workloads and
 * allowed external egress per workload. Computed from the model directly, never from the policies the
 * compiler generated, so that a wrong policy shows up as a difference.
 */
import { PortMap, normalizeRanges, unionPorts } from '../analysis';
import { ClusterPlatform, Flow, Workload, endpointResolver, formatEndpoint, formatPortSelector } from '../model/platform';

export interface ExpectedPair {
  readonly from: string;
  readonly to: string;
  ports: PortMap;
  readonly flows: Flow[];
}

export interface ExpectedExternal {
  readonly workload: string;
  readonly cidr: string;
  readonly except: readonly string[];
  ports: PortMap;
}

export interface Expectation {
  readonly workloads: ReadonlyMap<string, Workload>;
  readonly pairs: ReadonlyMap<string, ExpectedPair>;
  readonly external: ReadonlyMap<string, ExpectedExternal>;
}

export const pairKey = (from: string, to: string): string => `${from}\u0000${to}`;
export const externalKey = (workload: string, cidr: string, except: readonly string[]): string =>
  `${workload}\u0000${cidr}\u0000${[...except].sort().join(',')}`;

export function expectedConnectivity(platform: ClusterPlatform): Expectation {
  const workloads = new Map<string, Workload>(platform.tenants.flatMap((t) => t.workloads.map((w) => [w.id, w] as const)));
  const members = endpointResolver(platform.tenants);

  const pairs = new Map<string, ExpectedPair>();
  for (const flow of platform.flows) {
    for (const d of members(flow.to)) {
      const ports = portsOf(flow, d);
      if (!Object.keys(ports).length) continue;
      for (const s of members(flow.from)) {
        if (s.id === d.id) continue; // a workload to itself is not a pair the analyzer judges
        const key = pairKey(s.id, d.id);
        const pair = pairs.get(key);
        if (pair) {
          pair.ports = unionPorts(pair.ports, ports);
          pair.flows.push(flow);
        } else pairs.set(key, { from: s.id, to: d.id, ports, flows: [flow] });
      }
    }
  }

  const external = new Map<string, ExpectedExternal>();
  for (const e of platform.egress) {
    const ports: PortMap = {};
    for (const r of e.ports) ports[r.protocol] = normalizeRanges([...(ports[r.protocol] ?? []), [r.from, r.to]]);
    for (const s of members(e.from)) {
      const key = externalKey(s.id, e.cidr, e.except);
      const entry = external.get(key);
      if (entry) entry.ports = unionPorts(entry.ports, ports);
      else external.set(key, { workload: s.id, cidr: e.cidr, except: [...e.except].sort(), ports });
    }
  }
  return { workloads, pairs, external };
}

/** The ports a flow opens on one destination workload: names resolved there, ranges as written. */
function portsOf(flow: Flow, destination: Workload): PortMap {
  const out: PortMap = {};
  for (const sel of flow.ports) {
    const ranges: Array<[typeof destination.ports[number]['protocol'], number, number]> =
      sel.kind === 'range'
        ? [[sel.protocol, sel.from, sel.to]]
        : destination.ports.filter((p) => p.name === sel.name).map((p) => [p.protocol, p.port, p.port]);
    for (const [protocol, lo, hi] of ranges) out[protocol] = normalizeRanges([...(out[protocol] ?? []), [lo, hi]]);
  }
  return out;
}

export function describeFlow(flow: Flow): string {
  return `${formatEndpoint(flow.from)} -> ${formatEndpoint(flow.to)} on ${flow.ports.map(formatPortSelector).join(', ')}`;
}
