/**
 * Gateway API routes (v1.3.0 standard channel) on small hand-written manifests: attachment, backends,
 * ReferenceGrants and reachability from Cilium's gateway (the reserved `ingress` identity). Expected values
 * come from the Gateway API spec (CRD field docs) and the Cilium docs, written out by hand.
 */
import { AnalysisInputError, RouteAnalysis, RouteInfo, analyze, analyzeRoutes, intersectHostnames, parseManifestText } from '../../lib/analysis';
import { crdErrors } from '../support/crd-validate';
import { K8sObject, schemaErrors } from '../support/k8s-validate';
import { describeWithShared } from '../support/shared';
import { ALL_PORTS, DEFAULT_DENY, ccnp, cnp } from './support/cilium';
import { GW, backend, built, gateway, httpRoute, parent, referenceGrant, routeGrant, service } from './support/gateway';
import { netpol, ns, pod, sourced } from './support/objects';

const app = (a: string) => ({ matchLabels: { app: a } });

/** The usual platform: gateway in `infra`, a tenant `shop` with a web Deployment-like pod behind a Service. */
function platform(extra: unknown[] = [], listener: Record<string, unknown> = { allowedRoutes: { namespaces: { from: 'All' } } }): unknown[] {
  return [
    ns('infra'),
    ns('shop', { team: 'shop' }),
    gateway('infra/gw', [{ name: 'http', ...listener }]),
    pod('shop/web', { labels: { app: 'web' }, ports: [{ containerPort: 8080, name: 'http' }] }),
    service('shop/web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 8080 }]),
    ...extra,
  ];
}

function webRoute(id = 'shop/web', extra: Record<string, unknown> = {}) {
  return httpRoute(id, { parentRefs: [parent('infra/gw')], rules: [{ backendRefs: [backend('web', 80)] }], ...extra });
}

function route(result: RouteAnalysis, id: string): RouteInfo {
  const r = result.routes.find((x) => x.route === id);
  if (!r) throw new Error(`no route ${id}`);
  return r;
}

const parents = (result: RouteAnalysis, id: string) => route(result, id).parents;
const firstBackend = (result: RouteAnalysis, id: string) => route(result, id).rules[0].backends[0];

describe('attachment: allowedRoutes.namespaces', () => {
  test('Same (the default): only routes in the Gateway namespace attach', () => {
    const objects = sourced([
      ...platform([], {}),
      webRoute('shop/web'),
      pod('infra/status', { labels: { app: 'status' }, ports: [{ containerPort: 80 }] }),
      service('infra/status', { app: 'status' }, [{ port: 80 }]),
      httpRoute('infra/status', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backend('status', 80)] }] }),
    ]);
    const result = analyzeRoutes(objects);
    expect(parents(result, 'infra/status')).toEqual([{ gateway: 'infra/gw', listener: 'http', accepted: true }]);
    expect(parents(result, 'shop/web')).toEqual([{ gateway: 'infra/gw', listener: 'http', accepted: false, reason: 'NotAllowedByListeners' }]);
  });

  test('All: routes from any namespace attach', () => {
    const result = analyzeRoutes(sourced([...platform(), webRoute()]));
    expect(parents(result, 'shop/web')).toEqual([{ gateway: 'infra/gw', listener: 'http', accepted: true }]);
  });

  test('Selector on kubernetes.io/metadata.name: only the named namespace, whatever labels others claim', () => {
    const listener = { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } } } };
    const objects = sourced([
      ...platform([], listener),
      // A tenant namespace cannot take another namespace's name label: the API server sets it to its own name.
      ns('intruder', { 'kubernetes.io/metadata.name': 'shop' }),
      service('intruder/web', { app: 'web' }, [{ port: 80 }]),
      webRoute('shop/web'),
      webRoute('intruder/web'),
    ]);
    const result = analyzeRoutes(objects);
    expect(parents(result, 'shop/web')[0].accepted).toBe(true);
    expect(parents(result, 'intruder/web')).toEqual([{ gateway: 'infra/gw', listener: 'http', accepted: false, reason: 'NotAllowedByListeners' }]);
  });

  test('Selector on a tenant-editable label admits any namespace that sets it', () => {
    const listener = { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } } };
    const objects = sourced([...platform([], listener), ns('intruder', { team: 'shop' }), ns('other'), webRoute('shop/web'), webRoute('intruder/web'), webRoute('other/web')]);
    const result = analyzeRoutes(objects);
    expect(parents(result, 'shop/web')[0].accepted).toBe(true);
    expect(parents(result, 'intruder/web')[0].accepted).toBe(true);
    expect(parents(result, 'other/web')[0]).toEqual({ gateway: 'infra/gw', listener: 'http', accepted: false, reason: 'NotAllowedByListeners' });
  });

  test('a route namespace with no Namespace object carries only its name label', () => {
    const listener = { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ghost'] }] } } } };
    const result = analyzeRoutes(sourced([...platform([], listener), webRoute('ghost/web')]));
    expect(parents(result, 'ghost/web')[0].accepted).toBe(true);
  });
});

