/** projectPermits and the other AppProject rules, against Argo CD's documented semantics. */
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CLUSTER_SCOPED_KINDS, isClusterScoped, projectPermits } from '../../lib/gitops/checks';
import { destinationPermits, normalizeGitURL, sourcePermits } from '../../lib/gitops/project';
import { sharedPath, describeWithShared } from '../support/shared';
import { appProject, IN_CLUSTER, Json, tenantProject } from './support';

const netpol = { group: 'networking.k8s.io', kind: 'NetworkPolicy' };

describe('a tenant project: destinations only namespace web, empty clusterResourceWhitelist', () => {
  const web = tenantProject('web');

  test.each([
    ['a Namespace', { group: '', kind: 'Namespace', name: 'web' }, /cluster-scoped Namespace web: AppProject tenant-web has no clusterResourceWhitelist entry/],
    ['a CiliumClusterwideNetworkPolicy', { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy', name: 'x' }, /cluster-scoped CiliumClusterwideNetworkPolicy\.cilium\.io x/],
    ['a NetworkPolicy in billing', { ...netpol, namespace: 'billing', server: IN_CLUSTER }, /namespace 'billing' on https:\/\/kubernetes\.default\.svc \/ in-cluster matches no destination of AppProject tenant-web \(\{server: 'https:\/\/kubernetes\.default\.svc', namespace: 'web'\}\)/],
    ['a NetworkPolicy in billing (no cluster given)', { ...netpol, namespace: 'billing' }, /namespace 'billing' on any cluster matches no destination/],
    ['a ConfigMap in web (not in namespaceResourceWhitelist)', { group: '', kind: 'ConfigMap', namespace: 'web', server: IN_CLUSTER }, /ConfigMap is not in the namespaceResourceWhitelist of AppProject tenant-web/],
    ['a NetworkPolicy in web on another cluster', { ...netpol, namespace: 'web', server: 'https://prod.example:443' }, /matches no destination/],
  ])('refuses %s', (_, target, reason) => {
    const r = projectPermits(web, target);
    expect(r.allowed).toBe(false);
    expect(r.reason).toMatch(reason);
  });

  test('permits a NetworkPolicy in web, saying which destination allows it', () => {
    for (const target of [{ ...netpol, namespace: 'web', server: IN_CLUSTER }, { ...netpol, namespace: 'web', destinationName: 'in-cluster' }, { ...netpol, namespace: 'web' }]) {
      const r = projectPermits(web, target);
      expect(r).toEqual({ allowed: true, reason: expect.stringContaining("matches destination {server: 'https://kubernetes.default.svc', namespace: 'web'} of AppProject tenant-web") });
    }
  });

  test('a namespaced kind with no namespace at all is refused', () => {
    expect(projectPermits(web, { ...netpol, server: IN_CLUSTER }).allowed).toBe(false);
  });
});

describe('resource lists', () => {
  const permits = (spec: Json, target: { group: string; kind: string; name?: string }) =>
    projectPermits(appProject('p', { destinations: [{ server: '*', namespace: '*' }], ...spec }), { ...target, namespace: 'ns', server: IN_CLUSTER }).allowed;

  test('absent namespaceResourceWhitelist allows every namespaced kind; an empty one allows none', () => {
    expect(permits({}, netpol)).toBe(true);
    expect(permits({}, { group: 'example.com', kind: 'Anything' })).toBe(true);
    expect(permits({ namespaceResourceWhitelist: [] }, netpol)).toBe(false);
    expect(projectPermits(appProject('p', { namespaceResourceWhitelist: [] }), { ...netpol, namespace: 'ns' }).reason).toMatch(/empty, which allows no namespaced kind/);
  });

  test('namespaceResourceBlacklist refuses even what the whitelist allows; globs on group and kind', () => {
    expect(permits({ namespaceResourceBlacklist: [{ group: '', kind: 'Secret' }] }, { group: '', kind: 'Secret' })).toBe(false);
    expect(permits({ namespaceResourceBlacklist: [{ group: '', kind: 'Secret' }] }, netpol)).toBe(true);
    expect(permits({ namespaceResourceWhitelist: [{ group: '*', kind: '*' }], namespaceResourceBlacklist: [{ group: 'cilium.io', kind: '*' }] }, { group: 'cilium.io', kind: 'CiliumNetworkPolicy' })).toBe(false);
    expect(permits({ namespaceResourceWhitelist: [{ group: '*.k8s.io', kind: 'Network*' }] }, netpol)).toBe(true);
    expect(permits({ namespaceResourceWhitelist: [{ group: '*.k8s.io', kind: 'Network*' }] }, { group: '', kind: 'Service' })).toBe(false);
    // group '' is the core group only; '*' also matches it
    expect(permits({ namespaceResourceWhitelist: [{ group: '', kind: 'Service' }] }, { group: 'serving.knative.dev', kind: 'Service' })).toBe(false);
    expect(permits({ namespaceResourceWhitelist: [{ group: '*', kind: 'Service' }] }, { group: '', kind: 'Service' })).toBe(true);
  });

  test('cluster-scoped kinds need clusterResourceWhitelist (absent or empty: none), minus clusterResourceBlacklist, with optional name globs', () => {
    const ns = { group: '', kind: 'Namespace', name: 'team-a' };
    expect(permits({}, ns)).toBe(false);
    expect(permits({ clusterResourceWhitelist: [] }, ns)).toBe(false);
    expect(permits({ clusterResourceWhitelist: [{ group: '*', kind: '*' }] }, ns)).toBe(true);
    expect(permits({ clusterResourceWhitelist: [{ group: '*', kind: '*' }] }, { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: 'x' })).toBe(true);
    expect(permits({ clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: '', kind: 'Namespace', name: 'kube-*' }] }, { ...ns, name: 'kube-system' })).toBe(false);
    expect(permits({ clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: '', kind: 'Namespace', name: 'kube-*' }] }, ns)).toBe(true);
    expect(permits({ clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-*' }] }, ns)).toBe(true);
    expect(permits({ clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-*' }] }, { ...ns, name: 'billing' })).toBe(false);
    // destinations do not apply to cluster-scoped objects
    expect(projectPermits(appProject('p', { destinations: [], clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] }), ns).allowed).toBe(true);
  });
});

describe('destinations', () => {
  const dest = (destinations: Json[], dst: { server?: string; name?: string; namespace?: string }) => destinationPermits(appProject('p', { destinations }), dst).allowed;

  test("namespace '*' and globs; '*' also matches an Application without destination namespace", () => {
    expect(dest([{ server: IN_CLUSTER, namespace: '*' }], { server: IN_CLUSTER, namespace: 'anything' })).toBe(true);
    expect(dest([{ server: IN_CLUSTER, namespace: '*' }], { server: IN_CLUSTER })).toBe(true);
    expect(dest([{ server: IN_CLUSTER, namespace: 'web' }], { server: IN_CLUSTER })).toBe(false);
    expect(dest([{ server: IN_CLUSTER, namespace: 'team-*' }], { server: IN_CLUSTER, namespace: 'team-a' })).toBe(true);
    expect(dest([{ server: IN_CLUSTER, namespace: 'team-*' }], { server: IN_CLUSTER, namespace: 'web' })).toBe(false);
  });

  test('server or name must match: a destination by name needs an entry by name (in-cluster is known by both)', () => {
    expect(dest([{ server: 'https://*.example', namespace: 'web' }], { server: 'https://prod.example', namespace: 'web' })).toBe(true);
    expect(dest([{ name: 'prod', namespace: 'web' }], { name: 'prod', namespace: 'web' })).toBe(true);
    expect(dest([{ name: 'prod', namespace: 'web' }], { server: 'https://prod.example', namespace: 'web' })).toBe(false);
    expect(dest([{ server: IN_CLUSTER, namespace: 'web' }], { name: 'in-cluster', namespace: 'web' })).toBe(true);
    expect(dest([{ name: 'in-cluster', namespace: 'web' }], { server: IN_CLUSTER, namespace: 'web' })).toBe(true);
  });

  test("a '!' deny entry refuses what it does not match, even if another entry allows it", () => {
    const ds = [
      { server: IN_CLUSTER, namespace: '*' },
      { server: IN_CLUSTER, namespace: '!kube-system' },
    ];
    expect(dest(ds, { server: IN_CLUSTER, namespace: 'web' })).toBe(true);
    expect(dest(ds, { server: IN_CLUSTER, namespace: 'kube-system' })).toBe(false);
    expect(destinationPermits(appProject('p', { destinations: ds }), { server: IN_CLUSTER, namespace: 'kube-system' }).reason).toMatch(/refused by deny destination \{server: 'https:\/\/kubernetes\.default\.svc', namespace: '!kube-system'\}/);
  });
});

describe('sourceRepos', () => {
  const src = (repos: string[], url: string) => sourcePermits(appProject('p', { sourceRepos: repos }), url).allowed;

  test("exact URLs compare normalized; '*' allows all; globs stay within a path segment; '!' refuses", () => {
    expect(src(['https://github.com/example/healthcare-platform.git'], 'https://GitHub.com/example/healthcare-platform')).toBe(true);
    expect(src(['*'], 'https://helm.cilium.io')).toBe(true);
    expect(src(['https://github.com/example/*'], 'https://github.com/example/anything.git')).toBe(true);
    expect(src(['https://github.com/*'], 'https://github.com/example/anything.git')).toBe(false);
    expect(src(['https://github.com/**'], 'https://github.com/example/anything.git')).toBe(true);
    expect(src(['*', '!https://github.com/evil/*'], 'https://github.com/evil/repo')).toBe(false);
    expect(src([], 'https://helm.cilium.io')).toBe(false);
  });

  test('normalizeGitURL: case, .git, scp-like SSH', () => {
    expect(normalizeGitURL(' https://GitHub.com/Example/Repo.git ')).toBe('https://github.com/example/repo');
    expect(normalizeGitURL('git@github.com:example/repo.git')).toBe(normalizeGitURL('ssh://git@github.com/example/repo'));
  });
});

test('kinds not in CLUSTER_SCOPED_KINDS are namespaced; the list is group-qualified', () => {
  expect(isClusterScoped('', 'Namespace')).toBe(true);
  expect(isClusterScoped('gateway.networking.k8s.io', 'GatewayClass')).toBe(true);
  expect(isClusterScoped('gateway.networking.k8s.io', 'Gateway')).toBe(false);
  expect(isClusterScoped('example.com', 'Namespace')).toBe(false);
  expect(isClusterScoped('example.com', 'Widget')).toBe(false);
});

describeWithShared('CLUSTER_SCOPED_KINDS agrees with the CRDs in ../shared/crds', () => {
  test('every Cluster-scoped CRD is listed and no Namespaced one is', () => {
    const dir = sharedPath('crds');
    let seen = 0;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      for (const d of parseAllDocuments(fs.readFileSync(`${dir}/${f}`, 'utf8'))) {
        const crd = d.toJS() as { kind?: string; spec?: { group: string; scope: string; names: { kind: string } } } | null;
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        seen++;
        expect([`${crd.spec.names.kind}.${crd.spec.group}`, CLUSTER_SCOPED_KINDS.has(`${crd.spec.names.kind}.${crd.spec.group}`)]).toEqual([`${crd.spec.names.kind}.${crd.spec.group}`, crd.spec.scope === 'Cluster']);
      }
    }
    expect(seen).toBeGreaterThan(5);
  });
});
