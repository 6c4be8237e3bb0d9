/** Tenant and Workload: what they render, their defaults, and errors that name the construct. */
import { Chart, Testing } from 'cdk8s';
import { RenderError, Tenant, Workload } from '../../lib';
import { docs, find, thrown, twoTenants } from './support';

test('a tenant is a Construct in the user\'s chart: its namespace (restricted, labelled) and a default deny that keeps DNS', () => {
  const { chart } = twoTenants();
  const all = docs(chart);
  const ns = find(all, 'Namespace', 'patient-data')!;
  expect(ns.metadata.labels).toMatchObject({ 'data-class': 'phi', 'bulkhead.dev/tenant': 'patient-data', 'pod-security.kubernetes.io/enforce': 'restricted' });
  const deny = find(all, 'NetworkPolicy', 'default-deny', 'web')!;
  expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  expect(deny.spec.ingress).toBeUndefined();
  expect(deny.spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
});

test('bulkhead labels win over tenant labels of the same key', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new Tenant(chart, 'web', { labels: { 'bulkhead.dev/tenant': 'other' } });
  expect(find(docs(chart), 'Namespace', 'web')!.metadata.labels!['bulkhead.dev/tenant']).toBe('web');
});

test('workload defaults are applied in the construct: 1 replica, UID 65532, modest resources, no Service without ports', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  const t = new Tenant(chart, 'batch');
  new Workload(t, 'job', { image: 'busybox', resources: { limits: { memory: '1Gi' } } });
  const all = docs(chart);
  const d = find(all, 'Deployment', 'job', 'batch')!;
  expect(d.spec.replicas).toBe(1);
  expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
  // A value left out keeps its default; a given one replaces only itself.
  expect(d.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
  expect(d.spec.template.spec.containers[0].readinessProbe).toBeUndefined();
  expect(find(all, 'Service', 'job')).toBeUndefined();
  expect(all.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).toEqual(['default-deny']);
});

test('a workload with ports gets a Service, a probe on its first TCP port, emptyDirs for writable paths and sorted env', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  const t = new Tenant(chart, 'web');
  t.addWorkload('frontend', { image: 'nginx', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'http', port: 8080 }], writablePaths: ['/tmp', '/var/cache/nginx'], env: { Z: 'last', A: { secretKeyRef: { name: 's', key: 'k' } } } });
  const all = docs(chart);
  const c = find(all, 'Deployment', 'frontend')!.spec.template.spec.containers[0];
  expect(c.readinessProbe.tcpSocket.port).toBe('http');
  expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'var-cache-nginx', mountPath: '/var/cache/nginx' }]);
  expect(c.env.map((e: { name: string }) => e.name)).toEqual(['A', 'Z']);
  expect(find(all, 'Service', 'frontend')!.spec.ports).toEqual([
    { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
    { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
  ]);
});

test.each([
  ['a name that is no DNS-1035 label', { image: 'x', name: 'Front_End' }, /platform\/web\/bad: workload name "Front_End" must be a DNS-1035 label/],
  ['a port name declared twice', { image: 'x', ports: [{ name: 'http', port: 1 }, { name: 'http', port: 2 }] }, /platform\/web\/bad: port name "http" is declared twice/],
  ['root', { image: 'x', user: 0 }, /platform\/web\/bad: user must be a non-root UID/],
  ['two paths with one volume name', { image: 'x', writablePaths: ['/a/b', '/a-b'] }, /platform\/web\/bad: writable path "\/a-b" gives the same volume name as "\/a\/b"/],
])('errors at construction name the construct: %s', (_what, props, message) => {
  const app = Testing.app();
  const web = new Tenant(new Chart(app, 'platform'), 'web');
  const err = (() => {
    try {
      new Workload(web, 'bad', props);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(err).toBeInstanceOf(RenderError);
  expect((err as Error).message).toMatch(message);
});

test('two tenants of one name in one app are refused', () => {
  const app = Testing.app();
  new Tenant(new Chart(app, 'a'), 'web');
  expect(thrown(() => new Tenant(new Chart(app, 'b'), 'other', { name: 'web' }))).toMatch(/^b\/other: tenant "web" is already declared at a\/web/);
});