describe('attachment: listeners, sectionName, port, kinds', () => {
  const twoListeners = () =>
    gateway('infra/gw', [
      { name: 'http', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'admin', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'admin-cert' }] } },
    ]);

  test('without sectionName the route is judged by every listener; with it, by that one only', () => {
    const base = [ns('infra'), ns('shop'), twoListeners()];
    const bare = analyzeRoutes(sourced([...base, httpRoute('shop/a', { parentRefs: [parent('infra/gw')] })]));
    expect(parents(bare, 'shop/a')).toEqual([
      { gateway: 'infra/gw', listener: 'admin', accepted: false, reason: 'NotAllowedByListeners' },
      { gateway: 'infra/gw', listener: 'http', accepted: true },
    ]);
    const named = analyzeRoutes(sourced([...base, httpRoute('shop/a', { parentRefs: [parent('infra/gw', { sectionName: 'http' })] })]));
    expect(parents(named, 'shop/a')).toEqual([{ gateway: 'infra/gw', listener: 'http', accepted: true }]);
    const admin = analyzeRoutes(sourced([...base, httpRoute('shop/a', { parentRefs: [parent('infra/gw', { sectionName: 'admin' })] })]));
    expect(parents(admin, 'shop/a')).toEqual([{ gateway: 'infra/gw', listener: 'admin', accepted: false, reason: 'NotAllowedByListeners' }]);
  });

  test('an unknown sectionName, a port no listener has, or a missing Gateway: NoMatchingParent', () => {
    const objects = sourced([
      ns('infra'),
      twoListeners(),
      httpRoute('infra/a', { parentRefs: [parent('infra/gw', { sectionName: 'nope' })] }),
      httpRoute('infra/b', { parentRefs: [parent('infra/gw', { port: 9999 })] }),
      httpRoute('infra/c', { parentRefs: [parent('infra/missing')] }),
      httpRoute('infra/d', { parentRefs: [parent('infra/gw', { port: 8443 })] }),
    ]);
    const result = analyzeRoutes(objects);
    expect(parents(result, 'infra/a')).toEqual([{ gateway: 'infra/gw', listener: 'nope', accepted: false, reason: 'NoMatchingParent' }]);
    expect(parents(result, 'infra/b')).toEqual([{ gateway: 'infra/gw', accepted: false, reason: 'NoMatchingParent' }]);
    expect(parents(result, 'infra/c')).toEqual([{ gateway: 'infra/missing', accepted: false, reason: 'NoMatchingParent' }]);
    // port selects the listeners on that port: the HTTPS one admits routes from its own namespace.
    expect(parents(result, 'infra/d')).toEqual([{ gateway: 'infra/gw', listener: 'admin', accepted: true }]);
  });

  test('an HTTPRoute cannot attach to a TCP listener or one whose kinds leave HTTPRoute out', () => {
    const objects = sourced([
      ns('infra'),
      gateway('infra/gw', [
        { name: 'tcp', port: 5432, protocol: 'TCP' },
        { name: 'grpc-only', port: 81, allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] } },
        { name: 'http-explicit', port: 82, allowedRoutes: { kinds: [{ group: GW, kind: 'HTTPRoute' }] } },
      ]),
      httpRoute('infra/a', { parentRefs: [parent('infra/gw')] }),
    ]);
    expect(parents(analyzeRoutes(objects), 'infra/a')).toEqual([
      { gateway: 'infra/gw', listener: 'grpc-only', accepted: false, reason: 'NotAllowedByListeners' },
      { gateway: 'infra/gw', listener: 'http-explicit', accepted: true },
      { gateway: 'infra/gw', listener: 'tcp', accepted: false, reason: 'NotAllowedByListeners' },
    ]);
  });

  test('a parentRef to a Service (mesh) is not modelled: UnsupportedValue', () => {
    const result = analyzeRoutes(sourced([ns('shop'), httpRoute('shop/mesh', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }] })]));
    expect(parents(result, 'shop/mesh')).toEqual([{ gateway: 'shop/web', accepted: false, reason: 'UnsupportedValue' }]);
  });
});

