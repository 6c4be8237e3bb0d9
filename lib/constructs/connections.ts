/**
 * Who may talk to whom, written once and enforced at both ends (as the AWS CDK's `Connections`):
 *
 *   frontend.connections.allowTo(recordsApi, [Port.named('http')]);       // frontend's egress AND records-api's ingress
 *   recordsApi.connections.allowFrom(frontend, [Port.named('http')]);     // the same, said from the other end
 *   web.connections.allowTo(billing, [Port.tcp(8080)]);                   // a tenant stands for all its workloads
 *   frontend.connections.allowTo(recordsApi, [Port.named('http')], { http: [{ method: 'GET', path: '/records(/.*)?' }] });
 *   ledger.connections.allowTo(Peer.cidr('198.51.100.0/24'), [Port.tcp(443)]);   // egress out of the cluster
 *
 * A connection between workloads becomes an egress rule at every source and an ingress rule at every
 * destination, so neither side alone opens the path. Named ports are looked up on the destination:
 * each must exist there, and the policies name it with the protocol the destination declares. With
 * `http` (Cilium), the destination's ingress is an L7 rule on the port numbers, and the source's egress
 * stays L4. Every call is also recorded (PlatformRecord), which is what `verify(app)` holds the
 * rendered manifests to.
 *
 * A tenant stands for the workloads it has when the connection is made; adding a workload to it
 * afterwards is an error, so that no workload is silently left out of a connection.
 */
import { IConstruct } from 'constructs';
import { Endpoint, HttpRule, PortSelector, Workload as WorkloadModel, formatEndpoint, formatPortSelector, portRangesOn } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { CiliumPeer, CiliumPolicy, CiliumPort } from './cilium-policy';
import { ClusterSettings } from './cluster-settings';
import { Peer } from './peer';
import { PlatformRecord } from './platform-record';
import { PolicyPeer } from './policy-peer';
import { PolicyPort } from './policy-port';
import { Port } from './port';
import { Segmentation } from './segmentation';

/** Something connections can be made to and from: a `Workload`, or a `Tenant` (all its workloads). */
export interface IConnectable extends IConstruct {
  readonly connections: Connections;
}

export interface ConnectionOptions {
  /**
   * Only these HTTP requests pass (method and path are regular expressions), enforced by Cilium's proxy
   * at the destination. Needs Cilium and single TCP ports.
   * @default every request on the ports
   */
  readonly http?: readonly HttpRule[];
  /** Why the connection exists (kept in the record). @default none */
  readonly description?: string;
}

/** @internal A workload as connections see it. */
export interface WorkloadEnd {
  readonly model: WorkloadModel;
  _segmentation(): Segmentation;
  _ciliumPolicy(): CiliumPolicy;
}

/** @internal One end of a connection: a workload, or a tenant standing for its workloads. */
export interface ConnectionEnd extends IConstruct {
  readonly endpoint: Endpoint;
  /** The workloads this end stands for now. */
  _members(): readonly WorkloadEnd[];
  /** Called when the end is used as a whole tenant, so it refuses workloads added later. */
  _connected(where: string): void;
}

export class Connections {
  /** @internal */
  constructor(private readonly end: ConnectionEnd) {}

  /**
   * Lets this end open connections to `other` on `ports`: egress here, ingress there. For a `Peer`
   * outside the cluster, egress only; `ports` may be left out for `Peer.kubeApiServer()` (the API server's port).
   */
  allowTo(other: IConnectable | Peer, ports?: readonly Port[], options: ConnectionOptions = {}): this {
    if (other instanceof Peer) allowEgress(this.end, other, ports, options);
    else connect(this.end, endOf(other), ports, options);
    return this;
  }

  /** Lets `other` open connections to this end on `ports`: the mirror of `other.connections.allowTo(this, ...)`. */
  allowFrom(other: IConnectable, ports: readonly Port[], options: ConnectionOptions = {}): this {
    connect(endOf(other), this.end, ports, options);
    return this;
  }
}

function endOf(c: IConnectable): ConnectionEnd {
  return (c.connections as unknown as { end: ConnectionEnd }).end;
}

function connect(from: ConnectionEnd, to: ConnectionEnd, ports: readonly Port[] | undefined, options: ConnectionOptions): void {
  const where = from.node.path;
  // Messages are built only on failure: platform.yaml's lowering makes this call once per flow.
  const fail = (message: string) => new RenderError(`${where}: connection ${formatEndpoint(from.endpoint)} -> ${formatEndpoint(to.endpoint)}: ${message}`);
  if (from.node.root !== to.node.root) throw fail('both ends must be in the same app');
  if (!ports?.length) throw fail('needs at least one port (an empty list would open every port)');
  const sources = from._members();
  const destinations = to._members();
  if (!sources.length || !destinations.length) throw fail(`${formatEndpoint((sources.length ? to : from).endpoint)} has no workloads yet; add them before connecting it`);
  const selectors = ports.map((p) => p.selector);
  for (const s of selectors) {
    if (destinations.some((d) => portRangesOn(s, d.model).length)) continue;
    const names = [...new Set(destinations.flatMap((d) => d.model.ports.map((p) => p.name)))].sort();
    throw fail(`${formatEndpoint(to.endpoint)} has no port named "${formatPortSelector(s)}" (ports there: ${names.join(', ') || 'none'})`);
  }
  const cluster = ClusterSettings.of(from);
  const http = options.http;
  if (http) {
    if (cluster.cni !== 'cilium') throw fail(`HTTP rules need Cilium, but cluster ${cluster.name} uses cni: ${cluster.cni}; an L4 policy would admit every request`);
    if (!http.length) throw fail('http is an empty list; leave it out to admit every request');
    for (const s of selectors) {
      const ranges = destinations.flatMap((d) => portRangesOn(s, d.model));
      if (ranges.some((r) => r.from !== r.to || r.protocol !== 'TCP')) throw fail('HTTP rules need single TCP ports');
    }
  }
  from._connected(where);
  to._connected(where);
  PlatformRecord.of(from).flows.push({
    from: from.endpoint,
    to: to.endpoint,
    ports: selectors,
    ...(http ? { http: http.map((r) => ({ ...r })) } : {}),
    ...(options.description ? { description: options.description } : {}),
    origin: constructLocation(where),
  });

  for (const d of destinations) {
    if (http) {
      const numeric = numericPortsOn(selectors, d.model);
      if (numeric.length) d._ciliumPolicy().allowFromHttp(ciliumPeerOf(from.endpoint), numeric, http);
      continue;
    }
    const l4 = portsOn(selectors, [d.model]);
    if (l4.length) d._segmentation().allowFrom(policyPeerOf(from.endpoint), l4);
  }
  // Named ports stay names at the source: each destination pod resolves its own number.
  const egress = portsOn(selectors, destinations.map((d) => d.model));
  for (const s of sources) s._segmentation().allowTo(policyPeerOf(to.endpoint), egress);
}

