/**
 * Gateways (Gateway API, class `cilium`) in the platform-owned namespace `bulkhead-gateways`.
 * `Gateways` renders the namespace (Pod Security `restricted`, default deny, like every tenant) and,
 * on kind, the LB-IPAM pool and L2 announcement policy that give Gateways an address; each `Gateway`
 * in it renders one Gateway.
 *
 *   const gateways = new Gateways(chart, 'gateways', { loadBalancerIPs: '172.18.255.200/29' });   // kind
 *   const publicGw = new Gateway(gateways, 'public', { listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] });
 *   new HttpRoute(web, 'portal', { gateway: publicGw, hostnames: ['portal.example.com'], rules: [{ backends: [{ workload: frontend, port: 'http' }] }] });
 *
 * Each listener admits HTTPRoutes only from the tenants that may use it (by default the tenants whose
 * routes attach to the gateway), selected by `kubernetes.io/metadata.name` (set by the API server),
 * never by labels a tenant could copy. Needs Cilium: its Envoy implements the Gateways.
 */
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { CiliumL2AnnouncementPolicy } from '../../imports/cilium-l2-announcement-policy-cilium.io';
import { CiliumLoadBalancerIpPool } from '../../imports/cilium-lb-ip-pool-cilium.io';
import { Gateway as KubeGateway, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../../imports/gateway-gateway.networking.k8s.io';
import { GATEWAY_NAMESPACE, Listener } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { ClusterSettings } from './cluster-settings';
import { DefaultDeny } from './default-deny';
import { NAMESPACE_NAME_LABEL, POD_SECURITY } from './labels';
import { PlatformRecord } from './platform-record';
import type { Tenant } from './tenant';

export const GATEWAY_CLASS = 'cilium';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const MANAGED = { 'app.kubernetes.io/managed-by': 'bulkhead' };

export interface GatewaysProps {
  /**
   * kind: the addresses Cilium's LB-IPAM hands to Gateways (answered by L2 announcements).
   * @default none: a cloud load balancer gives the addresses (EKS)
   */
  readonly loadBalancerIPs?: string;
}

export class Gateways extends Construct {
  constructor(scope: IConstruct, id: string, props: GatewaysProps = {}) {
    super(scope, id);
    const cluster = ClusterSettings.of(this);
    if (cluster.cni !== 'cilium') throw new RenderError(`${this.node.path}: gateways use Cilium's Gateway API implementation (class cilium), but cluster ${cluster.name} uses cni: ${cluster.cni}`);
    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: GATEWAY_NAMESPACE, labels: { ...MANAGED, ...POD_SECURITY } } });
    // Cilium's Gateways run no pods here (Envoy runs in the agent); anything that appears later starts isolated.
    new DefaultDeny(this, 'default-deny', { namespace: GATEWAY_NAMESPACE });
    if (props.loadBalancerIPs) this.kindAddresses(props.loadBalancerIPs);
  }

  /** kind has no cloud load balancer: Cilium hands out addresses from a pool and answers ARP for them. */
  private kindAddresses(cidr: string): void {
    new CiliumLoadBalancerIpPool(this, 'pool', {
      metadata: { name: 'gateways', labels: MANAGED },
      spec: {
        blocks: [{ cidr }],
        serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': GATEWAY_NAMESPACE } },
      },
    });
    new CiliumL2AnnouncementPolicy(this, 'l2', {
      metadata: { name: 'gateways', labels: MANAGED },
      spec: {
        loadBalancerIPs: true,
        interfaces: ['^eth[0-9]+'],
        serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': GATEWAY_NAMESPACE } },
      },
    });
  }
}

export interface ListenerProps {
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly port: number;
  /** @default every hostname */
  readonly hostname?: string;
  /** HTTPS: the certificate Secret's name in `bulkhead-gateways` (required for HTTPS). */
  readonly certificate?: string;
}

export interface GatewayProps {
  /** @default the construct id */
  readonly name?: string;
  readonly listeners: readonly ListenerProps[];
  /** Tenants whose HTTPRoutes may attach. @default the tenants whose routes attach to it */
  readonly tenants?: readonly Tenant[];
}

export class Gateway extends Construct {
  public readonly name: string;
  public readonly listeners: readonly Listener[];
  private readonly admitted?: readonly string[];
  private readonly routeTenants = new Set<string>();

  constructor(scope: Gateways, id: string, props: GatewayProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const fail = (message: string) => new RenderError(`${this.node.path}: ${message}`);
    if (!props.listeners.length) throw fail('a gateway needs at least one listener');
    const names = new Set<string>();
    for (const l of props.listeners) {
      if (names.has(l.name)) throw fail(`listener "${l.name}" is declared twice`);
      names.add(l.name);
      if (l.protocol === 'HTTPS' && !l.certificate) throw fail(`HTTPS listener "${l.name}" needs a certificate (a Secret in ${GATEWAY_NAMESPACE})`);
      if (l.protocol === 'HTTP' && l.certificate) throw fail(`HTTP listener "${l.name}" does not terminate TLS: remove certificate, or use HTTPS`);
    }
    this.listeners = props.listeners.map((l) => ({ name: l.name, protocol: l.protocol, port: l.port, ...(l.hostname ? { hostname: l.hostname } : {}), ...(l.certificate ? { certificate: l.certificate } : {}) }));
    if (props.tenants) this.admitted = [...new Set(props.tenants.map((t) => t.name))].sort();
    const cluster = ClusterSettings.of(this);
    const origin = constructLocation(this.node.path);
    PlatformRecord.of(this).addGateway(this.name, () => ({ name: this.name, clusters: [cluster.name], listeners: this.listeners, tenants: this.tenants, origin }), this.node.path);
    new KubeGateway(this, 'gateway', {
      metadata: { name: this.name, namespace: GATEWAY_NAMESPACE, labels: MANAGED },
      spec: {
        gatewayClassName: GATEWAY_CLASS,
        listeners: Lazy.any({ produce: () => this.listeners.map((l) => listener(l, this.tenants)) }) as unknown as GatewaySpecListeners[],
      },
    });
  }

  /** The tenants admitted to attach routes, sorted. */
  get tenants(): readonly string[] {
    return this.admitted ?? [...this.routeTenants].sort();
  }

  /** @internal Called by each HttpRoute that attaches; refuses a tenant the gateway does not admit. */
  _attach(tenant: string, where: string): void {
    if (this.admitted && !this.admitted.includes(tenant)) throw new RenderError(`${where}: gateway ${this.name} does not admit routes from tenant ${tenant} (it admits ${this.admitted.join(', ') || 'none'})`);
    this.routeTenants.add(tenant);
  }
}

function listener(l: Listener, tenants: readonly string[]): GatewaySpecListeners {
  return {
    name: l.name,
    protocol: l.protocol,
    port: l.port,
    ...(l.hostname ? { hostname: l.hostname } : {}),
    ...(l.certificate ? { tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: l.certificate }] } } : {}),
    allowedRoutes: {
      kinds: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }],
      namespaces: {
        from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
        // No tenant admitted: an empty In list is invalid, and a selector nothing matches says the same.
        selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: tenants.length ? 'In' : 'DoesNotExist', ...(tenants.length ? { values: [...tenants] } : {}) }] },
      },
    },
  };
}
