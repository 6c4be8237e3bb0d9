/** Platforms with every workload kind, built in TypeScript (never the example), and readers for their output. */
import { PlatformSpec, TenantSpec } from '../../lib/intent/types';
import { SynthResult } from '../../lib/synth/pipeline';
import { manifestsOf } from '../support/fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type { Json };

/**
 * `shop`: web (a Deployment of 2) and api (autoscaled 2..5); `data`: db (a StatefulSet of 3 with a volume,
 * its replicas replicating), export (a nightly CronJob), migrate (a Job), agent (a DaemonSet with a port).
 * On a kind cluster `dev` and an EKS cluster `prod`.
 */
export function kindsPlatform(extra: Partial<PlatformSpec> = {}): PlatformSpec {
  const tenants: TenantSpec[] = [
    {
      name: 'shop',
      workloads: [
        { name: 'web', image: 'example/web:1', ports: [{ name: 'http', port: 8080 }], replicas: 2, health: { readiness: { http: { path: '/healthz', port: 'http' } } } },
        { name: 'api', image: 'example/api:1', ports: [{ name: 'http', port: 8080 }], autoscale: { min: 2, max: 5 }, overrides: { dev: { autoscale: { min: 1, max: 2 } } } },
      ],
    },
    {
      name: 'data',
      workloads: [
        {
          name: 'db',
          kind: 'StatefulSet',
          image: 'postgres:16-alpine',
          user: 70,
          replicas: 3,
          writablePaths: ['/tmp', '/var/run/postgresql'],
          volumes: [{ name: 'data', path: '/var/lib/postgresql/data', size: '10Gi', storageClass: 'gp3' }],
          ports: [{ name: 'postgres', port: 5432 }],
          overrides: { dev: { volumes: { data: { size: '1Gi', storageClass: 'standard' } } } },
        },
        { name: 'export', kind: 'CronJob', schedule: '0 2 * * *', timeZone: 'Etc/UTC', image: 'postgres:16-alpine', user: 70, overrides: { dev: { suspend: true } } },
        { name: 'migrate', kind: 'Job', image: 'example/migrate:1', backoffLimit: 4, activeDeadlineSeconds: 600 },
        { name: 'agent', kind: 'DaemonSet', image: 'example/agent:1', ports: [{ name: 'metrics', port: 9100 }] },
      ],
    },
  ];
  return {
    apiVersion: 'bulkhead.dev/v1alpha1',
    kind: 'Platform',
    metadata: { name: 'kinds' },
    clusters: [
      { name: 'dev', provider: 'kind' },
      { name: 'prod', provider: 'eks', region: 'eu-central-1', apiServer: { host: 'abc.gr7.eu-central-1.eks.amazonaws.com' } },
    ],
    tenants,
    flows: [
      { from: 'shop/web', to: 'shop/api', ports: ['http'] },
      { from: 'shop/api', to: 'data/db', ports: ['postgres'] },
      { from: 'data/db', to: 'data/db', ports: ['postgres'] },
      { from: 'data/export', to: 'data/db', ports: ['postgres'] },
      { from: 'data/migrate', to: 'data/db', ports: ['postgres'] },
      { from: 'shop/web', to: 'data/agent', ports: ['metrics'] },
    ],
    gitops: { repoURL: 'https://example.com/org/platform.git' },
    ...extra,
  };
}

/** The manifests of one cluster as plain objects. */
export function objectsOf(result: SynthResult, cluster = 'dev'): Json[] {
  return manifestsOf(result, cluster).map((o) => o.object as Json);
}

export function find(objects: readonly Json[], kind: string, name: string, namespace?: string): Json | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
}

/** A workload spec of `spec` by `tenant/name`, for tests that edit one. */
export function withWorkload(spec: PlatformSpec, id: string, edit: (w: Json) => Json): PlatformSpec {
  const [tenant, name] = id.split('/');
  return {
    ...spec,
    tenants: spec.tenants.map((t) => (t.name !== tenant ? t : { ...t, workloads: (t.workloads ?? []).map((w) => (w.name === name ? (edit({ ...w }) as typeof w) : w)) })),
  };
}
