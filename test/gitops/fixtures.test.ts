/**
 * The fixtures the GitOps checks are tested with are valid Argo CD v3.5.1 objects (CRDs in ../shared/crds,
 * strict about unknown fields), so the checks are exercised on what Argo CD would accept; and the checks
 * accept the repository as synth renders it (dist/ on disk) when delivered the way the fixtures deliver it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkGitOps, RepoFile } from '../../lib/gitops/checks';
import { crdErrors } from '../support/crd-validate';
import { describeWithShared } from '../support/shared';
import { application, appProject, correct, IN_CLUSTER, Json, repoSource, REPO, TENANT_KINDS, tenantSet, yamlDocs } from './support';

describeWithShared('GitOps check fixtures against the Argo CD v3.5.1 CRDs', () => {
  test('every Application, AppProject and ApplicationSet of the fixtures validates', () => {
    const objects = [...Object.values(correct().argocd).flat(), tenantSet(true), tenantSet(false), ...realDelivery().objects];
    expect(objects.length).toBeGreaterThan(12);
    for (const o of objects) {
      const obj = o as { apiVersion: string; kind: string } & Json;
      expect([obj.kind, (obj.metadata as Json).name, crdErrors(obj)]).toEqual([obj.kind, (obj.metadata as Json).name, []]);
    }
  });
});

test("the repository's own dist/ passes when each cluster's platform, tenants and probes are delivered by their own Applications", () => {
  const { files } = realDelivery();
  expect(files.filter((f) => f.path.startsWith('dist/')).length).toBeGreaterThan(5);
  expect(checkGitOps(files, { repoURL: REPO })).toEqual([]);
});

/** dist/ as on disk, plus per cluster: a platform Application and project, one per tenant, and Cilium's values by $values. */
function realDelivery(): { files: RepoFile[]; objects: Json[] } {
  const root = path.resolve(__dirname, '..', '..');
  const files: RepoFile[] = walk(path.join(root, 'dist')).map((p) => ({ path: path.relative(root, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') }));
  const objects: Json[] = [];
  for (const cluster of fs.readdirSync(path.join(root, 'dist')).filter((c) => fs.existsSync(path.join(root, 'dist', c, 'tenants')))) {
    const tenants = fs.readdirSync(path.join(root, 'dist', cluster, 'tenants')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    const docs: Json[] = [
      appProject('platform', {
        destinations: [{ server: IN_CLUSTER, namespace: 'bulkhead-gateways' }],
        clusterResourceWhitelist: ['Namespace', 'cilium.io/CiliumClusterwideNetworkPolicy', 'cilium.io/CiliumLoadBalancerIPPool', 'cilium.io/CiliumL2AnnouncementPolicy'].map((gk) =>
          gk.includes('/') ? { group: gk.split('/')[0], kind: gk.split('/')[1] } : { group: '', kind: gk },
        ),
      }),
      application('platform', 'platform', { source: repoSource(`dist/${cluster}/platform`), destination: { server: IN_CLUSTER, namespace: 'bulkhead-gateways' } }),
      appProject('cni', { sourceRepos: [REPO, 'https://helm.cilium.io'], destinations: [{ server: IN_CLUSTER, namespace: 'kube-system' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] }),
      application('cilium', 'cni', {
        sources: [
          { repoURL: 'https://helm.cilium.io', chart: 'cilium', targetRevision: '1.18.8', helm: { releaseName: 'cilium', valueFiles: [`$values/dist/${cluster}/bootstrap/cilium-values.yaml`] } },
          { repoURL: REPO, targetRevision: 'main', ref: 'values' },
        ],
        destination: { server: IN_CLUSTER, namespace: 'kube-system' },
      }),
      ...tenants.flatMap((t) => [
        appProject(`tenant-${t}`, {
          destinations: [{ server: IN_CLUSTER, namespace: t }],
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: [
            ...TENANT_KINDS,
            { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
            { group: 'gateway.networking.k8s.io', kind: 'ReferenceGrant' },
            // Workload kinds and what comes with them (ServiceAccounts, config-file ConfigMaps, PDBs).
            ...['apps/StatefulSet', 'batch/CronJob', '/ServiceAccount', '/ConfigMap', 'policy/PodDisruptionBudget'].map((gk) => ({ group: gk.split('/')[0], kind: gk.split('/')[1] })),
          ],
        }),
        application(`tenant-${t}`, `tenant-${t}`, { source: repoSource(`dist/${cluster}/tenants`, { include: `${t}.yaml` }), destination: { server: IN_CLUSTER, namespace: t } }),
      ]),
      // The connectivity probes: Jobs and their plan ConfigMap in the tenants' namespaces.
      ...(fs.existsSync(path.join(root, 'dist', cluster, 'probes'))
        ? [
            appProject('probes', {
              destinations: tenants.map((t) => ({ server: IN_CLUSTER, namespace: t })),
              clusterResourceWhitelist: [],
              namespaceResourceWhitelist: [{ group: 'batch', kind: 'Job' }, { group: '', kind: 'ConfigMap' }],
            }),
            application('probes', 'probes', { source: repoSource(`dist/${cluster}/probes`), destination: { server: IN_CLUSTER, namespace: tenants[0] } }),
          ]
        : []),
    ];
    objects.push(...docs);
    files.push({ path: `argocd/${cluster}/delivery.yaml`, text: yamlDocs(...docs) });
  }
  return { files, objects };
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
