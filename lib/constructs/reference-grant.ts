/**
 * A backend tenant's consent to HTTPRoutes of another namespace using some of its Services (Gateway
 * API ReferenceGrant `httproutes-from-<namespace>`). Without it that share of the route's traffic gets
 * HTTP 500. Tenants create one per route namespace, when a route first needs it (`HttpRoute` does),
 * and it lists exactly the Services routes use.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ReferenceGrant as KubeReferenceGrant, ReferenceGrantSpec } from '../../imports/reference-grant-gateway.networking.k8s.io';
import { GATEWAY_API_GROUP } from './gateway';
import { commonLabels } from './labels';

export interface ReferenceGrantProps {
  /** The backend namespace (where the grant lives). */
  readonly namespace: string;
  /** The namespace whose HTTPRoutes may refer to the Services. */
  readonly from: string;
}

export class ReferenceGrant extends Construct {
  private readonly services = new Set<string>();

  constructor(scope: Construct, id: string, props: ReferenceGrantProps) {
    super(scope, id);
    new KubeReferenceGrant(this, 'grant', {
      metadata: { name: `httproutes-from-${props.from}`, namespace: props.namespace, labels: commonLabels(props.namespace) },
      spec: Lazy.any({
        produce: (): ReferenceGrantSpec => ({
          from: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute', namespace: props.from }],
          to: [...this.services].sort().map((name) => ({ group: '', kind: 'Service', name })),
        }),
      }) as unknown as ReferenceGrantSpec,
    });
  }

  /** Lets the routes use Service `name`. */
  allow(name: string): this {
    this.services.add(name);
    return this;
  }
}
