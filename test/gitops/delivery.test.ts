/**
 * argocd/ as synth renders it for the example: Applications, projects and (fleet) ApplicationSet valid
 * against the Argo CD v3.5.1 CRDs, the sync order in the wave annotations, the CNI never pruned, and
 * projects that confine tenants. The static checks run on the real output here and are broken on
 * purpose end to end: a values file in a synced directory and an object synced by two Applications.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PlainFile } from '../../lib/constructs/plain-file';
import { PlatformChart } from '../../lib/constructs/platform-chart';
import { projectPermits } from '../../lib/gitops/checks';
import { crdErrors } from '../support/crd-validate';
import { describeWithShared } from '../support/shared';
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';
import { synthesize } from '../../lib/synth/pipeline';
import { RenderError } from '../../lib/emit/render';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ws = workspace();
const argocd = path.join(ws.dir, 'argocd');
beforeAll(() => expect(synth(ws).code).toBe(0));

function docs(file: string): Json[] {
  return parseAllDocuments(fs.readFileSync(path.join(argocd, file), 'utf8')).map((d) => d.toJS() as Json);
}
const all = (cluster: string) => ['root.yaml', 'projects.yaml', 'apps.yaml'].flatMap((f) => docs(`${cluster}/${f}`));
const wave = (o: Json) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);

describe.each(['dev', 'prod'])('cluster %s', (cluster) => {
  test('renders the root, the projects and the Applications in sync-wave order', () => {
    const apps = all(cluster).filter((o) => o.kind === 'Application');
    const byName = new Map(apps.map((a) => [a.metadata.name, a]));
    const order = [`${cluster}-gateway-api-crds`, `${cluster}-cilium`, `${cluster}-platform`, `${cluster}-tenant-billing`];
    for (const n of order) expect(byName.has(n)).toBe(true);
    const waves = order.map((n) => wave(byName.get(n)!));
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    expect(new Set(waves).size).toBe(order.length);
    for (const p of all(cluster).filter((o) => o.kind === 'AppProject')) expect(wave(p)).toBeLessThan(Math.min(...waves));
    expect(byName.get(`${cluster}-root`)!.spec.source).toMatchObject({ path: `argocd/${cluster}`, directory: { recurse: true } });
  });

  test('the CNI and the CRDs are never pruned; Cilium takes the values file from this repository', () => {
    const apps = new Map(all(cluster).filter((o) => o.kind === 'Application').map((a) => [a.metadata.name, a]));
    const cilium = apps.get(`${cluster}-cilium`)!;
    expect(cilium.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
    expect(cilium.spec.sources[0]).toMatchObject({ repoURL: 'https://helm.cilium.io', chart: 'cilium', targetRevision: '1.18.8', helm: { valueFiles: [`$values/dist/${cluster}/bootstrap/cilium-values.yaml`] } });
    expect(cilium.spec.sources[1]).toMatchObject({ repoURL: 'https://github.com/example/healthcare-platform.git', ref: 'values' });
    expect(apps.get(`${cluster}-gateway-api-crds`)!.spec.syncPolicy.automated.prune).toBe(false);
    // Deleting these Applications must not delete the CNI or the CRDs; the tenants' do cascade.
    expect(cilium.metadata.finalizers).toBeUndefined();
    expect(apps.get(`${cluster}-gateway-api-crds`)!.metadata.finalizers).toBeUndefined();
    expect(apps.get(`${cluster}-tenant-web`)!.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(apps.get(`${cluster}-tenant-web`)!.spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
    expect(apps.get(`${cluster}-tenant-web`)!.spec.source.directory).toEqual({ recurse: false, include: 'web.yaml' });
  });

  test("a tenant's project admits only its own namespace and no cluster-scoped kind", () => {
    const project = all(cluster).find((o) => o.kind === 'AppProject' && o.metadata.name === `${cluster}-tenant-web`)!;
    const server = 'https://kubernetes.default.svc';
    expect(projectPermits(project, { namespace: 'web', group: 'networking.k8s.io', kind: 'NetworkPolicy', server }).allowed).toBe(true);
    expect(projectPermits(project, { namespace: 'billing', group: 'networking.k8s.io', kind: 'NetworkPolicy', server }).allowed).toBe(false);
    expect(projectPermits(project, { group: '', kind: 'Namespace', server }).allowed).toBe(false);
    expect(projectPermits(project, { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy', server }).allowed).toBe(false);
    expect(projectPermits(project, { namespace: 'web', group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', server }).allowed).toBe(false);
    const platform = all(cluster).find((o) => o.kind === 'AppProject' && o.metadata.name === `${cluster}-platform`)!;
    expect(projectPermits(platform, { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy', server }).allowed).toBe(true);
    expect(projectPermits(platform, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', server }).allowed).toBe(false);
  });
});

describeWithShared('Argo CD v3.5.1 CRDs', () => {
  test('every Application and AppProject validates, and so does the fleet ApplicationSet', () => {
    const objects = ['dev', 'prod'].flatMap(all);
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap((o) => crdErrors(o as never).map((e) => `${o.kind} ${o.metadata.name}: ${e}`))).toEqual([]);

    const fleet = workspace(exampleText().replace('  revision: main\n', '  revision: main\n  fleet:\n    clusterLabels: { bulkhead.dev/platform: healthcare }\n'));
    expect(synth(fleet).code).toBe(0);
    const set = parseAllDocuments(fs.readFileSync(path.join(fleet.dir, 'argocd', 'fleet', 'applicationset.yaml'), 'utf8')).map((d) => d.toJS() as Json);
    expect(set.map((o) => o.kind)).toEqual(['AppProject', 'ApplicationSet']);
    expect(set.flatMap((o) => crdErrors(o as never))).toEqual([]);
    expect(fs.existsSync(path.join(fleet.dir, 'argocd', 'dev', 'root.yaml'))).toBe(false);
  });
});

test('a values file inside a synced directory fails synth, naming the file; dist/ and argocd/ stay as they were', () => {
  const before = { dist: treeDigest(ws.dist), argocd: treeDigest(argocd) };
  const err = (() => {
    try {
      synthesize({
        intents: ws.intents,
        customize: (app, cluster) => {
          if (cluster.cluster.name !== 'dev') return;
          const chart = new PlatformChart(app, 'misplaced', { outputFile: 'platform/unused.yaml' });
          new PlainFile(chart, 'values', { path: 'platform/extra-values.yaml', content: () => ({ hubble: { enabled: true } }) });
        },
      });
    } catch (e) {
      return e as Error;
    }
    throw new Error('synth accepted a values file in a synced directory');
  })();
  expect(err).toBeInstanceOf(RenderError);
  expect(err.message).toMatch(/directory: .*dist\/dev\/platform\/extra-values\.yaml/);
  expect({ dist: treeDigest(ws.dist), argocd: treeDigest(argocd) }).toEqual(before);
});

test('an object synced by two Applications fails synth, naming both', () => {
  const err = (() => {
    try {
      synthesize({
        intents: ws.intents,
        dryRun: true,
        customize: (app, cluster) => {
          if (cluster.cluster.name !== 'dev') return;
          // The same NetworkPolicy as in tenants/web.yaml, also under platform/: two Applications would own it.
          const copy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'web' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
          new PlainFile(new PlatformChart(app, 'dup', { outputFile: 'platform/unused.yaml' }), 'copy', { path: 'platform/web-copy.yaml', content: () => copy });
        },
      });
    } catch (e) {
      return e as Error;
    }
    throw new Error('synth accepted an object owned by two Applications');
  })();
  expect(err.message).toMatch(/ownership: .*NetworkPolicy.*web\/default-deny.*dev-platform.*dev-tenant-web|ownership: .*NetworkPolicy.*web\/default-deny.*dev-tenant-web.*dev-platform/);
});
