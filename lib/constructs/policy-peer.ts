/**
 * The other side of a NetworkPolicy rule. Pods are always selected together with their namespace
 * (namespaceSelector AND podSelector in one peer), by names bulkhead owns.
 *
 *   PolicyPeer.workload('billing', 'invoicer'); PolicyPeer.tenant('web'); PolicyPeer.ipBlock('203.0.113.0/24')
 */
import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL, TENANT_LABEL, WORKLOAD_LABEL } from './labels';

export class PolicyPeer {
  static workload(tenant: string, workload: string): PolicyPeer {
    return PolicyPeer.pods(tenant, { [WORKLOAD_LABEL]: workload }, `1:${tenant}/${workload}`);
  }
  /** Every workload bulkhead manages in the tenant. */
  static tenant(tenant: string): PolicyPeer {
    return PolicyPeer.pods(tenant, { [TENANT_LABEL]: tenant }, `0:${tenant}`);
  }
  /** Pods with `labels` in the namespace called `namespace`. */
  static pods(namespace: string, labels: Record<string, string>, key = `2:${namespace}/${JSON.stringify(labels)}`): PolicyPeer {
    return new PolicyPeer(key, {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
      podSelector: { matchLabels: labels },
    });
  }
  /** Addresses outside the cluster. */
  static ipBlock(cidr: string, except: readonly string[] = []): PolicyPeer {
    return new PolicyPeer(`3:${cidr}!${except.join(',')}`, { ipBlock: { cidr, ...(except.length ? { except: [...except] } : {}) } });
  }

  private constructor(
    /** Orders and de-duplicates peers: equal keys select the same traffic. */
    public readonly key: string,
    private readonly spec: k8s.NetworkPolicyPeer,
  ) {}

  /** @internal */
  _toKube(): k8s.NetworkPolicyPeer {
    return this.spec;
  }
}
