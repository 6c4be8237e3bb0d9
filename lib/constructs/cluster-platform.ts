/**
 * Lowers a checked platform onto one cluster: a Tenant chart per tenant, and every flow and egress
 * rule turned into allows on both ends (egress at the source, ingress at the destination), so that
 * neither side alone opens a path.
 *
 *   const app = new App();
 *   new ClusterPlatform(app, 'dev', { platform: forCluster(model, model.clusters[0]) });
 */
import { Construct } from 'constructs';
import { ClusterPlatform as ClusterModel, Endpoint, PortSelector, Workload, endpointResolver } from '../model/platform';
import { PolicyPeer } from './policy-peer';
import { PolicyPort } from './policy-port';
import { Tenant } from './tenant';

export interface ClusterPlatformProps {
  readonly platform: ClusterModel;
}

export class ClusterPlatform extends Construct {
  public readonly tenants: ReadonlyMap<string, Tenant>;

  constructor(scope: Construct, id: string, props: ClusterPlatformProps) {
    super(scope, id);
    const p = props.platform;
    const tenants = new Map<string, Tenant>();
    const byName = [...p.tenants].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const t of byName) tenants.set(t.name, new Tenant(this, t.name, { tenant: t }));
    this.tenants = tenants;

    const workloadsOf = endpointResolver(p.tenants);
    const peerOf = (e: Endpoint) => (e.workload ? PolicyPeer.workload(e.tenant, e.workload) : PolicyPeer.tenant(e.tenant));
    const segmentation = (w: Workload) => tenants.get(w.tenant)!.segmentationOf(w.name);

    for (const flow of p.flows) {
      const destinations = workloadsOf(flow.to);
      for (const d of destinations) {
        const ports = portsOn(flow.ports, [d]);
        if (ports.length) segmentation(d).allowFrom(peerOf(flow.from), ports);
      }
      // Named ports stay names at the source: each destination pod resolves its own number.
      const egressPorts = portsOn(flow.ports, destinations);
      for (const s of workloadsOf(flow.from)) segmentation(s).allowTo(peerOf(flow.to), egressPorts);
    }
    for (const e of p.egress) {
      const ports = e.ports.map((r) => PolicyPort.range(r.from, r.to, r.protocol));
      for (const s of workloadsOf(e.from)) segmentation(s).allowTo(PolicyPeer.ipBlock(e.cidr, e.except), ports);
    }
  }
}

/** The flow's ports as they exist on `workloads`: a name once per protocol it is declared with; ranges always. */
function portsOn(selectors: readonly PortSelector[], workloads: readonly Workload[]): PolicyPort[] {
  return selectors.flatMap((s) => {
    if (s.kind === 'range') return [PolicyPort.range(s.from, s.to, s.protocol)];
    const protocols = new Set(workloads.flatMap((w) => w.ports.filter((p) => p.name === s.name).map((p) => p.protocol)));
    return [...protocols].map((protocol) => PolicyPort.named(s.name, protocol));
  });
}
