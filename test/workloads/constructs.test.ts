/**
 * The workload kinds through the public constructs alone (no platform.yaml): a StatefulSet, a CronJob and an
 * operator with API access, connected and proven by `verify(app)`; mistakes fail at construction with the path.
 */
import { Chart, Testing } from 'cdk8s';
import { Peer, Port, Tenant, Workload, verify } from '../../lib';
import { docs, find, thrown } from '../constructs/support';

function app() {
  const a = Testing.app();
  const chart = new Chart(a, 'platform', { disableResourceNameHashes: true });
  const data = new Tenant(chart, 'data');
  const db = new Workload(data, 'db', { kind: 'StatefulSet', image: 'postgres:16-alpine', user: 70, replicas: 2, volumes: [{ name: 'data', path: '/var/lib/postgresql/data', size: '5Gi' }], ports: [{ name: 'postgres', port: 5432 }] });
  const backup = new Workload(data, 'backup', { kind: 'CronJob', schedule: '@daily', image: 'postgres:16-alpine', user: 70, files: [{ path: '/etc/backup.conf', content: 'keep = 7\n' }] });
  const operator = new Workload(data, 'operator', { image: 'example/operator:1', kubeApi: { rules: [{ apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'patch'] }] } });
  backup.connections.allowTo(db, [Port.named('postgres')]);
  db.connections.allowTo(db, [Port.named('postgres')]);
  operator.connections.allowTo(Peer.kubeApiServer());
  return { app: a, chart, data };
}

test('a StatefulSet, a CronJob and an operator built with the constructs render their objects and pass verify(app)', () => {
  const { app: a, chart } = app();
  const all = docs(chart);
  expect(find(all, 'StatefulSet', 'db', 'data')!.spec.serviceName).toBe('db-peers');
  expect(find(all, 'CronJob', 'backup', 'data')!.spec.schedule).toBe('@daily');
  expect(find(all, 'ConfigMap', 'backup-files', 'data')).toBeDefined();
  expect(find(all, 'PodDisruptionBudget', 'db', 'data')).toBeDefined();
  expect(find(all, 'Role', 'operator', 'data')).toBeDefined();
  const result = verify(a);
  expect(result.access.map((x) => x.workload)).toEqual(['data/operator']);
  expect(result.connectivity.connections.map((c) => `${c.from} -> ${c.to}`)).toEqual(['data/backup -> data/db']);
});

test.each<[string, ConstructorParameters<typeof Workload>[2], RegExp]>([
  ['volumes on a Deployment', { image: 'x', volumes: [{ name: 'd', path: '/d', size: '1Gi' }] }, /platform\/data\/bad: volumes is for StatefulSet, not a Deployment/],
  ['a CronJob without a schedule', { kind: 'CronJob', image: 'x' }, /a CronJob needs a schedule/],
  ['a bad schedule', { kind: 'CronJob', image: 'x', schedule: '* * *' }, /schedule: "\* \* \*" has 3 field\(s\)/],
  ['replicas with autoscale', { image: 'x', replicas: 2, autoscale: { min: 1, max: 3 } }, /replicas and autoscale are both set/],
  ['a wildcard rule', { image: 'x', kubeApi: { rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] } }, /an API rule with "\*" grants everything/],
  ['a StatefulSet name over 52 characters', { name: 's'.repeat(53), kind: 'StatefulSet', image: 'x' }, /a StatefulSet's name may have at most 52 characters/],
])('refused at construction: %s', (_, props, message) => {
  const { data } = app();
  expect(thrown(() => new Workload(data, 'bad', props))).toMatch(message);
});