describe('attachment: hostnames', () => {
  test.each([
    ['shop.example.com', 'shop.example.com', 'shop.example.com'],
    ['shop.example.com', '*.example.com', 'shop.example.com'],
    ['*.example.com', 'a.b.example.com', 'a.b.example.com'],
    ['*.example.com', '*.shop.example.com', '*.shop.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['*.example.com', 'example.com', undefined],
    ['*.example.com', 'shop.example.net', undefined],
    ['shop.example.com', 'web.example.com', undefined],
    ['*.example.com', 'badexample.com', undefined],
  ])('listener %s and route %s intersect in %s', (listener, routeHost, expected) => {
    expect(intersectHostnames(listener, routeHost)).toBe(expected);
    expect(intersectHostnames(routeHost, listener)).toBe(expected);
  });

  test('a route attaches when one of its hostnames intersects the listener hostname, or either has none', () => {
    const objects = sourced([
      ns('infra'),
      gateway('infra/gw', [
        { name: 'wild', hostname: '*.example.com' },
        { name: 'any', port: 8080 },
      ]),
      httpRoute('infra/apex', { hostnames: ['example.com'], parentRefs: [parent('infra/gw')] }),
      httpRoute('infra/mixed', { hostnames: ['example.net', 'shop.example.com'], parentRefs: [parent('infra/gw')] }),
      httpRoute('infra/none', { parentRefs: [parent('infra/gw')] }),
    ]);
    const result = analyzeRoutes(objects);
    expect(parents(result, 'infra/apex')).toEqual([
      { gateway: 'infra/gw', listener: 'any', accepted: true },
      { gateway: 'infra/gw', listener: 'wild', accepted: false, reason: 'NoMatchingListenerHostname' },
    ]);
    expect(parents(result, 'infra/mixed').every((p) => p.accepted)).toBe(true);
    expect(route(result, 'infra/mixed').hostnames).toEqual(['example.net', 'shop.example.com']);
    expect(parents(result, 'infra/none').every((p) => p.accepted)).toBe(true);
  });
});

describe('backends: defaults, weights, Services and target ports', () => {
  test('defaults: group "", kind Service, the route namespace, weight 1, PathPrefix / match', () => {
    const result = analyzeRoutes(sourced([...platform(), webRoute()]));
    const r = route(result, 'shop/web');
    expect(r.rules).toEqual([
      {
        index: 0,
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backends: [{ service: 'shop/web', port: 80, weight: 1, crossNamespace: false, resolved: true, workloads: [{ id: 'shop/web', targetPort: 8080, reachable: true }] }],
      },
    ]);
  });

  test('a route without rules has the default rule; match defaults fill path, header and query types', () => {
    const result = analyzeRoutes(
      sourced([
        ...platform(),
        httpRoute('shop/bare', { parentRefs: [parent('infra/gw')] }),
        httpRoute('shop/m', {
          parentRefs: [parent('infra/gw')],
          rules: [{ matches: [{ path: { value: '/api' }, headers: [{ name: 'x-v', value: '2' }] }, { method: 'GET', queryParams: [{ name: 'q', value: '1' }] }], backendRefs: [backend('web', 80)] }],
        }),
      ]),
    );
    expect(route(result, 'shop/bare').rules).toEqual([{ index: 0, matches: [{ path: { type: 'PathPrefix', value: '/' } }], backends: [] }]);
    expect(route(result, 'shop/m').rules[0].matches).toEqual([
      { path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-v', value: '2', type: 'Exact' }] },
      { method: 'GET', path: { type: 'PathPrefix', value: '/' }, queryParams: [{ name: 'q', value: '1', type: 'Exact' }] },
    ]);
  });

  test('weights as written, 0 included, in the order written', () => {
    const objects = sourced([
      ...platform(),
      pod('shop/canary', { labels: { app: 'canary' }, ports: [{ containerPort: 8080 }] }),
      service('shop/canary', { app: 'canary' }, [{ port: 80, targetPort: 8080 }]),
      httpRoute('shop/split', { parentRefs: [parent('infra/gw')], rules: [{ backendRefs: [backend('web', 80, { weight: 90 }), backend('canary', 80, { weight: 10 })] }, { backendRefs: [backend('canary', 80, { weight: 0 })] }] }),
    ]);
    const rules = route(analyzeRoutes(objects), 'shop/split').rules;
    expect(rules[0].backends.map((b) => [b.service, b.weight])).toEqual([
      ['shop/web', 90],
      ['shop/canary', 10],
    ]);
    expect(rules[1].backends.map((b) => [b.service, b.weight])).toEqual([['shop/canary', 0]]);
  });

  test('targetPort by number, by name (resolved per pod), and absent (= port); pods without the named port are not endpoints', () => {
    const objects = sourced([
      ns('infra'),
      gateway('infra/gw', [{ name: 'http' }]),
      pod('infra/a', { labels: { app: 'api' }, ports: [{ containerPort: 8080, name: 'web' }] }),
      pod('infra/b', { labels: { app: 'api' }, ports: [{ containerPort: 9090, name: 'web' }] }),
      pod('infra/c', { labels: { app: 'api' }, ports: [{ containerPort: 7070, name: 'other' }] }),
      pod('elsewhere/a', { labels: { app: 'api' }, ports: [{ containerPort: 8080, name: 'web' }] }),
      service('infra/api', { app: 'api' }, [
        { name: 'named', port: 80, targetPort: 'web' },
        { name: 'numbered', port: 81, targetPort: 8081 },
        { name: 'same', port: 82 },
      ]),
      httpRoute('infra/r', { parentRefs: [parent('infra/gw')], rules: [{ backendRefs: [backend('api', 80), backend('api', 81), backend('api', 82)] }] }),
    ]);
    const backends = route(analyzeRoutes(objects), 'infra/r').rules[0].backends;
    expect(backends.map((b) => b.workloads.map((w) => `${w.id}:${w.targetPort}`))).toEqual([
      ['infra/a:8080', 'infra/b:9090'],
      ['infra/a:8081', 'infra/b:8081', 'infra/c:8081'],
      ['infra/a:82', 'infra/b:82', 'infra/c:82'],
    ]);
  });

  test('a Service without a selector has no workloads; a missing Service or Service port is BackendNotFound', () => {
    const objects = sourced([
      ...platform(),
      service('shop/manual', undefined, [{ port: 80 }]),
      httpRoute('shop/r', { parentRefs: [parent('infra/gw')], rules: [{ backendRefs: [backend('manual', 80), backend('missing', 80), backend('web', 81)] }] }),
    ]);
    const backends = route(analyzeRoutes(objects), 'shop/r').rules[0].backends;
    expect(backends.map((b) => [b.service, b.resolved, b.reason, b.workloads.length])).toEqual([
      ['shop/manual', true, undefined, 0],
      ['shop/missing', false, 'BackendNotFound', 0],
      ['shop/web', false, 'BackendNotFound', 0],
    ]);
  });

  test('a backendRef of another kind is InvalidKind', () => {
    const objects = sourced([...platform(), httpRoute('shop/r', { parentRefs: [parent('infra/gw')], rules: [{ backendRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'web', port: 80 }] }] })]);
    expect(firstBackend(analyzeRoutes(objects), 'shop/r')).toMatchObject({ resolved: false, reason: 'InvalidKind', workloads: [] });
  });
});

