/**
 * A route as an HTTPRoute in its tenant's namespace, every default written out (parent group and
 * kind, backend group, kind, namespace and weight, the path match type) so that what Argo CD reads
 * back from the API server equals what is in git and never shows as drift.
 *
 *   new HttpRouteConstruct(webChart, 'portal', { route });
 *
 * A backend in another tenant needs that tenant's consent: `ReferenceGrants` collects, per backend
 * namespace, the Services routes of each other namespace point at, and renders exactly one
 * ReferenceGrant per (backend namespace, route namespace) pair that needs one, and none otherwise.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRules, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesPathType } from '../../imports/http-route-gateway.networking.k8s.io';
import { ReferenceGrant } from '../../imports/reference-grant-gateway.networking.k8s.io';
import { GATEWAY_NAMESPACE, Route } from '../model/platform';
import { GATEWAY_API_GROUP } from './gateway';
import { commonLabels } from './labels';

export interface HttpRouteProps {
  readonly route: Route;
}

export class HttpRouteConstruct extends Construct {
  constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    const r = props.route;
    const rules: HttpRouteSpecRules[] = r.rules.map((rule) => ({
      matches: [
        {
          path: { type: rule.path.type === 'Exact' ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: rule.path.value },
          ...(rule.headers.length ? { headers: rule.headers.map((h) => ({ type: HttpRouteSpecRulesMatchesHeadersType.EXACT, name: h.name, value: h.value })) } : {}),
        },
      ],
      backendRefs: rule.backends.map((b) => ({ group: '', kind: 'Service', name: b.workload, namespace: b.tenant, port: b.port, weight: b.weight })),
    }));
    new HttpRoute(this, 'route', {
      metadata: { name: r.name, namespace: r.tenant, labels: commonLabels(r.tenant) },
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: r.gateway, namespace: GATEWAY_NAMESPACE, ...(r.listener ? { sectionName: r.listener } : {}) }],
        hostnames: [...r.hostnames],
        rules,
      },
    });
  }
}

/** The ReferenceGrants a set of routes needs, placed in each backend tenant's chart. */
export class ReferenceGrants {
  /** backend namespace -> route namespace -> Service names */
  private readonly needed = new Map<string, Map<string, Set<string>>>();

  constructor(routes: readonly Route[]) {
    for (const r of routes)
      for (const rule of r.rules)
        for (const b of rule.backends) {
          if (b.tenant === r.tenant) continue;
          const byRouteNs = this.needed.get(b.tenant) ?? new Map<string, Set<string>>();
          this.needed.set(b.tenant, byRouteNs);
          byRouteNs.set(r.tenant, (byRouteNs.get(r.tenant) ?? new Set()).add(b.workload));
        }
  }

  /** Renders the grants of backend namespace `namespace` into `chart` (nothing when none is needed). */
  renderInto(chart: Chart, namespace: string): void {
    for (const [routeNamespace, services] of [...(this.needed.get(namespace) ?? new Map<string, Set<string>>()).entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      new ReferenceGrant(chart, `httproutes-from-${routeNamespace}`, {
        metadata: { name: `httproutes-from-${routeNamespace}`, namespace, labels: commonLabels(namespace) },
        spec: {
          from: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute', namespace: routeNamespace }],
          to: [...services].sort().map((name) => ({ group: '', kind: 'Service', name })),
        },
      });
    }
  }
}
