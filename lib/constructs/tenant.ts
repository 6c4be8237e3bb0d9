/**
 * A tenant on one cluster: its Namespace (labelled, Pod Security `restricted` enforced), the default
 * deny that isolates it, and a Workload and Segmentation per workload. One Chart per tenant, so one
 * file per tenant in dist/.
 *
 *   const web = new Tenant(app, 'web', { tenant: model.tenant });
 *   web.segmentationOf('frontend').allowTo(PolicyPeer.workload('billing', 'invoicer'), [PolicyPort.named('http')]);
 *   web.ciliumPolicyOf('frontend').allowToFqdn('api.stripe.com', [CiliumPort.tcp(443)]);
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Tenant as TenantModel } from '../model/platform';
import { CiliumPolicy } from './cilium-policy';
import { DefaultDeny } from './default-deny';
import { commonLabels } from './labels';
import { Segmentation } from './segmentation';
import { Workload } from './workload';

/** Pod Security Admission: enforce, audit and warn on `restricted`, pinned to the 1.28 rules. */
export const POD_SECURITY = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'v1.28',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};

export interface TenantProps {
  readonly tenant: TenantModel;
}

export class Tenant extends Chart {
  public readonly name: string;
  private readonly segmentations = new Map<string, Segmentation>();
  private readonly ciliumPolicies = new Map<string, CiliumPolicy>();

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id, { namespace: props.tenant.name, disableResourceNameHashes: true });
    const t = props.tenant;
    this.name = t.name;
    new k8s.KubeNamespace(this, 'namespace', {
      // Tenant labels first, so that bulkhead's own labels win on a clash.
      metadata: { name: t.name, labels: { ...t.labels, ...commonLabels(t.name), ...POD_SECURITY } },
    });
    new DefaultDeny(this, 'default-deny', { namespace: t.name });
    for (const w of t.workloads) {
      const scope = new Construct(this, w.name);
      new Workload(scope, 'workload', { workload: w });
      this.segmentations.set(w.name, new Segmentation(scope, 'segmentation', { tenant: t.name, workload: w.name }));
    }
  }

  segmentationOf(workload: string): Segmentation {
    const s = this.segmentations.get(workload);
    if (!s) throw new Error(`${this.node.path}: no workload "${workload}" in tenant ${this.name}`);
    return s;
  }

  /** The workload's CiliumNetworkPolicy, created on first use (a workload that needs none gets none). */
  ciliumPolicyOf(workload: string): CiliumPolicy {
    const scope = this.segmentationOf(workload).node.scope!;
    let policy = this.ciliumPolicies.get(workload);
    if (!policy) this.ciliumPolicies.set(workload, (policy = new CiliumPolicy(scope, 'cilium', { tenant: this.name, workload })));
    return policy;
  }
}