describe('backends in another namespace: ReferenceGrant', () => {
  const billing = [
    ns('billing'),
    pod('billing/api', { labels: { app: 'api' }, ports: [{ containerPort: 8080 }] }),
    service('billing/api', { app: 'api' }, [{ port: 80, targetPort: 8080 }]),
    service('billing/ledger', { app: 'ledger' }, [{ port: 80 }]),
  ];
  const crossRoute = () => httpRoute('shop/pay', { parentRefs: [parent('infra/gw')], rules: [{ backendRefs: [backend('api', 80, { namespace: 'billing' })] }] });

  test('without a grant: RefNotPermitted (HTTP 500 for that share), no workloads', () => {
    const b = firstBackend(analyzeRoutes(sourced([...platform(), ...billing, crossRoute()])), 'shop/pay');
    expect(b).toEqual({ service: 'billing/api', port: 80, weight: 1, crossNamespace: true, resolved: false, reason: 'RefNotPermitted', workloads: [] });
  });

  test('with a grant in the backend namespace for HTTPRoutes of the route namespace: resolved, grant named', () => {
    const b = firstBackend(analyzeRoutes(sourced([...platform(), ...billing, crossRoute(), routeGrant('billing/from-shop', 'shop')])), 'shop/pay');
    expect(b).toEqual({ service: 'billing/api', port: 80, weight: 1, crossNamespace: true, resolved: true, grant: 'billing/from-shop', workloads: [{ id: 'billing/api', targetPort: 8080, reachable: true }] });
  });

  test('a grant naming the Service also works; the first grant by name is reported', () => {
    const b = firstBackend(analyzeRoutes(sourced([...platform(), ...billing, crossRoute(), routeGrant('billing/z-all', 'shop'), routeGrant('billing/a-api', 'shop', 'api')])), 'shop/pay');
    expect(b.grant).toBe('billing/a-api');
  });

  test.each([
    ['another Service name', () => routeGrant('billing/g', 'shop', 'ledger')],
    ['another route namespace', () => routeGrant('billing/g', 'other')],
    ['the route namespace but in the wrong namespace', () => routeGrant('shop/g', 'shop')],
    ['Gateways, not HTTPRoutes', () => referenceGrant('billing/g', [{ group: GW, kind: 'Gateway', namespace: 'shop' }], [{ group: '', kind: 'Service' }])],
    ['Secrets, not Services', () => referenceGrant('billing/g', [{ group: GW, kind: 'HTTPRoute', namespace: 'shop' }], [{ group: '', kind: 'Secret' }])],
  ])('a grant for %s does not count', (_what, grant) => {
    expect(firstBackend(analyzeRoutes(sourced([...platform(), ...billing, crossRoute(), grant()])), 'shop/pay')).toMatchObject({ resolved: false, reason: 'RefNotPermitted' });
  });
});

