/**
 * A guardrail: "these tenants must never reach those", as a CiliumClusterwideNetworkPolicy
 * `guardrail-<name>` of deny rules. Cilium evaluates deny rules before every allow, NetworkPolicy
 * included, and the policy is cluster-scoped, so no policy a tenant writes in its own namespace can
 * open the path (cilium#23380).
 *
 *   new Guardrail(chart, 'billing-never-reaches-phi', {
 *     from: billing,                               // a Tenant, or a selector:
 *     to: { labels: { 'data-class': 'phi' } },     // every tenant whose namespace has these labels
 *     bidirectional: true,
 *     control: 'HIPAA 45 CFR 164.312(a)(1) access control',
 *   });
 *
 * Tenants are selected by namespace name, resolved from the selector when the app is rendered (so
 * tenants added later count), never by namespace labels a tenant could edit. `enableDefaultDeny:
 * false` keeps the policy from isolating anything by itself: it only takes away. Without Cilium
 * nothing can enforce a deny that tenants cannot override, so nothing is rendered; the guardrail is
 * still recorded, and `verify` reports any connection across it.
 */
import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  CiliumClusterwideNetworkPolicy,
  CiliumClusterwideNetworkPolicySpecs,
  CiliumClusterwideNetworkPolicySpecsEgressDenyToEndpointsMatchExpressionsOperator as EgressOperator,
  CiliumClusterwideNetworkPolicySpecsEndpointSelectorMatchExpressionsOperator as SubjectOperator,
  CiliumClusterwideNetworkPolicySpecsIngressDenyFromEndpointsMatchExpressionsOperator as IngressOperator,
} from '../../imports/cilium-clusterwide-network-policy-cilium.io';
import { GUARDRAIL_PREFIX } from '../model/naming';
import { Guardrail as GuardrailModel, TenantSelector, describeSelector, tenantsSelected } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { CILIUM_NAMESPACE_LABEL } from './cilium-policy';
import { ClusterSettings } from './cluster-settings';
import { PlatformRecord } from './platform-record';
import { Tenant } from './tenant';

// Moved to lib/model/naming.ts (reports read it and may not import constructs); re-exported here.
export { GUARDRAIL_PREFIX };

export interface GuardrailProps {
  /** @default the construct id */
  readonly name?: string;
  /** The tenants that must not reach `to`: one Tenant, or a selector by name and/or namespace labels (all must match). */
  readonly from: Tenant | TenantSelector;
  readonly to: Tenant | TenantSelector;
  /** Also deny `to` reaching `from`. @default false */
  readonly bidirectional?: boolean;
  /** The compliance control it serves (annotation `bulkhead.dev/control`). @default none */
  readonly control?: string;
  /** @default none */
  readonly description?: string;
}

export class Guardrail extends Construct {
  public readonly model: GuardrailModel;

  constructor(scope: IConstruct, id: string, props: GuardrailProps) {
    super(scope, id);
    const selector = (s: Tenant | TenantSelector): TenantSelector => (Tenant.isTenant(s) ? { tenant: s.name } : { ...s });
    const from = selector(props.from);
    const to = selector(props.to);
    for (const s of [from, to])
      if (s.tenant === undefined && !Object.keys(s.labels ?? {}).length) throw new RenderError(`${this.node.path}: a guardrail side needs a tenant or labels (an empty selector would select every tenant)`);
    this.model = {
      name: props.name ?? id,
      ...(props.description ? { description: props.description } : {}),
      ...(props.control ? { control: props.control } : {}),
      from,
      to,
      bidirectional: props.bidirectional ?? false,
      origin: constructLocation(this.node.path),
    };
    const record = PlatformRecord.of(this);
    record.guardrails.push(this.model);
    if (ClusterSettings.of(this).cni !== 'cilium') return;

    const g = this.model;
    const what = `${describeSelector(g.from)} must never ${g.bidirectional ? 'exchange traffic with' : 'reach'} ${describeSelector(g.to)}`;
    const inNamespaces = <Op>(operator: Op, names: string[]) => ({ matchExpressions: [{ key: CILIUM_NAMESPACE_LABEL, operator, values: names }] });
    // One spec per side: the side's own egress and ingress denies, so each endpoint carries them itself.
    const side = (subjects: string[], others: string[], egress: boolean, ingress: boolean): CiliumClusterwideNetworkPolicySpecs => ({
      description: `${g.name}: ${what} (this spec: ${subjects.join(', ')})`,
      endpointSelector: inNamespaces(SubjectOperator.IN, subjects),
      enableDefaultDeny: { ingress: false, egress: false },
      ...(egress ? { egressDeny: [{ toEndpoints: [inNamespaces(EgressOperator.IN, others)] }] } : {}),
      ...(ingress ? { ingressDeny: [{ fromEndpoints: [inNamespaces(IngressOperator.IN, others)] }] } : {}),
    });
    const specs = (): CiliumClusterwideNetworkPolicySpecs[] => {
      const sources = tenantsSelected(g.from, record.tenants);
      const targets = tenantsSelected(g.to, record.tenants);
      if (!sources.length || !targets.length) throw new RenderError(`${this.node.path}: guardrail ${g.name} selects no tenant on its ${sources.length ? 'to' : 'from'} side, so it would deny nothing`);
      return [side(sources, targets, true, g.bidirectional), side(targets, sources, g.bidirectional, true)];
    };
    new CiliumClusterwideNetworkPolicy(this, 'policy', {
      metadata: {
        name: `${GUARDRAIL_PREFIX}${g.name}`,
        labels: { 'app.kubernetes.io/managed-by': 'bulkhead' },
        ...(g.control || g.description
          ? { annotations: { ...(g.control ? { 'bulkhead.dev/control': g.control } : {}), ...(g.description ? { 'bulkhead.dev/description': g.description } : {}) } }
          : {}),
      },
      specs: Lazy.any({ produce: specs }) as unknown as CiliumClusterwideNetworkPolicySpecs[],
    });
  }
}
