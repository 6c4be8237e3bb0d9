/**
 * The NetworkPolicies of one workload: at most one for ingress and one for egress, however many
 * flows it has, each holding one rule per peer with that peer's ports merged.
 *
 *   const seg = new Segmentation(tenantChart, 'records-api', { tenant: 'patient-data', workload: 'records-api' });
 *   seg.allowFrom(PolicyPeer.workload('web', 'frontend'), [PolicyPort.named('http')]);
 *   seg.allowTo(PolicyPeer.workload('patient-data', 'records-db'), [PolicyPort.named('postgres')]);
 *
 * Isolation itself comes from the namespace's `DefaultDeny`; these policies only add allows, so a
 * workload without flows gets no policy of its own and stays fully isolated.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WORKLOAD_LABEL, workloadLabels } from './labels';
import { PolicyPeer } from './policy-peer';
import { PolicyPort } from './policy-port';

export interface SegmentationProps {
  readonly tenant: string;
  readonly workload: string;
}

type Direction = 'ingress' | 'egress';

export class Segmentation extends Construct {
  private readonly rules: Record<Direction, Map<string, { peer: PolicyPeer; ports: Map<string, PolicyPort> }>> = {
    ingress: new Map(),
    egress: new Map(),
  };
  private readonly policies: Partial<Record<Direction, ApiObject>> = {};

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SegmentationProps,
  ) {
    super(scope, id);
  }

  /** Lets `peer` open connections to this workload on `ports`. */
  allowFrom(peer: PolicyPeer, ports: readonly PolicyPort[]): this {
    return this.add('ingress', peer, ports);
  }

  /** Lets this workload open connections to `peer` on `ports`. */
  allowTo(peer: PolicyPeer, ports: readonly PolicyPort[]): this {
    return this.add('egress', peer, ports);
  }

  private add(direction: Direction, peer: PolicyPeer, ports: readonly PolicyPort[]): this {
    if (!ports.length) throw new Error(`${this.node.path}: a rule needs at least one port (an empty list would open every port)`);
    let rule = this.rules[direction].get(peer.key);
    if (!rule) this.rules[direction].set(peer.key, (rule = { peer, ports: new Map() }));
    for (const p of ports) rule.ports.set(p.key, p);
    this.policies[direction] ??= this.createPolicy(direction);
    return this;
  }

  private createPolicy(direction: Direction): ApiObject {
    const { tenant, workload } = this.props;
    return new k8s.KubeNetworkPolicy(this, direction, {
      metadata: { name: `${workload}-${direction}`, namespace: tenant, labels: workloadLabels(tenant, workload) },
      spec: Lazy.any({ produce: () => this._toKube(direction) }) as unknown as k8s.NetworkPolicySpec,
    });
  }

  /** @internal Renders one direction from the rules gathered so far, in a stable order. */
  _toKube(direction: Direction): k8s.NetworkPolicySpec {
    const sorted = [...this.rules[direction].values()].sort((a, b) => compare(a.peer.key, b.peer.key));
    const rules = sorted.map(({ peer, ports }) => ({
      [direction === 'ingress' ? 'from' : 'to']: [peer._toKube()],
      ports: [...ports.values()].sort((a, b) => compare(a.key, b.key)).map((p) => p._toKube()),
    }));
    return {
      podSelector: { matchLabels: { [WORKLOAD_LABEL]: this.props.workload } },
      policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
      [direction]: rules,
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