describe('reachability from the gateway (Cilium: the reserved ingress identity)', () => {
  const reach = (...policies: unknown[]) => firstBackend(analyzeRoutes(sourced([...platform(policies), webRoute()])), 'shop/web').workloads[0].reachable;
  const webIngress = (rule: Record<string, unknown>) => cnp('shop/web-in', { endpointSelector: app('web'), ingress: [rule] });
  const tcp = (port: string) => ({ toPorts: [{ ports: [{ port, protocol: 'TCP' }] }] });

  test('a workload no policy isolates is reachable', () => {
    expect(reach()).toBe(true);
  });

  test('a CNP fromEntities [ingress] on the target port makes it reachable; on another port it does not', () => {
    expect(reach(webIngress({ fromEntities: ['ingress'], ...tcp('8080') }))).toBe(true);
    expect(reach(webIngress({ fromEntities: ['ingress'], ...tcp('http') }))).toBe(true);
    // The Service port (80) is not the port the pod receives on: the policy must open the target port.
    expect(reach(webIngress({ fromEntities: ['ingress'], ...tcp('80') }))).toBe(false);
  });

  test('default deny alone is not reachable', () => {
    expect(reach(netpol('shop/deny', DEFAULT_DENY))).toBe(false);
  });

  test("a NetworkPolicy allowing the Gateway's namespace does not match Envoy's traffic (cilium#36509)", () => {
    const fromInfra = netpol('shop/from-gw', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } } }], ports: [{ port: 8080 }] }] });
    expect(reach(netpol('shop/deny', DEFAULT_DENY), fromInfra)).toBe(false);
    const everyNamespace = netpol('shop/all-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(reach(everyNamespace)).toBe(false);
  });

  test('a NetworkPolicy rule with ports but no peers admits every identity, Envoy included', () => {
    expect(reach(netpol('shop/port', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] }))).toBe(true);
    expect(reach(netpol('shop/port', { podSelector: {}, ingress: [{ ports: [{ port: 9090 }] }] }))).toBe(false);
  });

  test('entities: all and cluster contain the ingress identity; world and CIDRs do not', () => {
    expect(reach(webIngress({ fromEntities: ['all'] }))).toBe(true);
    expect(reach(webIngress({ fromEntities: ['cluster'], ...tcp('8080') }))).toBe(true);
    expect(reach(webIngress({ fromEntities: ['world'] }))).toBe(false);
    expect(reach(webIngress({ fromCIDR: ['0.0.0.0/0'] }))).toBe(false);
    expect(reach(netpol('shop/ip', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }))).toBe(false);
    expect(reach(webIngress({ fromEndpoints: [{ matchLabels: { 'reserved:ingress': '' } }], ...tcp('8080') }))).toBe(true);
  });

  test('a deny rule for the ingress entity (or cluster) wins over the allow; a world deny does not', () => {
    const allow = webIngress({ fromEntities: ['ingress'], ...tcp('8080') });
    expect(reach(allow, ccnp('no-gw', { endpointSelector: {}, ingressDeny: [{ fromEntities: ['ingress'] }] }))).toBe(false);
    expect(reach(ccnp('no-cluster', { endpointSelector: {}, ingressDeny: [{ fromEntities: ['cluster'], ...tcp('8080') }] }))).toBe(false);
    expect(reach(allow, ccnp('no-world', { endpointSelector: {}, ingressDeny: [{ fromEntities: ['world'] }] }))).toBe(true);
  });
});