/** Egress out of the cluster: one case per kind of destination (an unhandled kind does not compile). */
function allowEgress(from: ConnectionEnd, peer: Peer, ports: readonly Port[] | undefined, options: ConnectionOptions): void {
  const where = from.node.path;
  const fail = (message: string) => new RenderError(`${where}: egress to ${describeTarget(peer)}: ${message}`);
  const cluster = ClusterSettings.of(from);
  const target = peer.target;
  if (options.http) throw fail('HTTP rules apply to connections between workloads only');
  const ranges = (ports ?? []).map((p) => p.selector);
  const numeric = ranges.filter((s): s is Extract<PortSelector, { kind: 'range' }> => s.kind === 'range');
  if (numeric.length !== ranges.length) throw fail('outside the cluster only port numbers mean something; use Port.tcp(...)');
  if (!numeric.length && target.kind !== 'entity') throw fail('needs at least one port (an empty list would open every port)');
  if (target.kind !== 'cidr' && cluster.cni !== 'cilium') throw fail(`needs Cilium, but cluster ${cluster.name} uses cni: ${cluster.cni}; write the destination as a CIDR`);
  const sources = from._members();
  if (!sources.length) throw fail(`${formatEndpoint(from.endpoint)} has no workloads yet; add them first`);
  from._connected(where);
  PlatformRecord.of(from).egress.push({
    from: from.endpoint,
    to: target,
    ports: numeric,
    ...(options.description ? { description: options.description } : {}),
    origin: constructLocation(where),
  });
  const opened = numeric.length ? numeric : [{ kind: 'range' as const, protocol: 'TCP' as const, from: cluster.apiServer.port, to: cluster.apiServer.port }];
  for (const s of sources) {
    switch (target.kind) {
      case 'cidr':
        s._segmentation().allowTo(PolicyPeer.ipBlock(target.cidr, target.except), opened.map((r) => PolicyPort.range(r.from, r.to, r.protocol)));
        break;
      case 'fqdn':
        s._ciliumPolicy().allowToFqdn(target.fqdn, opened.map((r) => CiliumPort.range(r.from, r.to, r.protocol)));
        break;
      case 'entity':
        s._ciliumPolicy().allowToKubeApiServer(opened.map((r) => CiliumPort.range(r.from, r.to, r.protocol)));
        break;
      default: {
        const unhandled: never = target;
        throw fail(`unknown destination ${JSON.stringify(unhandled)}`);
      }
    }
  }
}

function describeTarget(peer: Peer): string {
  const t = peer.target;
  switch (t.kind) {
    case 'cidr':
      return t.cidr;
    case 'fqdn':
      return t.fqdn;
    case 'entity':
      return t.entity;
    default: {
      const unhandled: never = t;
      return JSON.stringify(unhandled);
    }
  }
}

const policyPeerOf = (e: Endpoint) => (e.workload ? PolicyPeer.workload(e.tenant, e.workload) : PolicyPeer.tenant(e.tenant));
const ciliumPeerOf = (e: Endpoint) => (e.workload ? CiliumPeer.workload(e.tenant, e.workload) : CiliumPeer.tenant(e.tenant));

/** The ports as they exist on `workloads`: a name once per protocol it is declared with; ranges always. */
function portsOn(selectors: readonly PortSelector[], workloads: readonly WorkloadModel[]): PolicyPort[] {
  return selectors.flatMap((s) => {
    switch (s.kind) {
      case 'range':
        return [PolicyPort.range(s.from, s.to, s.protocol)];
      case 'named':
        return [...new Set(workloads.flatMap((w) => portRangesOn(s, w).map((r) => r.protocol)))].map((protocol) => PolicyPort.named(s.name, protocol));
      default: {
        const unhandled: never = s;
        throw new Error(`unknown port ${JSON.stringify(unhandled)}`);
      }
    }
  });
}

/** The ports on one destination as numbers (Cilium L7 rules are written per port number). */
function numericPortsOn(selectors: readonly PortSelector[], destination: WorkloadModel): CiliumPort[] {
  return selectors.flatMap((s) => portRangesOn(s, destination).map((r) => CiliumPort.range(r.from, r.to, r.protocol)));
}
