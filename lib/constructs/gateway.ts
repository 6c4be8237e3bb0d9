/**
 * The platform's gateways on one cluster, in `platform/gateways.yaml`: the `bulkhead-gateways`
 * Namespace (Pod Security `restricted`, like every tenant), a Gateway of class `cilium` per declared
 * gateway, and on kind the LB-IPAM pool and L2 announcement policy that give Gateways an address.
 *
 *   new Gateways(app, 'gateways', { gateways: model.gateways, cluster: model.cluster });
 *
 * Each listener admits HTTPRoutes only from the tenants that may use it, selected by
 * `kubernetes.io/metadata.name` (set by the API server), never by labels a tenant could copy.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CiliumL2AnnouncementPolicy } from '../../imports/cilium-l2-announcement-policy-cilium.io';
import { CiliumLoadBalancerIpPool } from '../../imports/cilium-lb-ip-pool-cilium.io';
import { Gateway as KubeGateway, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../../imports/gateway-gateway.networking.k8s.io';
import { Cluster, GATEWAY_NAMESPACE, Gateway } from '../model/platform';
import { DefaultDeny } from './default-deny';
import { NAMESPACE_NAME_LABEL } from './labels';
import { PlatformChart } from './platform-chart';
import { POD_SECURITY } from './tenant';

export const GATEWAY_CLASS = 'cilium';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const MANAGED = { 'app.kubernetes.io/managed-by': 'bulkhead' };

export interface GatewaysProps {
  readonly gateways: readonly Gateway[];
  readonly cluster: Cluster;
}

export class Gateways extends PlatformChart {
  constructor(scope: Construct, id: string, props: GatewaysProps) {
    super(scope, id, { outputFile: 'platform/gateways.yaml', namespace: GATEWAY_NAMESPACE });
    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: GATEWAY_NAMESPACE, labels: { ...MANAGED, ...POD_SECURITY } } });
    // Cilium's Gateways run no pods here (Envoy runs in the agent); anything that appears later starts isolated.
    new DefaultDeny(this, 'default-deny', { namespace: GATEWAY_NAMESPACE });
    for (const g of props.gateways) {
      new KubeGateway(this, g.name, {
        metadata: { name: g.name, namespace: GATEWAY_NAMESPACE, labels: MANAGED },
        spec: { gatewayClassName: GATEWAY_CLASS, listeners: g.listeners.map((l) => listener(l, g.tenants)) },
      });
    }
    if (props.cluster.provider === 'kind' && props.gateways.length) this.kindAddresses(props.cluster);
  }

  /** kind has no cloud load balancer: Cilium hands out addresses from a pool and answers ARP for them. */
  private kindAddresses(cluster: Cluster): void {
    new CiliumLoadBalancerIpPool(this, 'pool', {
      metadata: { name: 'gateways', labels: MANAGED },
      spec: {
        blocks: [{ cidr: cluster.loadBalancerIPs! }],
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

function listener(l: Gateway['listeners'][number], tenants: readonly string[]): GatewaySpecListeners {
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
