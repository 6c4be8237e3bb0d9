/**
 * Lowers a checked platform onto one cluster: a Tenant chart per tenant, and every flow and egress
 * rule turned into allows on both ends (egress at the source, ingress at the destination), so that
 * neither side alone opens a path. What NetworkPolicy can say goes into NetworkPolicies; on Cilium
 * clusters, HTTP rules, DNS-name and kube-apiserver egress go into one CiliumNetworkPolicy per
 * workload, and guardrails become cluster-wide deny policies. The cluster's set-up files (kind or
 * eksctl config, Cilium Helm values) are rendered beside them under `bootstrap/`.
 *
 *   const app = new App();
 *   new ClusterPlatform(app, 'dev', { platform: forCluster(model, model.clusters[0]) });
 */
import { Construct } from 'constructs';
import { ClusterPlatform as ClusterModel, Endpoint, Flow, PortSelector, Workload, egressPorts, endpointResolver, tenantsSelected } from '../model/platform';
import { CiliumPeer, CiliumPort } from './cilium-policy';
import { CiliumValues } from './cilium-values';
import { clusterSetupFiles } from './cluster-config';
import { Gateways } from './gateway';
import { HttpRouteConstruct, ReferenceGrants } from './http-route';
import { GuardrailPolicy } from './guardrail-policy';
import { PlatformChart } from './platform-chart';
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
    const cilium = p.cluster.cni === 'cilium';
    const tenants = new Map<string, Tenant>();
    const byName = [...p.tenants].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const t of byName) tenants.set(t.name, new Tenant(this, t.name, { tenant: t }));
    this.tenants = tenants;

    const workloadsOf = endpointResolver(p.tenants);
    const peerOf = (e: Endpoint) => (e.workload ? PolicyPeer.workload(e.tenant, e.workload) : PolicyPeer.tenant(e.tenant));
    const ciliumPeerOf = (e: Endpoint) => (e.workload ? CiliumPeer.workload(e.tenant, e.workload) : CiliumPeer.tenant(e.tenant));
    const segmentation = (w: Workload) => tenants.get(w.tenant)!.segmentationOf(w.name);
    const ciliumPolicy = (w: Workload) => tenants.get(w.tenant)!.ciliumPolicyOf(w.name);

    for (const flow of p.flows) {
      const destinations = workloadsOf(flow.to);
      for (const d of destinations) {
        if (flow.http && cilium) {
          const ports = numericPortsOn(flow, d);
          if (ports.length) ciliumPolicy(d).allowFromHttp(ciliumPeerOf(flow.from), ports, flow.http);
          continue;
        }
        const ports = portsOn(flow.ports, [d]);
        if (ports.length) segmentation(d).allowFrom(peerOf(flow.from), ports);
      }
      // Named ports stay names at the source: each destination pod resolves its own number.
      const egressPorts = portsOn(flow.ports, destinations);
      for (const s of workloadsOf(flow.from)) segmentation(s).allowTo(peerOf(flow.to), egressPorts);
    }
    for (const e of p.egress) {
      const ranges = egressPorts(e, p.cluster);
      const to = e.to;
      for (const s of workloadsOf(e.from)) {
        // The checker refuses DNS-name and entity egress on clusters without Cilium.
        if (to.kind === 'cidr') segmentation(s).allowTo(PolicyPeer.ipBlock(to.cidr, to.except), ranges.map((r) => PolicyPort.range(r.from, r.to, r.protocol)));
        else if (to.kind === 'fqdn') ciliumPolicy(s).allowToFqdn(to.fqdn, ranges.map((r) => CiliumPort.range(r.from, r.to, r.protocol)));
        else ciliumPolicy(s).allowToKubeApiServer(ranges.map((r) => CiliumPort.range(r.from, r.to, r.protocol)));
      }
    }
    // Routes: the HTTPRoute in its tenant, the grant in each other tenant it points into, and at each
    // backend the admission of the gateway's proxy on exactly the route's port. The checker refuses
    // gateways on clusters without Cilium.
    if (p.gateways.length) new Gateways(this, 'gateways', { gateways: p.gateways, cluster: p.cluster });
    for (const r of p.routes) {
      new HttpRouteConstruct(tenants.get(r.tenant)!, `route-${r.name}`, { route: r });
      for (const rule of r.rules) for (const b of rule.backends) tenants.get(b.tenant)!.ciliumPolicyOf(b.workload).allowFromGateway([CiliumPort.tcp(b.port)]);
    }
    const grants = new ReferenceGrants(p.routes);
    for (const [name, chart] of tenants) grants.renderInto(chart, name);

    // Set-up files (not manifests): the cluster config, and on Cilium the chart values to install it with.
    clusterSetupFiles(this, p.cluster);
    if (cilium) new CiliumValues(this, 'cilium-values', { cluster: p.cluster, gatewayApi: p.gateways.length > 0 });
    if (cilium) {
      const guardrails = p.guardrails
        .map((g) => ({ guardrail: g, fromTenants: tenantsSelected(g.from, p.tenants), toTenants: tenantsSelected(g.to, p.tenants) }))
        .filter((g) => g.fromTenants.length && g.toTenants.length);
      if (guardrails.length) {
        const chart = new PlatformChart(this, 'guardrails', { outputFile: 'platform/guardrails.yaml' });
        for (const g of guardrails) new GuardrailPolicy(chart, g.guardrail.name, g);
      }
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

/** The flow's ports on one destination as numbers (Cilium L7 rules are written per port number). */
function numericPortsOn(flow: Flow, destination: Workload): CiliumPort[] {
  return flow.ports.flatMap((s) => {
    if (s.kind === 'range') return [CiliumPort.range(s.from, s.to, s.protocol)];
    return destination.ports.filter((p) => p.name === s.name).map((p) => CiliumPort.range(p.port, p.port, p.protocol));
  });
}
