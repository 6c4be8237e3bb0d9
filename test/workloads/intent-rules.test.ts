/**
 * What each kind takes and refuses, at the field that is wrong, with what to do: cron schedules and time
 * zones, composed names (52 characters for StatefulSets and CronJobs, the `-peers` Service), per-cluster
 * overrides, and the schema's messages for the new fields (unknown-field suggestions only when close and
 * only from the fields of that object).
 */
import { checkPlatform } from '../../lib/intent/check';
import { IntentError } from '../../lib/intent/diagnostics';
import { parseIntents } from '../../lib/intent/load';
import { closeMatch, didYouMean } from '../../lib/intent/names';
import { cronProblem } from '../../lib/model/cron-rules';
import { intentErrors } from '../support/fixtures';
import { Json, kindsPlatform, withWorkload } from './support';

const edit = (id: string, f: (w: Json) => Json) => intentErrors(withWorkload(kindsPlatform(), id, f));

test('the kinds platform is valid', () => {
  expect(() => checkPlatform(kindsPlatform())).not.toThrow();
});

test.each<[string, string, (w: Json) => Json, RegExp]>([
  ['an unknown kind (TypeScript intents skip the schema)', 'shop/web', (w) => ({ ...w, kind: 'Statefulset' }), /workloads\[0\]\.kind: "Statefulset" is not a workload kind\n  hint: did you mean "StatefulSet"\?/],
  ['volumes on a Deployment', 'shop/web', (w) => ({ ...w, volumes: [{ name: 'data', path: '/data', size: '1Gi' }] }), /workloads\[0\]\.volumes: volumes are per-replica claims of a StatefulSet, but shop\/web is a Deployment\n  hint: set kind: StatefulSet, or use writablePaths/],
  ['a schedule on a Deployment', 'shop/web', (w) => ({ ...w, schedule: '@daily' }), /workloads\[0\]\.schedule: schedule is for kind CronJob, but shop\/web is a Deployment/],
  ['backoffLimit on a StatefulSet', 'data/db', (w) => ({ ...w, backoffLimit: 1 }), /backoffLimit: backoffLimit is for kinds Job and CronJob, but data\/db is a StatefulSet/],
  ['a CronJob without a schedule', 'data/export', ({ schedule: _s, timeZone: _t, overrides: _o, ...w }) => w, /workloads\[1\]: data\/export is a CronJob without a schedule/],
  ['replicas on a DaemonSet', 'data/agent', (w) => ({ ...w, replicas: 2 }), /replicas: a DaemonSet has no replica count\n  hint: remove replicas: a DaemonSet runs one pod on every node/],
  ['replicas on a Job', 'data/migrate', (w) => ({ ...w, replicas: 2 }), /replicas: a Job has no replica count\n  hint: remove replicas: each run is one pod to completion/],
  ['replicas beside autoscale', 'shop/api', (w) => ({ ...w, replicas: 3 }), /replicas: replicas and autoscale are both set, but the HorizontalPodAutoscaler owns the replica count\n  hint: remove replicas: the count stays between autoscale\.min \(2\) and autoscale\.max \(5\)/],
  ['autoscale with min above max', 'shop/api', (w) => ({ ...w, autoscale: { min: 6, max: 5 } }), /autoscale: autoscale\.min \(6\) is above autoscale\.max \(5\)/],
  ['autoscaling a CronJob', 'data/export', (w) => ({ ...w, autoscale: { min: 1, max: 2 } }), /autoscale: a CronJob cannot be autoscaled/],
  ['an hour that does not exist', 'data/export', (w) => ({ ...w, schedule: '0 24 * * *' }), /workloads\[1\]\.schedule: hour "24": 24 is outside 0-23/],
  ['an unknown time zone', 'data/export', (w) => ({ ...w, timeZone: 'Mars/Olympus' }), /timeZone: "Mars\/Olympus" is not an IANA time zone/],
  ['a volume at a writable directory', 'data/db', (w) => ({ ...w, volumes: [{ name: 'scratch', path: '/tmp', size: '1Gi' }] }), /volumes\[0\]\.path: \/tmp is already mounted by writablePaths entry "\/tmp"/],
  ['a volume named like a writable directory\'s volume', 'data/db', (w) => ({ ...w, volumes: [{ name: 'tmp', path: '/data', size: '1Gi' }] }), /volumes\[0\]\.name: volume name "tmp" is already used by writablePaths entry "\/tmp"/],
  ['a StatefulSet name over 52 characters', 'data/db', (w) => ({ ...w, name: 'd'.repeat(53) }), /\.name: a StatefulSet named "d{53}" \(53 characters\) would never start a pod: Kubernetes appends 11 characters to it in a label of at most 63\n  hint: shorten the workload name to at most 52 characters/],
  ['a CronJob name over 52 characters', 'data/export', (w) => ({ ...w, name: 'e'.repeat(53) }), /a CronJob named "e{53}" \(53 characters\)/],
  ['an override of a volume that does not exist', 'data/db', (w) => ({ ...w, overrides: { dev: { volumes: { dta: { size: '1Gi' } } } } }), /overrides\.dev\.volumes\.dta: db has no volume "dta"\n  hint: did you mean "data"\?/],
  ['suspending a Deployment on a cluster', 'shop/web', (w) => ({ ...w, overrides: { dev: { suspend: true } } }), /overrides\.dev\.suspend: suspend is for kind CronJob, but web is a Deployment/],
  ['overriding replicas of an autoscaled workload', 'shop/api', (w) => ({ ...w, overrides: { dev: { replicas: 1 } } }), /overrides\.dev\.replicas: the HorizontalPodAutoscaler owns the replica count of this workload\n  hint: override autoscale/],
  ['autoscale bounds crossed on one cluster', 'shop/api', (w) => ({ ...w, overrides: { dev: { autoscale: { min: 9 } } } }), /overrides\.dev\.autoscale: autoscale\.min \(9\) is above autoscale\.max \(5\)/],
  ['an overridden schedule that is not one', 'data/export', (w) => ({ ...w, overrides: { dev: { schedule: 'nightly' } } }), /overrides\.dev\.schedule: "nightly" has 1 field\(s\)/],
])('refused: %s', (_, id, f, message) => {
  expect(edit(id, f)).toMatch(message);
});

