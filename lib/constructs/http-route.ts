/**
 * A route as an HTTPRoute in its tenant's namespace, every default written out (parent group and
 * kind, backend group, kind, namespace and weight, the path match type) so that what Argo CD reads
 * back from the API server equals what is in git and never shows as drift. It also opens what the
 * route needs and nothing else: each backend admits the gateway's proxy on exactly the backend port
 * (Cilium's Envoy sends route traffic with the reserved `ingress` identity, cilium#36509), and a
 * backend in another tenant gets that tenant's ReferenceGrant for exactly the Services used.
 *
 *   new HttpRoute(web, 'portal', {
 *     gateway: publicGateway,
 *     hostnames: ['portal.example.com'],
 *     rules: [{ path: '/', backends: [{ workload: frontend, port: 'http', weight: 90 }, { workload: canary, port: 'http', weight: 10 }] }],
 *   });
 */
import { Construct } from 'constructs';
import { HttpRoute as KubeHttpRoute, HttpRouteSpecRules, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesPathType } from '../../imports/http-route-gateway.networking.k8s.io';
import { GATEWAY_NAMESPACE, Route, RouteBackend, RouteRule } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { CiliumPort } from './cilium-policy';
import { GATEWAY_API_GROUP, Gateway } from './gateway';
import { commonLabels } from './labels';
import { PlatformRecord } from './platform-record';
import type { Tenant } from './tenant';
import type { Workload } from './workload';

export interface RouteBackendProps {
  readonly workload: Workload;
  /** A TCP port of the workload, by name or number (its Service exposes it under the same number). */
  readonly port: string | number;
  /** Share of the rule's traffic. @default 1 */
  readonly weight?: number;
}

export interface RouteRuleProps {
  /** A path prefix, or an exact path. @default "/" (a prefix: every path) */
  readonly path?: string | { readonly type: 'PathPrefix' | 'Exact'; readonly value: string };
  /** Headers that must match exactly. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  readonly backends: readonly RouteBackendProps[];
}

export interface HttpRouteProps {
  /** @default the construct id */
  readonly name?: string;
  readonly gateway: Gateway;
  /** One listener of the gateway. @default every listener */
  readonly listener?: string;
  readonly hostnames: readonly string[];
  readonly rules: readonly RouteRuleProps[];
}

export class HttpRoute extends Construct {
  public readonly name: string;
  /** The route as the model says it (what `verify` expects). */
  public readonly model: Route;

  constructor(tenant: Tenant, id: string, props: HttpRouteProps) {
    super(tenant, id);
    this.name = props.name ?? id;
    const where = this.node.path;
    const fail = (message: string) => new RenderError(`${where}: ${message}`);
    const origin = constructLocation(where);
    const g = props.gateway;
    if (g.node.root !== this.node.root) throw fail('the gateway must be in the same app');
    if (props.listener !== undefined && !g.listeners.some((l) => l.name === props.listener)) throw fail(`gateway ${g.name} has no listener "${props.listener}"`);
    if (!props.rules.length) throw fail('a route needs at least one rule');
    const used: Array<{ workload: Workload; port: number }> = [];
    const rules: RouteRule[] = props.rules.map((rule, i) => {
      if (!rule.backends.length) throw fail(`rule ${i} needs at least one backend`);
      const backends = rule.backends.map((b) => {
        const resolved = backend(b, fail, origin);
        used.push({ workload: b.workload, port: resolved.port });
        return resolved;
      });
      if (backends.every((b) => b.weight === 0)) throw fail(`rule ${i}: every backend has weight 0, so it sends all its traffic nowhere (HTTP 500)`);
      const path = rule.path === undefined ? '/' : rule.path;
      return {
        path: typeof path === 'string' ? { type: 'PathPrefix', value: path } : { type: path.type, value: path.value },
        headers: Object.keys(rule.headers ?? {}).sort().map((name) => ({ name, value: rule.headers![name] })),
        backends,
        origin,
      };
    });
    this.model = { name: this.name, tenant: tenant.name, gateway: g.name, ...(props.listener ? { listener: props.listener } : {}), hostnames: [...props.hostnames], rules, origin };
    g._attach(tenant.name, where);
    PlatformRecord.of(this).routes.push(this.model);

    new KubeHttpRoute(this, 'route', {
      metadata: { name: this.name, namespace: tenant.name, labels: commonLabels(tenant.name) },
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: g.name, namespace: GATEWAY_NAMESPACE, ...(props.listener ? { sectionName: props.listener } : {}) }],
        hostnames: [...props.hostnames],
        rules: rules.map(toKube),
      },
    });
    for (const { workload, port } of used) {
      workload._ciliumPolicy().allowFromGateway([CiliumPort.tcp(port)]);
      if (workload.tenant !== tenant) workload.tenant._grantRoutesFrom(tenant.name, workload.name);
    }
  }
}

function backend(b: RouteBackendProps, fail: (message: string) => Error, origin: RouteBackend['origin']): RouteBackend {
  const w = b.workload.model;
  const port = w.ports.find((p) => (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
  if (!port || port.protocol !== 'TCP') throw fail(`${w.id} has no TCP port ${JSON.stringify(b.port)}`);
  const weight = b.weight ?? 1;
  if (!Number.isInteger(weight) || weight < 0) throw fail(`backend ${w.id}: weight must be a whole number, not ${weight}`);
  return { tenant: w.tenant, workload: w.name, port: port.port, weight, origin };
}

/** Every path type of the model, mapped (a type without a mapping does not compile). */
const PATH_TYPES: Record<RouteRule['path']['type'], HttpRouteSpecRulesMatchesPathType> = {
  Exact: HttpRouteSpecRulesMatchesPathType.EXACT,
  PathPrefix: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
};

function toKube(rule: RouteRule): HttpRouteSpecRules {
  return {
    matches: [
      {
        path: { type: PATH_TYPES[rule.path.type], value: rule.path.value },
        ...(rule.headers.length ? { headers: rule.headers.map((h) => ({ type: HttpRouteSpecRulesMatchesHeadersType.EXACT, name: h.name, value: h.value })) } : {}),
      },
    ],
    backendRefs: rule.backends.map((b) => ({ group: '', kind: 'Service', name: b.workload, namespace: b.tenant, port: b.port, weight: b.weight })),
  };
}
