/**
 * Builders for Gateway API objects and Services in analyzer tests (plain objects, as a manifest would hold
 * them). Every object built here is also kept in `built`, so a test can check them all against the CRDs.
 */
type Json = Record<string, unknown>;

export const GW = 'gateway.networking.k8s.io';

export const built: Array<{ apiVersion: string; kind: string } & Json> = [];

function keep<T extends { apiVersion: string; kind: string } & Json>(o: T): T {
  built.push(o);
  return o;
}

function meta(id: string): { name: string; namespace: string } {
  const [namespace, name] = id.split('/');
  return { name, namespace };
}

export interface ListenerSpec {
  name: string;
  port?: number;
  protocol?: string;
  hostname?: string;
  allowedRoutes?: Json;
  tls?: Json;
}

/** A Gateway of class `cilium`; listeners default to port 80, protocol HTTP. */
export function gateway(id: string, listeners: ListenerSpec[]): Json & { apiVersion: string; kind: string } {
  return keep({
    apiVersion: `${GW}/v1`,
    kind: 'Gateway',
    metadata: meta(id),
    spec: { gatewayClassName: 'cilium', listeners: listeners.map((l) => ({ port: 80, protocol: 'HTTP', ...l })) },
  });
}

export function httpRoute(id: string, spec: Json): Json & { apiVersion: string; kind: string } {
  return keep({ apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: meta(id), spec });
}

export function referenceGrant(id: string, from: Json[], to: Json[]): Json & { apiVersion: string; kind: string } {
  return keep({ apiVersion: `${GW}/v1beta1`, kind: 'ReferenceGrant', metadata: meta(id), spec: { from, to } });
}

/** Grant to HTTPRoutes in `fromNs` for Services (all of them, or `name`) in the grant's namespace. */
export function routeGrant(id: string, fromNs: string, name?: string): Json & { apiVersion: string; kind: string } {
  return referenceGrant(id, [{ group: GW, kind: 'HTTPRoute', namespace: fromNs }], [name ? { group: '', kind: 'Service', name } : { group: '', kind: 'Service' }]);
}

export function service(id: string, selector: Record<string, string> | undefined, ports: Json[]): Json & { apiVersion: string; kind: string } {
  return keep({ apiVersion: 'v1', kind: 'Service', metadata: meta(id), spec: { ...(selector ? { selector } : {}), ports } });
}

/** `parentRefs` entry for Gateway `ns/name`. */
export function parent(id: string, extra: Json = {}): Json {
  const { name, namespace } = meta(id);
  return { name, namespace, ...extra };
}

export function backend(name: string, port: number, extra: Json = {}): Json {
  return { name, port, ...extra };
}
