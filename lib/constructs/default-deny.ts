/**
 * Isolates every pod of a namespace in both directions, and keeps name resolution working: the
 * same policy allows DNS to kube-dns (kube-system, `k8s-app: kube-dns`, 53 over UDP and TCP).
 * A default deny without that rule silently breaks every lookup, so bulkhead never emits one.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { commonLabels } from './labels';
import { PolicyPeer } from './policy-peer';
import { PolicyPort } from './policy-port';

export const KUBE_DNS = PolicyPeer.pods('kube-system', { 'k8s-app': 'kube-dns' });
export const DNS_PORTS = [PolicyPort.udp(53), PolicyPort.tcp(53)];

export interface DefaultDenyProps {
  readonly namespace: string;
}

export class DefaultDeny extends Construct {
  constructor(scope: Construct, id: string, props: DefaultDenyProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: { name: 'default-deny', namespace: props.namespace, labels: commonLabels(props.namespace) },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        egress: [{ to: [KUBE_DNS._toKube()], ports: DNS_PORTS.map((p) => p._toKube()) }],
      },
    });
  }
}
