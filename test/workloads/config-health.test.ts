/**
 * Configuration and availability: files from a ConfigMap (content inline or beside platform.yaml) with a
 * checksum that changes exactly when their content does, image pull secrets of the tenant and the
 * workload, health checks (and the old default when none is declared), PodDisruptionBudgets, spreading
 * (nodes; zones on EKS) and autoscaling that owns the replica count, each with its per-cluster overrides.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPlatform } from '../../lib/intent/check';
import { IntentError } from '../../lib/intent/diagnostics';
import { parseIntents } from '../../lib/intent/load';
import { PlatformSpec } from '../../lib/intent/types';
import { compilePlatform } from '../../lib/synth/pipeline';
import { compileSpec, intentErrors, smallPlatform } from '../support/fixtures';
import { Json, find, kindsPlatform, objectsOf, withWorkload } from './support';

const withFiles = (files: Json[], spec = smallPlatform()): PlatformSpec => withWorkload(spec, 'data/db', (w) => ({ ...w, files }));
const podOf = (spec: PlatformSpec, name = 'db', cluster = 'dev') => find(objectsOf(compileSpec(spec), cluster), 'Deployment', name)!.spec.template;
const checksum = (spec: PlatformSpec) => podOf(spec).metadata.annotations?.['bulkhead.dev/files-sha256'];

test('files are a ConfigMap mounted read-only, one subPath per file, so the rest of the directory stays', () => {
  const spec = withFiles([
    { path: '/etc/db/db.conf', content: 'max_connections = 50\n' },
    { path: '/etc/db/extra/limits.conf', content: 'work_mem = 4MB\n' },
  ]);
  const objects = objectsOf(compileSpec(spec));
  expect(find(objects, 'ConfigMap', 'db-files', 'data')!.data).toEqual({ 'etc_db_db.conf': 'max_connections = 50\n', 'etc_db_extra_limits.conf': 'work_mem = 4MB\n' });
  const pod = find(objects, 'Deployment', 'db')!.spec.template.spec;
  expect(pod.volumes).toContainEqual({ name: 'files', configMap: { name: 'db-files' } });
  expect(pod.containers[0].volumeMounts).toEqual([
    { name: 'files', mountPath: '/etc/db/db.conf', subPath: 'etc_db_db.conf', readOnly: true },
    { name: 'files', mountPath: '/etc/db/extra/limits.conf', subPath: 'etc_db_extra_limits.conf', readOnly: true },
  ]);
});

test('the pod template checksum changes when a file\'s content changes, and only then', () => {
  const a = checksum(withFiles([{ path: '/etc/db/db.conf', content: 'max_connections = 50\n' }]));
  const again = checksum(withFiles([{ path: '/etc/db/db.conf', content: 'max_connections = 50\n' }]));
  const changed = checksum(withFiles([{ path: '/etc/db/db.conf', content: 'max_connections = 51\n' }]));
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(again).toBe(a);
  expect(changed).not.toBe(a);
  // The same files listed in another order are the same files.
  const two = [{ path: '/etc/a', content: 'a' }, { path: '/etc/b', content: 'b' }];
  expect(checksum(withFiles(two))).toBe(checksum(withFiles([two[1], two[0]])));
  // Without files, no annotation and no ConfigMap.
  expect(checksum(smallPlatform())).toBeUndefined();
});

describe('fromFile, beside platform.yaml', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-files-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const yaml = (fromFile: string) =>
    [
      'apiVersion: bulkhead.dev/v1alpha1',
      'kind: Platform',
      'metadata: { name: files }',
      'clusters: [{ name: dev, provider: kind }]',
      'tenants:',
      '  - name: monitoring',
      '    workloads:',
      '      - name: prometheus',
      '        image: prom/prometheus:v2.53.0',
      '        files:',
      `          - { path: /etc/prometheus/prometheus.yml, fromFile: ${fromFile} }`,
      '',
    ].join('\n');
  const check = (text: string) => {
    const file = path.join(dir, 'platform.yaml');
    fs.writeFileSync(file, text);
    const loaded = parseIntents(file, text);
    return checkPlatform(loaded.spec, loaded.source);
  };
  const errorOf = (text: string) => {
    try {
      check(text);
    } catch (e) {
      if (e instanceof IntentError) return e.message;
      throw e;
    }
    throw new Error('expected an error');
  };

  test('a file beside platform.yaml is read at check time, and its change changes the checksum', () => {
    fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config', 'prometheus.yml'), 'global:\n  scrape_interval: 30s\n');
    const first = check(yaml('config/prometheus.yml'));
    expect(first.tenants[0].workloads[0].files).toEqual([{ path: '/etc/prometheus/prometheus.yml', content: 'global:\n  scrape_interval: 30s\n' }]);
    fs.writeFileSync(path.join(dir, 'config', 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    const second = check(yaml('config/prometheus.yml'));
    const annotation = (p: typeof first) =>
      (compileSpecFromPlatform(p).find((o) => o.kind === 'Deployment')!.spec.template.metadata.annotations as Record<string, string>)['bulkhead.dev/files-sha256'];
    expect(annotation(second)).not.toBe(annotation(first));
  });

  test('a missing file, one outside the directory, a directory and a binary file are errors at fromFile', () => {
    expect(errorOf(yaml('config/missing.yml'))).toMatch(/platform\.yaml:11:63: error: tenants\[0\]\.workloads\[0\]\.files\[0\]\.fromFile: config\/missing\.yml does not exist \(looked for .*\)\n  hint: fromFile is relative to the directory of platform\.yaml/);
    expect(errorOf(yaml('../secret.yml'))).toMatch(/fromFile: "\.\.\/secret\.yml" is outside the directory of platform\.yaml/);
    expect(errorOf(yaml('/etc/passwd'))).toMatch(/fromFile: "\/etc\/passwd" is outside the directory of platform\.yaml/);
    expect(errorOf(yaml('config'))).toMatch(/fromFile: config is a directory/);
    fs.writeFileSync(path.join(dir, 'config', 'blob.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x80]));
    expect(errorOf(yaml('config/blob.bin'))).toMatch(/fromFile: config\/blob\.bin is not UTF-8 text/);
  });
});

/** Compiles a checked platform and returns the first cluster's objects. */
function compileSpecFromPlatform(p: ReturnType<typeof checkPlatform>): Json[] {
  return compilePlatform(p, { dryRun: true }).clusters[0].files.flatMap((f) => f.manifests as unknown as Json[]);
}

