/**
 * What NetworkPolicy cannot say about one workload, as one CiliumNetworkPolicy `<workload>-cilium`:
 * HTTP rules on incoming flows, traffic from the gateway's proxy, egress to DNS names, and egress to
 * the kube-apiserver entity.
 * Everything NetworkPolicy can express stays in the workload's `Segmentation`; nothing is in both.
 *
 *   const cilium = new CiliumPolicy(tenantChart, 'records-api', { tenant: 'patient-data', workload: 'records-api' });
 *   cilium.allowFromHttp(CiliumPeer.workload('web', 'frontend'), [CiliumPort.tcp(8080)], [{ method: 'GET', path: '/records' }]);
 *   cilium.allowToFqdn('api.stripe.com', [CiliumPort.tcp(443)]);
 *   cilium.allowToKubeApiServer([CiliumPort.tcp(6443)]);
 *
 * Why HTTP ingress leaves the NetworkPolicy: when an L4-only rule and an L7 rule open the same port to
 * the same peer, Cilium lets every request of that peer through, so the L7 rule would restrict nothing.
 * The source's egress stays in its NetworkPolicy (L7 is enforced by the destination's proxy).
 *
 * Why FQDN egress carries its own DNS rule: Cilium learns a name's addresses only by proxying the
 * workload's DNS queries, which needs an L7 DNS rule on the same endpoints (the namespace default deny
 * already opens port 53 over UDP and TCP at L4; this rule, on exactly those two, adds the proxy and widens
 * nothing. Cilium's `ANY` would also cover SCTP/53).
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CiliumNetworkPolicy,
  CiliumNetworkPolicySpec,
  CiliumNetworkPolicySpecEgress,
  CiliumNetworkPolicySpecEgressToEntities,
  CiliumNetworkPolicySpecEgressToPortsPortsProtocol as EgressProtocol,
  CiliumNetworkPolicySpecIngress,
  CiliumNetworkPolicySpecIngressFromEntities,
  CiliumNetworkPolicySpecIngressToPortsPortsProtocol as IngressProtocol,
} from '../../imports/cilium-network-policy-cilium.io';
import { HttpRule, Protocol } from '../model/platform';
import { TENANT_LABEL, WORKLOAD_LABEL, workloadLabels } from './labels';

/** Cilium's label for a pod's namespace; set by Cilium from the namespace name, not editable by tenants. */
export const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/** The protocols of port 53 that the DNS proxy rule covers: those the namespace default deny opens. */
const DNS_PROTOCOLS = [EgressProtocol.UDP, EgressProtocol.TCP];

/** An in-cluster peer of a Cilium rule: pods always selected together with their namespace. */
export class CiliumPeer {
  static workload(tenant: string, workload: string): CiliumPeer {
    return new CiliumPeer(`1:${tenant}/${workload}`, { [CILIUM_NAMESPACE_LABEL]: tenant, [WORKLOAD_LABEL]: workload });
  }
  static tenant(tenant: string): CiliumPeer {
    return new CiliumPeer(`0:${tenant}`, { [CILIUM_NAMESPACE_LABEL]: tenant, [TENANT_LABEL]: tenant });
  }
  static kubeDns(): CiliumPeer {
    return new CiliumPeer('2:kube-dns', { [CILIUM_NAMESPACE_LABEL]: 'kube-system', 'k8s-app': 'kube-dns' });
  }

  private constructor(
    public readonly key: string,
    private readonly labels: Record<string, string>,
  ) {}

  /** @internal */
  _toKube(): { matchLabels: Record<string, string> } {
    return { matchLabels: { ...this.labels } };
  }
}

/** A port of a Cilium rule: numbers only (named ports are resolved on the destination when lowering). */
export class CiliumPort {
  static tcp(port: number): CiliumPort {
    return CiliumPort.range(port, port, 'TCP');
  }
  static range(from: number, to: number, protocol: Protocol = 'TCP'): CiliumPort {
    return new CiliumPort(from, to, protocol);
  }

  public readonly key: string;

  private constructor(
    public readonly from: number,
    public readonly to: number,
    public readonly protocol: Protocol,
  ) {
    if (!Number.isInteger(from) || from < 1 || to > 65535 || to < from) throw new Error(`invalid port range ${from}-${to}`);
    this.key = `${protocol}:${String(from).padStart(5, '0')}-${String(to).padStart(5, '0')}`;
  }

  /** @internal Cilium writes the port as a string; the protocol is always written out. */
  _toKube(): { port: string; endPort?: number; protocol: string } {
    return { port: String(this.from), ...(this.to > this.from ? { endPort: this.to } : {}), protocol: this.protocol };
  }
}

export interface CiliumPolicyProps {
  readonly tenant: string;
  readonly workload: string;
}

interface HttpIngress {
  peer: CiliumPeer;
  ports: Map<string, CiliumPort>;
  http: Map<string, HttpRule>;
}