describe('exposed: every workload that admits the gateway, routed to or not', () => {
  const objects = () =>
    sourced([
      ...platform([
        netpol('shop/deny', DEFAULT_DENY),
        cnp('shop/web-in', { endpointSelector: app('web'), ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] }),
        pod('shop/admin', { labels: { app: 'admin' }, ports: [{ containerPort: 9000, name: 'admin' }] }),
        cnp('shop/admin-in', { endpointSelector: app('admin'), ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: 'admin', protocol: 'TCP' }] }] }] }),
        pod('shop/db', { labels: { app: 'db' }, ports: [{ containerPort: 5432 }] }),
        pod('open/app', { labels: { app: 'app' } }),
      ]),
      webRoute(),
    ]);

  test('lists opened and non-isolated workloads with their ports; isolated ones without an opening are left out', () => {
    expect(analyzeRoutes(objects()).exposed).toEqual([
      { workload: 'open/app', ports: ALL_PORTS },
      { workload: 'shop/admin', ports: { TCP: [[9000, 9000]] } },
      { workload: 'shop/web', ports: { TCP: [[8080, 8080]] } },
    ]);
  });

  test("agrees with the engine's external entries for the ingress entity", () => {
    const input = objects();
    const exposed = analyzeRoutes(input).exposed;
    const entity = analyze(input).external.filter((e) => e.direction === 'ingress' && e.kind === 'entity' && e.entity === 'ingress');
    expect(entity.map((e) => e.workload)).toEqual(['shop/admin', 'shop/web']);
    for (const e of entity) expect(exposed.find((x) => x.workload === e.workload)?.ports).toEqual(e.ports);
    // The engine reports a side nobody isolates as open to every address, not as an entity entry.
    expect(analyze(input).external.filter((e) => e.workload === 'open/app' && e.direction === 'ingress').map((e) => e.kind)).toEqual(['cidr', 'cidr']);
  });
});

