/**
 * Every workload kind, rendered: valid against the Kubernetes 1.28 definitions, `restricted`, proven by the
 * verifier (a flow to a StatefulSet, from a CronJob and a Job, to a DaemonSet, between a StatefulSet's
 * replicas), each kind with what it needs (a headless Service and claim templates, a schedule, a replaced
 * Job) and nothing it must not have (replicas where an autoscaler owns them).
 */
import { analyze } from '../../lib/analysis';
import { describeWithShared } from '../support/shared';
import { K8sObject, apiRuleErrors, schemaErrors } from '../support/k8s-validate';
import { POD_TEMPLATE, restrictedViolations } from '../support/pod-security';
import { compileSpec, manifestsOf } from '../support/fixtures';
import { Json, find, kindsPlatform, objectsOf, withWorkload } from './support';

const result = compileSpec(kindsPlatform());
const dev = objectsOf(result, 'dev');
const prod = objectsOf(result, 'prod');

test('the verifier proves every kind: flows to a StatefulSet (and between its replicas), from a CronJob and a Job, to a DaemonSet', () => {
  for (const c of result.clusters) expect(c.verification.findings).toEqual([]);
  const v = result.clusters[0].verification;
  const kinds = Object.fromEntries(v.connectivity.workloads.map((w) => [w.id, w.kind]));
  expect(kinds).toEqual({ 'shop/web': 'Deployment', 'shop/api': 'Deployment', 'data/db': 'StatefulSet', 'data/export': 'CronJob', 'data/migrate': 'Job', 'data/agent': 'DaemonSet' });
  const open = (from: string, to: string) => v.connectivity.connections.find((c) => c.from === from && c.to === to)?.ports;
  expect(open('data/export', 'data/db')).toEqual({ TCP: [[5432, 5432]] });
  expect(open('data/migrate', 'data/db')).toEqual({ TCP: [[5432, 5432]] });
  expect(open('shop/api', 'data/db')).toEqual({ TCP: [[5432, 5432]] });
  expect(open('shop/web', 'data/agent')).toEqual({ TCP: [[9100, 9100]] });
  expect(v.connectivity.replicas?.find((c) => c.from === 'data/db')?.ports).toEqual({ TCP: [[5432, 5432]] });
  // Nothing undeclared: the CronJob is reached by nobody, the Job reaches only the database.
  expect(v.connectivity.connections.filter((c) => c.to === 'data/export' || c.from === 'data/migrate').map((c) => c.to)).toEqual(['data/db']);
});

describeWithShared('Kubernetes 1.28 definitions', () => {
  test('every object of every kind validates, with the API server\'s own rules', () => {
    for (const o of [...dev, ...prod].filter((x) => !x.apiVersion.startsWith('cilium.io/'))) {
      const errors = [...schemaErrors(o as K8sObject), ...apiRuleErrors(o as K8sObject)];
      expect({ object: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, errors }).toEqual({ object: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, errors: [] });
    }
    expect(new Set(dev.map((o) => o.kind))).toEqual(
      new Set(['Namespace', 'NetworkPolicy', 'ServiceAccount', 'Service', 'Deployment', 'StatefulSet', 'CronJob', 'Job', 'DaemonSet', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']),
    );
  });
});

test('pods of every kind pass restricted, as their own ServiceAccount, without a token', () => {
  const controllers = [...dev, ...prod].filter((o) => POD_TEMPLATE[o.kind] && o.kind !== 'Pod');
  expect(controllers.length).toBe(12);
  for (const c of controllers) {
    const template = POD_TEMPLATE[c.kind](c)!;
    expect({ id: `${c.kind} ${c.metadata.name}`, v: restrictedViolations(template.spec) }).toEqual({ id: `${c.kind} ${c.metadata.name}`, v: [] });
    expect(template.spec.serviceAccountName).toBe(c.metadata.name);
    expect(template.spec.automountServiceAccountToken).toBe(false);
    expect(find(dev, 'ServiceAccount', c.metadata.name, c.metadata.namespace)!.automountServiceAccountToken).toBe(false);
  }
});

test('a StatefulSet: its headless Service is its serviceName, a claim template per volume (apiVersion and kind written out), sizes per cluster', () => {
  const db = find(dev, 'StatefulSet', 'db')!;
  expect(db.spec).toMatchObject({ serviceName: 'db-peers', replicas: 3, podManagementPolicy: 'OrderedReady' });
  const peers = find(dev, 'Service', 'db-peers')!;
  expect(peers.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: { 'bulkhead.dev/workload': 'db' } });
  expect(find(dev, 'Service', 'db')!.spec.type).toBe('ClusterIP');
  const claim = (objects: Json[]) => find(objects, 'StatefulSet', 'db')!.spec.volumeClaimTemplates;
  expect(claim(dev)).toEqual([
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', labels: expect.objectContaining({ 'bulkhead.dev/workload': 'db' }) },
      spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' },
    },
  ]);
  expect(claim(prod)[0].spec).toMatchObject({ resources: { requests: { storage: '10Gi' } }, storageClassName: 'gp3' });
  const pod = db.spec.template.spec;
  expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
  expect(pod.securityContext.fsGroupChangePolicy).toBe('OnRootMismatch');
  expect(pod.volumes.map((v: Json) => v.name)).not.toContain('data');
});