test('from TypeScript there is no platform.yaml to read files beside: content is asked for', () => {
  expect(intentErrors(withFiles([{ path: '/etc/db.conf', fromFile: 'db.conf' }]))).toMatch(/files\[0\]\.fromFile: fromFile needs the directory of platform\.yaml, and these intents come from TypeScript\n  hint: read the file yourself and pass its text as content/);
});

test.each<[string, Json[], RegExp]>([
  ['a file listed twice', [{ path: '/etc/a', content: 'x' }, { path: '/etc/a', content: 'y' }], /files\[1\]\.path: \/etc\/a is listed twice/],
  ['a file at a writable directory', [{ path: '/tmp', content: 'x' }], /files\[0\]\.path: \/tmp is already mounted by writablePaths entry "\/tmp"/],
  ['a relative file path (TypeScript intents skip the schema)', [{ path: 'etc/a.conf', content: 'x' }], /files\[0\]\.path: "etc\/a\.conf" is not the absolute path of a file/],
  ['more than a ConfigMap holds', [{ path: '/etc/a', content: 'x'.repeat(600_000) }, { path: '/etc/b', content: 'y'.repeat(600_000) }], /files\[1\]: the files of db hold 1200000 bytes up to here, over the 1000000 a ConfigMap can carry/],
])('refused: %s', (_, files, message) => {
  const spec = withWorkload(withFiles(files), 'data/db', (w) => ({ ...w, writablePaths: ['/tmp'] }));
  expect(intentErrors(spec)).toMatch(message);
});