export class CiliumPolicy extends Construct {
  private readonly httpIngress = new Map<string, HttpIngress>();
  private readonly fqdnEgress = new Map<string, { fqdn: string; ports: Map<string, CiliumPort> }>();
  private readonly apiServerPorts = new Map<string, CiliumPort>();
  private readonly gatewayPorts = new Map<string, CiliumPort>();
  private policy?: ApiObject;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CiliumPolicyProps,
  ) {
    super(scope, id);
  }

  /** Lets `peer` send the given HTTP requests to this workload on `ports` (and nothing else on them). */
  allowFromHttp(peer: CiliumPeer, ports: readonly CiliumPort[], http: readonly HttpRule[]): this {
    if (!ports.length || !http.length) throw new Error(`${this.node.path}: an HTTP rule needs ports and requests`);
    for (const p of ports) if (p.protocol !== 'TCP' || p.to !== p.from) throw new Error(`${this.node.path}: HTTP rules need single TCP ports, got ${p.key}`);
    // One rule per peer and port set: the same requests on the same ports merge, anything else stays apart.
    const portKey = ports.map((p) => p.key).sort().join(',');
    const key = `${peer.key}|${portKey}`;
    let rule = this.httpIngress.get(key);
    if (!rule) this.httpIngress.set(key, (rule = { peer, ports: new Map(ports.map((p) => [p.key, p])), http: new Map() }));
    for (const r of http) rule.http.set(JSON.stringify([r.method ?? '', r.path ?? '', r.host ?? '']), r);
    return this.ensure();
  }

  /** Lets this workload reach the addresses `fqdn` resolves to (a name, or a `*.` pattern) on `ports`. */
  allowToFqdn(fqdn: string, ports: readonly CiliumPort[]): this {
    if (!ports.length) throw new Error(`${this.node.path}: egress to ${fqdn} needs ports`);
    let rule = this.fqdnEgress.get(fqdn);
    if (!rule) this.fqdnEgress.set(fqdn, (rule = { fqdn, ports: new Map() }));
    for (const p of ports) rule.ports.set(p.key, p);
    return this.ensure();
  }

  /**
   * Lets the gateway's proxy reach this workload on `ports`. Cilium's Envoy sends route traffic with
   * the reserved `ingress` identity, which no NetworkPolicy selector matches (cilium#36509).
   */
  allowFromGateway(ports: readonly CiliumPort[]): this {
    if (!ports.length) throw new Error(`${this.node.path}: gateway ingress needs ports`);
    for (const p of ports) this.gatewayPorts.set(p.key, p);
    return this.ensure();
  }

  /** Lets this workload reach the Kubernetes API server (Cilium's `kube-apiserver` entity) on `ports`. */
  allowToKubeApiServer(ports: readonly CiliumPort[]): this {
    if (!ports.length) throw new Error(`${this.node.path}: kube-apiserver egress needs ports`);
    for (const p of ports) this.apiServerPorts.set(p.key, p);
    return this.ensure();
  }

  private ensure(): this {
    const { tenant, workload } = this.props;
    this.policy ??= new CiliumNetworkPolicy(this, 'policy', {
      metadata: { name: `${workload}-cilium`, namespace: tenant, labels: workloadLabels(tenant, workload) },
      spec: Lazy.any({ produce: () => this._toKube() }) as unknown as CiliumNetworkPolicySpec,
    });
    return this;
  }

  /** @internal Renders the rules gathered so far, in a stable order. */
  _toKube(): CiliumNetworkPolicySpec {
    const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => compare(a, b)).map(([, v]) => v);
    const ingress: CiliumNetworkPolicySpecIngress[] = [];
    if (this.gatewayPorts.size)
      ingress.push({
        fromEntities: [CiliumNetworkPolicySpecIngressFromEntities.INGRESS],
        toPorts: [{ ports: byKey(this.gatewayPorts).map((p) => ({ ...p._toKube(), protocol: p.protocol as IngressProtocol })) }],
      });
    ingress.push(...byKey(this.httpIngress).map((r) => ({
      fromEndpoints: [r.peer._toKube()],
      toPorts: [
        {
          ports: byKey(r.ports).map((p) => ({ ...p._toKube(), protocol: p.protocol as IngressProtocol })),
          rules: { http: byKey(r.http).map((h) => ({ ...h })) },
        },
      ],
    })));
    const egress: CiliumNetworkPolicySpecEgress[] = [];
    if (this.fqdnEgress.size) {
      egress.push({
        toEndpoints: [CiliumPeer.kubeDns()._toKube()],
        // UDP and TCP, exactly what the namespace default deny opens: Cilium's ANY would add SCTP/53.
        toPorts: [{ ports: DNS_PROTOCOLS.map((protocol) => ({ port: '53', protocol })), rules: { dns: [{ matchPattern: '*' }] } }],
      });
      for (const r of byKey(this.fqdnEgress)) {
        egress.push({
          toFqdNs: [r.fqdn.startsWith('*') ? { matchPattern: r.fqdn } : { matchName: r.fqdn }],
          toPorts: [{ ports: byKey(r.ports).map((p) => ({ ...p._toKube(), protocol: p.protocol as EgressProtocol })) }],
        });
      }
    }
    if (this.apiServerPorts.size) {
      egress.push({
        toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER],
        toPorts: [{ ports: byKey(this.apiServerPorts).map((p) => ({ ...p._toKube(), protocol: p.protocol as EgressProtocol })) }],
      });
    }
    return {
      endpointSelector: { matchLabels: { [WORKLOAD_LABEL]: this.props.workload } },
      ...(ingress.length ? { ingress } : {}),
      ...(egress.length ? { egress } : {}),
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