test('a CronJob: schedule, time zone, Forbid, history and back-off written out, suspended only where overridden, no Service without ports', () => {
  const spec = (objects: Json[]) => find(objects, 'CronJob', 'export')!.spec;
  expect(spec(prod)).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  expect(spec(dev).suspend).toBe(true);
  expect(spec(prod).jobTemplate.metadata.labels['bulkhead.dev/workload']).toBe('export');
  expect(spec(prod).jobTemplate.spec.backoffLimit).toBe(2);
  expect(spec(prod).jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  // No default readiness check for pods that run to completion.
  expect(spec(prod).jobTemplate.spec.template.spec.containers[0].readinessProbe).toBeUndefined();
  expect(find(prod, 'Service', 'export')).toBeUndefined();
});

test('a Job is replaced when it changes (its pod template is immutable) and is never deleted after finishing', () => {
  const job = find(prod, 'Job', 'migrate')!;
  expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' });
  expect(job.spec).toMatchObject({ backoffLimit: 4, activeDeadlineSeconds: 600 });
  expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
  expect(job.spec.selector).toBeUndefined();
});

test('a DaemonSet has no replica count, budget or autoscaler', () => {
  expect(find(prod, 'DaemonSet', 'agent')!.spec.replicas).toBeUndefined();
  expect(find(prod, 'PodDisruptionBudget', 'agent')).toBeUndefined();
  expect(find(prod, 'Service', 'agent')).toBeDefined();
});

test('the analyzer reads every kind from the files alone, as the connectivity command does', () => {
  const connectivity = analyze(manifestsOf(result, 'prod'));
  expect(connectivity.workloads.map((w) => `${w.id} ${w.kind}`).sort()).toEqual(
    ['data/agent DaemonSet', 'data/db StatefulSet', 'data/export CronJob', 'data/migrate Job', 'shop/api Deployment', 'shop/web Deployment'].sort(),
  );
});

test('the tenant projects permit the kinds rendered, and Argo CD gets no PersistentVolumeClaim to sync', () => {
  const project = result.delivery.get('dev/projects.yaml')!;
  for (const kind of ['StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ServiceAccount', 'ConfigMap', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) expect(project).toContain(`kind: ${kind}`);
  expect(project).not.toContain('PersistentVolumeClaim');
  expect(dev.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
});

describe('connectivity probes and the new kinds', () => {
  const plan = result.clusters[0].probes.plan;
  const probeObjects = result.clusters[0].probes.files.flatMap((f) => f.manifests as unknown as Json[]);

  test('a CronJob or Job is a source like any other: its probe Job carries its pod labels and runs as its ServiceAccount, without a token', () => {
    expect(plan.probes.filter((p) => p.kind === 'flow').map((p) => `${p.from} -> ${p.to}`)).toEqual(expect.arrayContaining(['data/export -> data/db', 'data/migrate -> data/db']));
    const cron = find(dev, 'CronJob', 'export')!.spec.jobTemplate.spec.template;
    const job = find(probeObjects, 'Job', 'export-probes', 'data')!.spec.template;
    for (const [k, v] of Object.entries(cron.metadata.labels)) expect(job.metadata.labels[k]).toBe(v);
    expect(job.spec.serviceAccountName).toBe('export');
    expect(job.spec.automountServiceAccountToken).toBe(false);
    // Synth proved each probe against the manifests (a disagreement would be a finding).
    expect(result.clusters[0].verification.findings).toEqual([]);
  });

  test('a probe to a StatefulSet goes through its ClusterIP Service', () => {
    const toDb = plan.probes.find((p) => p.kind === 'flow' && p.to === 'data/db')!;
    expect(toDb.host).toBe('db.data.svc.cluster.local');
  });

  test('a Job or CronJob is never a probe destination: its pods exist only while a run lasts', () => {
    const spec = withWorkload(kindsPlatform({ flows: [{ from: 'shop/web', to: 'data/export', ports: ['status'] }, { from: 'shop/web', to: 'data/db', ports: ['postgres'] }] }), 'data/export', (w) => ({
      ...w,
      ports: [{ name: 'status', port: 8081 }],
    }));
    const probes = compileSpec(spec).clusters[0].probes.plan;
    expect(probes.probes.some((p) => p.to === 'data/export' || p.to === 'data/migrate')).toBe(false);
    expect(probes.notProbed).toContainEqual({ kind: 'flow', what: 'shop/web -> data/export status', reason: 'data/export is a CronJob: its pods exist only while a run lasts, so a probe would find nothing to answer' });
  });
});