describe('unusedGrants', () => {
  const billing = [ns('billing'), pod('billing/api', { labels: { app: 'api' }, ports: [{ containerPort: 80 }] }), service('billing/api', { app: 'api' }, [{ port: 80 }])];
  const toBilling = (id: string, gw = 'infra/gw') => httpRoute(id, { parentRefs: [parent(gw)], rules: [{ backendRefs: [backend('api', 80, { namespace: 'billing' })] }] });

  test('a grant an attached route uses is in use; one only a detached route uses, or nothing uses, is not', () => {
    const result = analyzeRoutes(
      sourced([
        ...platform(),
        ...billing,
        ns('other'),
        toBilling('shop/pay'),
        toBilling('other/pay', 'infra/missing'),
        routeGrant('billing/from-shop', 'shop'),
        routeGrant('billing/from-other', 'other'),
        routeGrant('billing/from-nobody', 'nobody'),
      ]),
    );
    expect(result.unusedGrants.map((g) => `${g.namespace}/${g.name}`)).toEqual(['billing/from-nobody', 'billing/from-other']);
    expect(result.unusedGrants[0].source).toEqual({ file: 'test.yaml', index: expect.any(Number) });
  });

  test('a grant only a RequestMirror filter of an attached route uses is in use', () => {
    const mirror = { type: 'RequestMirror', requestMirror: { backendRef: { name: 'api', namespace: 'billing', port: 80 } } };
    const result = analyzeRoutes(
      sourced([...platform(), ...billing, httpRoute('shop/m', { parentRefs: [parent('infra/gw')], rules: [{ filters: [mirror], backendRefs: [backend('web', 80)] }] }), routeGrant('billing/mirror', 'shop')]),
    );
    expect(result.unusedGrants).toEqual([]);
    // Mirrors are not listed as backends.
    expect(route(result, 'shop/m').rules[0].backends.map((b) => b.service)).toEqual(['shop/web']);
  });

  test('grants for Gateway certificateRefs count as used; grants for kinds not read here are never reported', () => {
    const result = analyzeRoutes(
      sourced([
        ns('infra'),
        ns('certs'),
        gateway('infra/gw', [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'wildcard', namespace: 'certs' }] } }]),
        referenceGrant('certs/to-gw', [{ group: GW, kind: 'Gateway', namespace: 'infra' }], [{ group: '', kind: 'Secret', name: 'wildcard' }]),
        referenceGrant('certs/grpc', [{ group: GW, kind: 'GRPCRoute', namespace: 'infra' }], [{ group: '', kind: 'Service' }]),
        referenceGrant('certs/other-secret', [{ group: GW, kind: 'Gateway', namespace: 'infra' }], [{ group: '', kind: 'Secret', name: 'old' }]),
      ]),
    );
    expect(result.unusedGrants.map((g) => g.name)).toEqual(['other-secret']);
  });
});

