/** Guardrails, gateways and routes as a cdk8s user writes them. */
import { Chart, Testing } from 'cdk8s';
import { Gateway, Gateways, Guardrail, HttpRoute, Port, Tenant, Workload, verify } from '../../lib';
import { docs, find, thrown, twoTenants } from './support';

test('a guardrail selects tenants by name when rendered, so tenants added after it count', () => {
  const { app, chart, web } = twoTenants();
  new Guardrail(chart, 'web-never-reaches-phi', { from: web, to: { labels: { 'data-class': 'phi' } }, bidirectional: true, control: 'HIPAA' });
  new Tenant(chart, 'archive', { labels: { 'data-class': 'phi' } });
  const policy = find(docs(chart), 'CiliumClusterwideNetworkPolicy', 'guardrail-web-never-reaches-phi')!;
  expect(policy.metadata.namespace).toBeUndefined();
  expect(policy.specs.map((s: any) => s.endpointSelector.matchExpressions[0].values)).toEqual([['web'], ['archive', 'patient-data']]);
  expect(policy.specs[0].egressDeny[0].toEndpoints[0].matchExpressions[0].values).toEqual(['archive', 'patient-data']);
  expect(policy.specs[1].enableDefaultDeny).toEqual({ ingress: false, egress: false });
  // The guardrail is part of the proof too.
  expect(verify(app).guardrails.map((g) => [g.guardrail.name, g.holds])).toEqual([['web-never-reaches-phi', true]]);
});

test('a guardrail whose side selects no tenant fails when rendered, naming it', () => {
  const { chart } = twoTenants();
  new Guardrail(chart, 'nobody', { from: { tenant: 'web' }, to: { labels: { 'data-class': 'pci' } } });
  expect(thrown(() => docs(chart))).toMatch(/platform\/nobody: guardrail nobody selects no tenant on its to side/);
});

test('without Cilium a guardrail renders nothing, and verify still reports a connection across it', () => {
  const { app, chart, web, frontend, api } = twoTenants({ cni: 'generic' });
  new Guardrail(chart, 'web-never-reaches-phi', { from: web, to: { labels: { 'data-class': 'phi' } } });
  frontend.connections.allowTo(api, [Port.named('http')]);
  expect(docs(chart).filter((d) => d.kind === 'CiliumClusterwideNetworkPolicy')).toEqual([]);
  expect(thrown(() => verify(app))).toMatch(/web\/frontend -> patient-data\/records-api \(TCP 8080\) crosses guardrail "web-never-reaches-phi" \(platform\/web-never-reaches-phi\)/);
});

test('a route renders its HTTPRoute, admits its tenant on the gateway, opens each backend to the proxy, and grants cross-tenant backends', () => {
  const { app, chart, web, frontend, api } = twoTenants();
  const gateways = new Gateways(chart, 'gateways', { loadBalancerIPs: '172.18.255.200/29' });
  const gw = new Gateway(gateways, 'public', { listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] });
  new HttpRoute(web, 'portal', {
    gateway: gw,
    hostnames: ['portal.example.com'],
    rules: [{ backends: [{ workload: frontend, port: 'http' }] }, { path: { type: 'Exact', value: '/records' }, backends: [{ workload: api, port: 8080, weight: 3 }] }],
  });
  const all = docs(chart);
  const listener = find(all, 'Gateway', 'public', 'bulkhead-gateways')!.spec.listeners[0];
  expect(listener.allowedRoutes.namespaces.selector.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['web'] }]);
  const route = find(all, 'HTTPRoute', 'portal', 'web')!.spec;
  expect(route.rules[0].matches[0].path).toEqual({ type: 'PathPrefix', value: '/' });
  expect(route.rules[1].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'records-api', namespace: 'patient-data', port: 8080, weight: 3 }]);
  expect(find(all, 'ReferenceGrant', 'httproutes-from-web', 'patient-data')!.spec.to).toEqual([{ group: '', kind: 'Service', name: 'records-api' }]);
  expect(find(all, 'ReferenceGrant', 'httproutes-from-web', 'web')).toBeUndefined();
  expect(find(all, 'CiliumNetworkPolicy', 'records-api-cilium')!.spec.ingress).toEqual([{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }]);
  expect(find(all, 'CiliumLoadBalancerIPPool', 'gateways')).toBeDefined();
  // And the analyzer agrees: both backends reachable from the proxy, nothing else.
  expect(verify(app).routes!.exposed.map((e) => e.workload).sort()).toEqual(['patient-data/records-api', 'web/frontend']);
});

test('route and gateway mistakes fail at construction', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  const web = new Tenant(chart, 'web');
  const other = new Tenant(chart, 'other');
  const frontend = new Workload(web, 'frontend', { image: 'x', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
  const gateways = new Gateways(chart, 'gateways');
  expect(thrown(() => new Gateway(gateways, 'tls', { listeners: [{ name: 'https', protocol: 'HTTPS', port: 443 }] }))).toMatch(/^c\/gateways\/tls: HTTPS listener "https" needs a certificate/);
  const gw = new Gateway(gateways, 'public', { listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }], tenants: [other] });
  expect(thrown(() => new HttpRoute(web, 'bad-port', { gateway: gw, hostnames: [], rules: [{ backends: [{ workload: frontend, port: 'dns' }] }] }))).toMatch(/^c\/web\/bad-port: web\/frontend has no TCP port "dns"/);
  expect(thrown(() => new HttpRoute(web, 'not-admitted', { gateway: gw, hostnames: [], rules: [{ backends: [{ workload: new Workload(web, 'api', { image: 'x', ports: [{ name: 'http', port: 80 }] }), port: 80 }] }] }))).toMatch(/gateway public does not admit routes from tenant web \(it admits other\)/);
});

test('gateways need Cilium', () => {
  const { chart } = twoTenants({ cni: 'generic' });
  expect(thrown(() => new Gateways(chart, 'gateways'))).toMatch(/gateways use Cilium's Gateway API implementation/);
});