test('a StatefulSet whose headless Service would take another workload\'s name', () => {
  const spec = kindsPlatform();
  const data = spec.tenants[1];
  const clash = { ...spec, tenants: [spec.tenants[0], { ...data, workloads: [...data.workloads!, { name: 'db-peers', image: 'x' }] }] };
  expect(intentErrors(clash)).toMatch(/workloads\[0\]\.name: the StatefulSet's headless Service "db-peers" has the name of another workload's Service in tenant data/);
});

test.each<[string, string | undefined]>([
  ['0 2 * * *', undefined],
  ['*/15 9-17 * * MON-FRI', undefined],
  ['0 0 1,15 jan,jul ?', undefined],
  ['@daily', undefined],
  ['@every 5m', '"@every 5m" is not a macro the CronJob controller knows (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
  ['CRON_TZ=UTC 0 2 * * *', 'the time zone cannot be part of the schedule (Kubernetes refuses TZ= and CRON_TZ= since 1.25)'],
  ['60 * * * *', 'minute "60": 60 is outside 0-59'],
  ['0 0 0 * *', 'day of month "0": 0 is outside 1-31'],
  ['0 0 * 13 *', 'month "13": 13 is outside 1-12'],
  ['0 0 * * 7', 'day of week "7": 7 is outside 0-6'],
  ['0 0 * * FOO', 'day of week "FOO": "FOO" is not a number or a name (SUN-SAT)'],
  ['*/0 * * * *', 'minute "*/0": a step of 0 never fires'],
  ['5-1 * * * *', 'minute "5-1": the range 5-1 ends before it starts'],
  ['? * * * *', 'minute "?": "?" is not a number'],
])('cron %s', (schedule, problem) => {
  expect(cronProblem(schedule)).toBe(problem);
});

describe('suggestions', () => {
  test.each<[string, string[], string | undefined]>([
    ['replicaz', ['name', 'image', 'replicas', 'env'], 'replicas'],
    ['kind', ['name', 'image', 'env', 'replicas'], undefined],
    ['schedule', ['name', 'image', 'env'], undefined],
    ['serviceAccount', ['name', 'image', 'replicas', 'user'], undefined],
    ['writable', ['writablePaths', 'user'], 'writablePaths'],
    ['Replicas', ['replicas'], 'replicas'],
    ['lsit', ['get', 'list', 'watch'], 'list'],
    ['Deploy', ['Deployment', 'StatefulSet', 'DaemonSet'], 'Deployment'],
  ])('%s among %j', (name, candidates, expected) => {
    expect(closeMatch(name, candidates)).toBe(expected);
  });

  test('a reference to nothing close lists what there is instead of guessing', () => {
    expect(didYouMean('zzz', ['web', 'billing'])).toBe('declared: billing, web.');
    expect(didYouMean('biling', ['web', 'billing'])).toBe('did you mean "billing"?');
  });
});

describe('schema messages for the new fields', () => {
  const base = (workload: string) =>
    [
      'apiVersion: bulkhead.dev/v1alpha1',
      'kind: Platform',
      'metadata: { name: s }',
      'clusters: [{ name: dev, provider: kind }]',
      'tenants:',
      '  - name: shop',
      '    workloads:',
      '      - name: web',
      '        image: example/web:1',
      ...workload.split('\n').map((l) => `        ${l}`),
      '',
    ].join('\n');
  const errors = (workload: string) => {
    try {
      parseIntents('platform.yaml', base(workload));
    } catch (e) {
      if (e instanceof IntentError) return e.message;
      throw e;
    }
    throw new Error('expected a schema error');
  };

  test('a misspelt field of a workload gets the close field; one that is nothing like a field gets the list', () => {
    expect(errors('schedul: "@daily"')).toMatch(/platform\.yaml:10:9: error: tenants\[0\]\.workloads\[0\]\.schedul: unknown field "schedul"\n  hint: did you mean "schedule"\? Allowed here: /);
    expect(errors('serviceAccount: web')).toMatch(/workloads\[0\]\.serviceAccount: unknown field "serviceAccount"\n  hint: remove it, or use one of the fields allowed here: name, image, /);
    expect(errors('serviceAccount: web')).not.toMatch(/did you mean/);
  });

  test('a CronJob without a schedule, a wrong kind, a file with two sources, a check with two actions', () => {
    expect(errors('kind: CronJob')).toMatch(/workloads\[0\]\.schedule: missing required field "schedule"/);
    expect(errors('kind: Cronjob')).toMatch(/workloads\[0\]\.kind: must be one of Deployment, StatefulSet, DaemonSet, Job, CronJob \(got "Cronjob"\)\n  hint: did you mean "CronJob"\?/);
    expect(errors('files: [{ path: /etc/a, content: x, fromFile: a }]')).toMatch(/files\[0\]\.fromFile: has both content and fromFile; write exactly one of content, fromFile/);
    expect(errors('health: { readiness: { tcp: { port: 80 }, exec: [true] } }')).toMatch(/health\.readiness\.exec: has both tcp and exec; write exactly one of http, tcp, exec/);
    expect(errors('kubeApi: { rules: [{ apiGroups: [""], resources: [pods], verbs: [get, get] }] }')).toMatch(/kubeApi\.rules\[0\]\.verbs: /);
    expect(errors('schedule: "0 2 * *"')).toMatch(/workloads\[0\]\.schedule: "0 2 \* \*" is not valid here\n  hint: A cron expression of five fields/);
  });
});
