/**
 * A guardrail as a CiliumClusterwideNetworkPolicy `guardrail-<name>` of deny rules. Cilium evaluates
 * deny rules before every allow, NetworkPolicy included, and the policy is cluster-scoped, so no
 * policy a tenant writes in its own namespace can open the path (cilium#23380).
 *
 *   new GuardrailPolicy(guardrailsChart, 'billing-never-reaches-phi', {
 *     guardrail, fromTenants: ['billing'], toTenants: ['patient-data'],
 *   });
 *
 * Tenants are selected by namespace name (resolved from the guardrail's selector at compile time),
 * never by namespace labels a tenant could edit. `enableDefaultDeny: false` keeps the policy from
 * isolating anything by itself: it only takes away.
 */
import { Construct } from 'constructs';
import {
  CiliumClusterwideNetworkPolicy,
  CiliumClusterwideNetworkPolicySpecs,
  CiliumClusterwideNetworkPolicySpecsEgressDenyToEndpointsMatchExpressionsOperator as EgressOperator,
  CiliumClusterwideNetworkPolicySpecsEndpointSelectorMatchExpressionsOperator as SubjectOperator,
  CiliumClusterwideNetworkPolicySpecsIngressDenyFromEndpointsMatchExpressionsOperator as IngressOperator,
} from '../../imports/cilium-clusterwide-network-policy-cilium.io';
import { GUARDRAIL_PREFIX } from '../model/naming';
import { Guardrail, describeSelector } from '../model/platform';
import { CILIUM_NAMESPACE_LABEL } from './cilium-policy';

// Moved to lib/model/naming.ts (reports read it and may not import constructs); re-exported here.
export { GUARDRAIL_PREFIX };

export interface GuardrailPolicyProps {
  readonly guardrail: Guardrail;
  /** Namespaces the guardrail's `from` selects on this cluster. */
  readonly fromTenants: readonly string[];
  /** Namespaces the guardrail's `to` selects on this cluster. */
  readonly toTenants: readonly string[];
}


export class GuardrailPolicy extends Construct {
  constructor(scope: Construct, id: string, props: GuardrailPolicyProps) {
    super(scope, id);
    const g = props.guardrail;
    const from = [...props.fromTenants].sort();
    const to = [...props.toTenants].sort();
    if (!from.length || !to.length) throw new Error(`${this.node.path}: guardrail ${g.name} selects no tenant on one side; render nothing instead`);
    const inNamespaces = <Op>(operator: Op, names: string[]) => ({ matchExpressions: [{ key: CILIUM_NAMESPACE_LABEL, operator, values: names }] });
    const what = `${describeSelector(g.from)} must never ${g.bidirectional ? 'exchange traffic with' : 'reach'} ${describeSelector(g.to)}`;

    // One spec per side: the side's own egress and ingress denies, so each endpoint carries them itself.
    const side = (subjects: string[], others: string[], egress: boolean, ingress: boolean): CiliumClusterwideNetworkPolicySpecs => ({
      description: `${g.name}: ${what} (this spec: ${subjects.join(', ')})`,
      endpointSelector: inNamespaces(SubjectOperator.IN, subjects),
      enableDefaultDeny: { ingress: false, egress: false },
      ...(egress ? { egressDeny: [{ toEndpoints: [inNamespaces(EgressOperator.IN, others)] }] } : {}),
      ...(ingress ? { ingressDeny: [{ fromEndpoints: [inNamespaces(IngressOperator.IN, others)] }] } : {}),
    });
    new CiliumClusterwideNetworkPolicy(this, 'policy', {
      metadata: {
        name: `${GUARDRAIL_PREFIX}${g.name}`,
        labels: { 'app.kubernetes.io/managed-by': 'bulkhead' },
        ...(g.control || g.description
          ? { annotations: { ...(g.control ? { 'bulkhead.dev/control': g.control } : {}), ...(g.description ? { 'bulkhead.dev/description': g.description } : {}) } }
          : {}),
      },
      specs: [side(from, to, true, g.bidirectional), side(to, from, g.bidirectional, true)],
    });
  }
}