describe('determinism and input handling', () => {
  test('the result does not depend on input order', () => {
    const objects = [...platform(), webRoute('shop/b'), webRoute('shop/a'), routeGrant('shop/g2', 'x'), routeGrant('shop/g1', 'x')];
    const forward = analyzeRoutes(sourced(objects));
    const backward = analyzeRoutes(sourced([...objects].reverse()));
    const strip = (r: RouteAnalysis) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'source' ? undefined : v)));
    expect(strip(backward)).toEqual(strip(forward));
    expect(forward.routes.map((r) => r.route)).toEqual(['shop/a', 'shop/b']);
    expect(forward.unusedGrants.map((g) => g.name)).toEqual(['g1', 'g2']);
  });

  test('objects inside a List are read', () => {
    const result = analyzeRoutes(sourced([{ apiVersion: 'v1', kind: 'List', items: [...platform(), webRoute()] }]));
    expect(firstBackend(result, 'shop/web').resolved).toBe(true);
  });

  const load = (text: string) => parseManifestText(text, 'routes.yaml');
  const routeYaml = (spec: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: shop\nspec:\n${spec}`;
  const refs = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join('\n');

  test.each([
    ['a Service backendRef without port', '  rules:\n  - backendRefs:\n    - name: web\n', /routes\.yaml:6: HTTPRoute shop\/r spec\.rules\[0\]\.backendRefs\[0\]: a backendRef to a Service needs a port/],
    ['a negative weight', '  rules:\n  - backendRefs:\n    - name: web\n      port: 80\n      weight: -1\n', /routes\.yaml:6: .*weight: -1 is not an integer in 0\.\.1000000/],
    ['a weight above 1000000', '  rules:\n  - backendRefs:\n    - name: web\n      port: 80\n      weight: 1000001\n', /weight: 1000001 is not an integer/],
    ['17 backendRefs', `  rules:\n  - backendRefs:\n${refs(17, (i) => `    - {name: web${i}, port: 80}`)}\n`, /backendRefs: 17 entries, at most 16 allowed/],
    ['17 rules', `  rules:\n${refs(17, () => '  - {}')}\n`, /spec\.rules: 17 entries, at most 16 allowed/],
    ['33 parentRefs', `  parentRefs:\n${refs(33, (i) => `  - {name: gw${i}}`)}\n`, /spec\.parentRefs: 33 entries, at most 32 allowed/],
    ['a quoted port', '  rules:\n  - backendRefs:\n    - name: web\n      port: "80"\n', /port: "80" is not a port number/],
    ['a parentRef without name', '  parentRefs:\n  - sectionName: http\n', /parentRefs\[0\]\.name: is required/],
  ])('rejects %s', (_what, spec, message) => {
    expect(() => analyzeRoutes(load(routeYaml(spec)))).toThrow(AnalysisInputError);
    expect(() => analyzeRoutes(load(routeYaml(spec)))).toThrow(message);
  });

  test('16 backendRefs, weights 0 and 1000000 are fine', () => {
    const spec = `  rules:\n  - backendRefs:\n${refs(14, (i) => `    - {name: web${i}, port: 80}`)}\n    - {name: a, port: 80, weight: 0}\n    - {name: b, port: 80, weight: 1000000}\n`;
    expect(route(analyzeRoutes(load(routeYaml(spec))), 'shop/r').rules[0].backends).toHaveLength(16);
  });

  test('ReferenceGrant is served as v1beta1 only; a Service targetPort must be a number or a port name', () => {
    expect(() => analyzeRoutes(sourced([{ ...routeGrant('a/g', 'b'), apiVersion: `${GW}/v1` }]))).toThrow(/apiVersion "gateway\.networking\.k8s\.io\/v1" is not served/);
    expect(() => analyzeRoutes(sourced([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'a' }, spec: { ports: [{ port: 80, targetPort: '8080' }] } }]))).toThrow(/targetPort: "8080" is neither/);
    expect(() => analyzeRoutes(sourced([webRoute('a/r'), webRoute('a/r')]))).toThrow(/HTTPRoute a\/r is defined twice/);
  });
});

// Last: every object the builders made above, checked against the Gateway API CRDs / Kubernetes schemas.
describeWithShared('fixtures are valid objects', () => {
  test('Gateway API objects pass the v1.3.0 CRD schemas; Services the Kubernetes 1.28 schema', () => {
    expect(built.length).toBeGreaterThan(50);
    const errors = built.flatMap((o) => (o.kind === 'Service' ? schemaErrors(o as unknown as K8sObject) : crdErrors(o)).map((e) => `${o.kind} ${JSON.stringify(o.metadata)}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('the validator does catch a misspelt field', () => {
    expect(crdErrors({ apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRef: [] } })).not.toEqual([]);
  });
});