test('image pull secrets: the tenant\'s and the workload\'s, sorted; repeating the tenant\'s is an error', () => {
  const base = smallPlatform();
  const spec: PlatformSpec = { ...base, tenants: base.tenants.map((t) => (t.name === 'shop' ? { ...t, imagePullSecrets: ['registry-shop'] } : t)) };
  const withOwn = withWorkload(spec, 'shop/api', (w) => ({ ...w, imagePullSecrets: ['registry-api'] }));
  expect(podOf(withOwn, 'api').spec.imagePullSecrets).toEqual([{ name: 'registry-api' }, { name: 'registry-shop' }]);
  expect(podOf(withOwn, 'web').spec.imagePullSecrets).toEqual([{ name: 'registry-shop' }]);
  expect(podOf(withOwn, 'db').spec.imagePullSecrets).toBeUndefined();
  expect(intentErrors(withWorkload(spec, 'shop/api', (w) => ({ ...w, imagePullSecrets: ['registry-shop'] })))).toMatch(/imagePullSecrets\[0\]: "registry-shop" is already among tenant shop's imagePullSecrets/);
});

test('health: declared checks replace the default readiness check; liveness and startup only when declared', () => {
  const declared = withWorkload(smallPlatform(), 'shop/api', (w) => ({
    ...w,
    health: {
      readiness: { http: { path: '/ready', port: 'http' }, periodSeconds: 5, successThreshold: 2 },
      liveness: { tcp: { port: 8080 }, failureThreshold: 3 },
      startup: { exec: ['/bin/check', '--start'], failureThreshold: 30, periodSeconds: 10 },
    },
  }));
  const container = podOf(declared, 'api').spec.containers[0];
  expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, successThreshold: 2 });
  expect(container.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 3 });
  expect(container.startupProbe).toEqual({ exec: { command: ['/bin/check', '--start'] }, failureThreshold: 30, periodSeconds: 10 });
  const plain = podOf(smallPlatform(), 'api').spec.containers[0];
  expect(plain.readinessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 10 });
  expect(plain.livenessProbe).toBeUndefined();
  expect(plain.startupProbe).toBeUndefined();
});

test.each<[string, Json, RegExp]>([
  ['a port the workload lacks', { readiness: { http: { path: '/', port: 'htp' } } }, /health\.readiness\.http\.port: api has no port named "htp"\n  hint: did you mean "http"\?/],
  ['a liveness check that must succeed twice', { liveness: { tcp: { port: 'http' }, successThreshold: 2 } }, /health\.liveness\.successThreshold: a liveness check must succeed once/],
  ['two actions in one check', { startup: { tcp: { port: 'http' }, exec: ['true'] } }, /health\.startup: has both tcp and exec/],
  ['an empty command', { liveness: { exec: [] } }, /health\.liveness\.exec: the command is empty/],
])('health refused: %s', (_, health, message) => {
  expect(intentErrors(withWorkload(smallPlatform(), 'shop/api', (w) => ({ ...w, health })))).toMatch(message);
});

describe('availability', () => {
  const result = compileSpec(kindsPlatform());
  const dev = objectsOf(result, 'dev');
  const prod = objectsOf(result, 'prod');

  test('a PodDisruptionBudget when there can be more than one replica (replicas, or an autoscaler\'s max), never for one', () => {
    expect(find(prod, 'PodDisruptionBudget', 'web')!.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'bulkhead.dev/workload': 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(find(prod, 'PodDisruptionBudget', 'db')).toBeDefined();
    expect(find(prod, 'PodDisruptionBudget', 'api')).toBeDefined();
    const single = objectsOf(compileSpec(smallPlatform()));
    expect(single.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('replicated workloads spread across nodes, and on EKS across zones too, as a preference', () => {
    const spread = (objects: Json[], kind: string, name: string) => find(objects, kind, name)!.spec.template.spec.topologySpreadConstraints;
    expect(spread(dev, 'Deployment', 'web').map((c: Json) => c.topologyKey)).toEqual(['kubernetes.io/hostname']);
    expect(spread(prod, 'Deployment', 'web').map((c: Json) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(spread(prod, 'Deployment', 'web')[0]).toEqual({
      topologyKey: 'kubernetes.io/hostname',
      maxSkew: 1,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'bulkhead.dev/workload': 'web' } },
      matchLabelKeys: ['pod-template-hash'],
    });
    expect(spread(prod, 'StatefulSet', 'db')[0].matchLabelKeys).toBeUndefined();
    expect(find(prod, 'DaemonSet', 'agent')!.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(objectsOf(compileSpec(smallPlatform())).filter((o) => o.spec?.template?.spec?.topologySpreadConstraints)).toEqual([]);
  });

  test('an autoscaled workload: a HorizontalPodAutoscaler owns the replica count, so the Deployment leaves it out; bounds per cluster', () => {
    expect(find(prod, 'Deployment', 'api')!.spec.replicas).toBeUndefined();
    expect(find(prod, 'Deployment', 'web')!.spec.replicas).toBe(2);
    expect(find(prod, 'HorizontalPodAutoscaler', 'api')!.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(find(dev, 'HorizontalPodAutoscaler', 'api')!.spec).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
  });
});
