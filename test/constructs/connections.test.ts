/** Connections: one call writes both ends, named ports resolve at the destination, egress by kind, and mistakes fail at construction. */
import { Peer, Port, Workload } from '../../lib';
import { docs, find, thrown, twoTenants } from './support';

const policy = (all: ReturnType<typeof docs>, name: string) => find(all, 'NetworkPolicy', name)?.spec;

test('allowTo writes the egress rule at the source and the ingress rule at the destination', () => {
  const { chart, frontend, api } = twoTenants();
  frontend.connections.allowTo(api, [Port.named('http')]);
  const all = docs(chart);
  expect(policy(all, 'frontend-egress')).toEqual({
    podSelector: { matchLabels: { 'bulkhead.dev/workload': 'frontend' } },
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'patient-data' } }, podSelector: { matchLabels: { 'bulkhead.dev/workload': 'records-api' } } }],
      ports: [{ port: 'http', protocol: 'TCP' }],
    }],
  });
  expect(policy(all, 'records-api-ingress')).toEqual({
    podSelector: { matchLabels: { 'bulkhead.dev/workload': 'records-api' } },
    policyTypes: ['Ingress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { 'bulkhead.dev/workload': 'frontend' } } }],
      ports: [{ port: 'http', protocol: 'TCP' }],
    }],
  });
  // Nothing else: no ingress at the source, no egress at the destination.
  expect(policy(all, 'frontend-ingress')).toBeUndefined();
  expect(policy(all, 'records-api-egress')).toBeUndefined();
});

test('allowFrom is the mirror of allowTo', () => {
  const a = twoTenants();
  a.frontend.connections.allowTo(a.api, [Port.named('http'), Port.tcp(9000)]);
  const b = twoTenants();
  b.api.connections.allowFrom(b.frontend, [Port.named('http'), Port.tcp(9000)]);
  expect(docs(b.chart)).toEqual(docs(a.chart));
});

test('a named port carries the protocol the destination declares it with', () => {
  const { chart, frontend, api } = twoTenants();
  frontend.connections.allowTo(api, [Port.named('metrics')]);
  expect(policy(docs(chart), 'frontend-egress').egress[0].ports).toEqual([{ port: 'metrics', protocol: 'UDP' }]);
});

test('a tenant stands for its workloads: tenant-wide peers at one end, every workload at the other', () => {
  const { chart, web, patients, frontend } = twoTenants();
  new Workload(patients, 'records-db', { image: 'postgres', ports: [{ name: 'postgres', port: 5432 }] });
  frontend.connections.allowTo(patients, [Port.tcp(5432)]);
  const all = docs(chart);
  expect(policy(all, 'frontend-egress').egress[0].to[0].podSelector).toEqual({ matchLabels: { 'bulkhead.dev/tenant': 'patient-data' } });
  for (const w of ['records-api', 'records-db']) expect(policy(all, `${w}-ingress`).ingress[0].from[0].podSelector).toEqual({ matchLabels: { 'bulkhead.dev/workload': 'frontend' } });
  // Workloads added to a tenant after it was connected as a whole would be left out: refused.
  expect(thrown(() => new Workload(patients, 'late', { image: 'x' }))).toMatch(/^platform\/patient-data\/late: tenant patient-data is already connected as a whole \(platform\/web\/frontend\)/);
  expect(web.workloads.map((w) => w.name)).toEqual(['frontend']);
});

test('HTTP rules (Cilium) put the destination\'s ingress into its CiliumNetworkPolicy on port numbers; the source keeps L4 egress', () => {
  const { chart, frontend, api } = twoTenants();
  frontend.connections.allowTo(api, [Port.named('http')], { http: [{ method: 'GET', path: '/records(/.*)?' }] });
  const all = docs(chart);
  expect(policy(all, 'records-api-ingress')).toBeUndefined();
  expect(policy(all, 'frontend-egress').egress[0].ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
  const cilium = find(all, 'CiliumNetworkPolicy', 'records-api-cilium')!.spec;
  expect(cilium.ingress).toEqual([{
    fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'web', 'bulkhead.dev/workload': 'frontend' } }],
    toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/records(/.*)?' }] } }],
  }]);
});

test('egress by kind: a CIDR in NetworkPolicy; a DNS name and the kube-apiserver (its port by default) in Cilium', () => {
  const { chart, frontend } = twoTenants();
  frontend.connections.allowTo(Peer.cidr('198.51.100.0/24', ['198.51.100.128/25']), [Port.tcp(443)]);
  frontend.connections.allowTo(Peer.fqdn('api.stripe.com'), [Port.tcp(443)]);
  frontend.connections.allowTo(Peer.kubeApiServer());
  const all = docs(chart);
  expect(policy(all, 'frontend-egress').egress).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.128/25'] } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  const egress = find(all, 'CiliumNetworkPolicy', 'frontend-cilium')!.spec.egress;
  expect(egress.find((r: any) => r.toFQDNs)).toEqual({ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
  expect(egress.find((r: any) => r.toEntities)).toEqual({ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] });
});

test('the kube-apiserver port follows the cluster settings', () => {
  const { chart, frontend } = twoTenants({ provider: 'eks', apiServer: { host: 'abc.eks.amazonaws.com', port: 443 } });
  frontend.connections.allowTo(Peer.kubeApiServer());
  expect(find(docs(chart), 'CiliumNetworkPolicy', 'frontend-cilium')!.spec.egress[0].toPorts[0].ports).toEqual([{ port: '443', protocol: 'TCP' }]);
});

test.each([
  ['an unknown port name', (f: ReturnType<typeof twoTenants>) => f.frontend.connections.allowTo(f.api, [Port.named('grpc')]), /^platform\/web\/frontend: connection web\/frontend -> patient-data\/records-api: patient-data\/records-api has no port named "grpc" \(ports there: http, metrics\)/],
  ['no ports', (f: ReturnType<typeof twoTenants>) => f.frontend.connections.allowTo(f.api, []), /needs at least one port \(an empty list would open every port\)/],
  ['HTTP rules on a UDP port', (f: ReturnType<typeof twoTenants>) => f.frontend.connections.allowTo(f.api, [Port.named('metrics')], { http: [{ path: '/' }] }), /HTTP rules need single TCP ports/],
  ['a named port outside the cluster', (f: ReturnType<typeof twoTenants>) => f.frontend.connections.allowTo(Peer.cidr('10.0.0.0/8'), [Port.named('http')]), /egress to 10\.0\.0\.0\/8: outside the cluster only port numbers mean something/],
])('mistakes fail at construction, naming the construct: %s', (_what, connect, message) => {
  expect(thrown(() => connect(twoTenants()))).toMatch(message);
});

test('without Cilium, what only Cilium can enforce is an error instead of a wider policy', () => {
  const f = twoTenants({ cni: 'generic' });
  expect(thrown(() => f.frontend.connections.allowTo(f.api, [Port.named('http')], { http: [{ method: 'GET' }] }))).toMatch(/HTTP rules need Cilium, but cluster cluster uses cni: generic/);
  expect(thrown(() => f.frontend.connections.allowTo(Peer.fqdn('api.stripe.com'), [Port.tcp(443)]))).toMatch(/egress to api\.stripe\.com: needs Cilium/);
  expect(thrown(() => Peer.cidr('10.0.0.1/8'))).toMatch(/has host bits set: write 10\.0\.0\.0\/8/);
});
