/** checkGitOps over small in-memory repositories: each test breaks one thing and looks for its report. */
import { checkGitOps, GitOpsProblem, syncedPaths } from '../../lib/gitops/checks';
import {
  application, appIn, appProject, correct, files, IN_CLUSTER, kindConfig, Model, namespace, networkPolicy, REPO, repoSource, service, specOf, tenantApp, tenantProject, tenantSet, valuesFile, yamlDocs,
} from './support';

const check = (m: Model, repoURL = REPO) => checkGitOps(files(m), { repoURL });
const only = (problems: GitOpsProblem[], c: GitOpsProblem['check']) => problems.filter((p) => p.check === c).map((p) => p.message);

test('the correct layout passes with no problems', () => {
  expect(check(correct())).toEqual([]);
});

test('the repository URL is compared as Argo CD normalizes it (case, .git suffix)', () => {
  expect(check(correct(), 'https://GitHub.com/example/healthcare-platform')).toEqual([]);
});

describe('ownership', () => {
  test('an object in the paths of two Applications is reported once, naming both', () => {
    const m = correct();
    m.argocd['argocd/dev/apps.yaml'].push(application('tenant-web-copy', 'tenant-web', { source: repoSource('dist/dev/tenants', { include: 'web.yaml' }), destination: { server: IN_CLUSTER, namespace: 'web' } }));
    const shared = only(check(m), 'ownership');
    expect(shared).toHaveLength(2); // default-deny and frontend
    const msg = shared.find((s) => s.includes('NetworkPolicy.networking.k8s.io web/default-deny'))!;
    expect(msg).toMatch(/synced by 2 Applications/);
    expect(msg).toContain('Application tenant-web (argocd/dev/apps.yaml)');
    expect(msg).toContain('Application tenant-web-copy (argocd/dev/apps.yaml)');
    expect(msg).toContain('dist/dev/tenants/web.yaml');
    expect(msg).toContain('SharedResourceWarning');
  });

  test('the same object in two files synced by two Applications is caught by group/kind/namespace/name', () => {
    const m = correct();
    // platform's file re-declares web's default-deny (and the platform project would refuse it too).
    m.dist['dist/dev/platform/extra.yaml'] = [networkPolicy('web', 'default-deny')];
    const msgs = only(check(m), 'ownership');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain('Application platform (argocd/dev/apps.yaml) from dist/dev/platform/extra.yaml');
    expect(msgs[0]).toContain('Application tenant-web (argocd/dev/apps.yaml) from dist/dev/tenants/web.yaml');
  });

  test("a namespaced object without namespace takes its Application's destination namespace", () => {
    const m = correct();
    m.dist['dist/dev/tenants/web.yaml'] = [networkPolicy(undefined, 'default-deny'), service('web', 'frontend')];
    m.dist['dist/dev/platform/extra.yaml'] = [networkPolicy('bulkhead-gateways', 'default-deny')];
    // web's default-deny lands in web, platform's in bulkhead-gateways: two objects, no sharing.
    expect(only(check(m), 'ownership')).toEqual([]);
  });

  test('an object read twice by one Application is reported (RepeatedResourceWarning)', () => {
    const m = correct();
    m.dist['dist/dev/platform/more.yaml'] = [namespace('web')];
    const msgs = only(check(m), 'ownership');
    expect(msgs).toEqual([expect.stringContaining('Namespace web on https://kubernetes.default.svc is read 2 times by Application platform (argocd/dev/apps.yaml) from dist/dev/platform/cluster-wide.yaml, dist/dev/platform/more.yaml')]);
  });

  test('an object in no Application is reported with its file, kind, namespace and name', () => {
    const m = correct();
    m.argocd['argocd/dev/apps.yaml'] = m.argocd['argocd/dev/apps.yaml'].filter((a) => (a.metadata as { name: string }).name !== 'tenant-billing');
    const msgs = only(check(m), 'ownership');
    expect(msgs).toEqual([
      expect.stringContaining('dist/dev/tenants/billing.yaml: NetworkPolicy.networking.k8s.io billing/default-deny is synced by no Application'),
      expect.stringContaining('dist/dev/tenants/billing.yaml: CiliumNetworkPolicy.cilium.io billing/api-cilium is synced by no Application'),
    ]);
  });

  test('objects under dist/ for another cluster count too, and the same object on two clusters is not shared', () => {
    const m = correct();
    m.dist['dist/prod/tenants/web.yaml'] = m.dist['dist/dev/tenants/web.yaml'];
    expect(only(check(m), 'ownership')).toEqual([
      expect.stringContaining('dist/prod/tenants/web.yaml: NetworkPolicy.networking.k8s.io web/default-deny is synced by no Application'),
      expect.stringContaining('dist/prod/tenants/web.yaml: Service web/frontend is synced by no Application'),
    ]);
    m.argocd['argocd/prod/apps.yaml'] = [tenantApp('web', 'prod')];
    m.argocd['argocd/prod/projects.yaml'] = [tenantProject('web')];
    expect(check(m)).toEqual([]);
  });

  test('tool configs and values files under dist/ are not objects and need no owner', () => {
    const m = correct();
    m.dist['dist/prod/bootstrap/eksctl-config.yaml'] = [{ apiVersion: 'eksctl.io/v1alpha5', kind: 'ClusterConfig', metadata: { name: 'prod', region: 'eu-central-1' } }];
    m.dist['dist/prod/bootstrap/cilium-values.yaml'] = valuesFile;
    expect(check(m)).toEqual([]);
  });
});

describe('directory', () => {
  test('a values file inside a synced directory is reported; in bootstrap/ (synced by none) it is fine', () => {
    const m = correct();
    m.dist['dist/dev/platform/cilium-values.yaml'] = valuesFile;
    const msgs = only(check(m), 'directory');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain('dist/dev/platform/cilium-values.yaml: Application platform (argocd/dev/apps.yaml) reads this file as manifests');
    expect(msgs[0]).toContain('has no apiVersion and kind');
    // correct() keeps the same file in bootstrap/, referenced by the Cilium Application's $values: no problem.
    expect(check(correct())).toEqual([]);
  });

  test('a kind config (apiVersion and kind, but not a Kubernetes object) in a synced directory is reported', () => {
    const m = correct();
    m.dist['dist/dev/platform/kind-config.yaml'] = [kindConfig];
    const problems = check(m);
    expect(only(problems, 'directory')).toEqual([expect.stringMatching(/^dist\/dev\/platform\/kind-config\.yaml: Application platform .* document 1 is a Cluster of kind\.x-k8s\.io\/v1alpha4, a tool's config file/)]);
    expect(only(problems, 'ownership')).toEqual([]); // not an object, so no "synced by no Application" either
  });

  test('an eksctl config synced by a recursive source over the whole cluster directory is reported', () => {
    const m = correct();
    m.dist['dist/dev/bootstrap/eksctl-config.yaml'] = [{ apiVersion: 'eksctl.io/v1alpha5', kind: 'ClusterConfig', metadata: { name: 'dev' } }];
    m.argocd['argocd/dev/apps.yaml'].push(application('everything', 'platform', { source: repoSource('dist/dev', { recurse: true }), destination: { server: IN_CLUSTER, namespace: 'bulkhead-gateways' } }));
    const msgs = only(check(m), 'directory');
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringContaining('dist/dev/bootstrap/cilium-values.yaml: Application everything'),
        expect.stringContaining('dist/dev/bootstrap/kind-config.yaml: Application everything'),
        expect.stringContaining('dist/dev/bootstrap/eksctl-config.yaml: Application everything'),
      ]),
    );
    expect(msgs.some((s) => s.includes('CONNECTIVITY.md'))).toBe(false); // Markdown is not read
  });

  test('Chart.yaml or kustomization.yaml in a synced directory is reported', () => {
    const m = correct();
    m.dist['dist/dev/tenants/kustomization.yaml'] = [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['web.yaml'] }];
    m.dist['dist/dev/platform/Chart.yaml'] = 'apiVersion: v2\nname: platform\nversion: 0.1.0\n';
    const msgs = only(check(m), 'directory');
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dist\/dev\/tenants\/kustomization\.yaml: Application tenant-billing .* Kustomize/),
        expect.stringMatching(/^dist\/dev\/platform\/Chart\.yaml: Application platform .* Helm/),
        expect.stringMatching(/^dist\/dev\/platform\/Chart\.yaml: Application platform .* reads this file as manifests, but document 1 has no kind/),
      ]),
    );
  });

  test('an include glob that selects no file is reported (a typo would sync nothing, and prune everything)', () => {
    const m = correct();
    (specOf(appIn(m, 'tenant-web')).source as { directory: { include: string } }).directory.include = 'webb.yaml';
    const problems = check(m);
    expect(only(problems, 'directory')).toEqual([expect.stringContaining("Application tenant-web (argocd/dev/apps.yaml): directory source dist/dev/tenants (include 'webb.yaml') selects no file")]);
    expect(only(problems, 'ownership')).toHaveLength(2); // web's objects are now unowned
  });

  test('a $values file that is missing, or a ref no source has, is reported', () => {
    const m = correct();
    const cilium = specOf(appIn(m, 'cilium')).sources as Array<{ helm?: { valueFiles: string[] } }>;
    cilium[0].helm!.valueFiles = ['$values/dist/dev/bootstrap/cilium.yaml', '$vals/dist/dev/bootstrap/cilium-values.yaml'];
    expect(only(check(m), 'directory')).toEqual([
      expect.stringContaining('Application cilium (argocd/dev/apps.yaml): value file $values/dist/dev/bootstrap/cilium.yaml points at dist/dev/bootstrap/cilium.yaml, which is not in the repository'),
      expect.stringContaining("no source has ref 'vals'"),
    ]);
  });

  test('a file that does not parse is reported when synced', () => {
    const m = correct();
    m.dist['dist/dev/platform/broken.yaml'] = 'kind: Namespace\nmetadata: [\n';
    expect(only(check(m), 'directory')).toEqual([expect.stringContaining('dist/dev/platform/broken.yaml: Application platform (argocd/dev/apps.yaml) reads this file, which does not parse')]);
  });
});

describe('which files a directory source reads', () => {
  const paths = [
    'dist/dev/tenants/web.yaml',
    'dist/dev/tenants/billing.yaml',
    'dist/dev/tenants/billing.yml',
    'dist/dev/tenants/notes.md',
    'dist/dev/tenants/extra/web.json',
    'dist/dev/tenants/extra/deep/x.yaml',
    'dist/dev/tenantsX/web.yaml',
  ];
  const read = (directory?: Record<string, unknown>) => syncedPaths({ path: 'dist/dev/tenants', directory }, paths);

  test('include selects one tenant file', () => {
    expect(read({ include: 'web.yaml' })).toEqual(['dist/dev/tenants/web.yaml']);
    expect(read({ include: 'billing.yaml' })).toEqual(['dist/dev/tenants/billing.yaml']);
  });

  test('without recurse only the top level; only .yaml, .yml and .json', () => {
    expect(read()).toEqual(['dist/dev/tenants/billing.yaml', 'dist/dev/tenants/billing.yml', 'dist/dev/tenants/web.yaml']);
    expect(read({ recurse: true })).toEqual([
      'dist/dev/tenants/billing.yaml', 'dist/dev/tenants/billing.yml', 'dist/dev/tenants/extra/deep/x.yaml', 'dist/dev/tenants/extra/web.json', 'dist/dev/tenants/web.yaml',
    ]);
  });

  test("globs are matched against the path relative to the source path, with Argo CD's glob: * crosses /", () => {
    expect(read({ recurse: true, include: '*.json' })).toEqual(['dist/dev/tenants/extra/web.json']);
    expect(read({ recurse: true, include: 'extra/*' })).toEqual(['dist/dev/tenants/extra/deep/x.yaml', 'dist/dev/tenants/extra/web.json']);
    expect(read({ recurse: true, include: '{web.yaml,extra/deep/*}' })).toEqual(['dist/dev/tenants/extra/deep/x.yaml', 'dist/dev/tenants/web.yaml']);
    expect(read({ include: 'dist/dev/tenants/web.yaml' })).toEqual([]); // not relative: matches nothing
  });

  test('exclude wins over include', () => {
    expect(read({ include: '*.yaml', exclude: 'billing*' })).toEqual(['dist/dev/tenants/web.yaml']);
    expect(read({ recurse: true, exclude: '{extra/*,*.yml}' })).toEqual(['dist/dev/tenants/billing.yaml', 'dist/dev/tenants/web.yaml']);
  });

  test('source paths are normalized (./, trailing /)', () => {
    expect(syncedPaths({ path: './dist/dev/tenants/', directory: { include: 'web.yaml' } }, paths)).toEqual(['dist/dev/tenants/web.yaml']);
  });
});

describe('size', () => {
  /** A NetworkPolicy whose JSON is over 262,144 bytes: 8,000 ipBlock peers. */
  const huge = () =>
    networkPolicy('web', 'huge-egress', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: Array.from({ length: 8000 }, (_, i) => ({ ipBlock: { cidr: `10.${Math.floor(i / 250)}.${i % 250}.0/24` } })) }],
    });

  test('an oversized object without ServerSideApply is reported; with it (on the Application or the object) it is fine', () => {
    expect(JSON.stringify(huge()).length).toBeGreaterThan(262_144);
    const m = correct();
    (m.dist['dist/dev/tenants/web.yaml'] as unknown[]).push(huge());
    const msgs = only(check(m), 'size');
    expect(msgs).toEqual([expect.stringMatching(/^dist\/dev\/tenants\/web\.yaml: NetworkPolicy\.networking\.k8s\.io web\/huge-egress is \d+ bytes of JSON, over the 262144 .* Application tenant-web \(argocd\/dev\/apps\.yaml\) has no ServerSideApply=true/)]);

    (specOf(appIn(m, 'tenant-web')).syncPolicy as { syncOptions: string[] }).syncOptions.push('ServerSideApply=true');
    expect(check(m)).toEqual([]);

    const n = correct();
    const annotated = huge();
    (annotated.metadata as Record<string, unknown>).annotations = { 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true, ServerSideApply=true' };
    (n.dist['dist/dev/tenants/web.yaml'] as unknown[]).push(annotated);
    expect(check(n)).toEqual([]);
  });

  test('an object just under the limit needs nothing', () => {
    const m = correct();
    const np = networkPolicy('web', 'big', { podSelector: {}, policyTypes: ['Egress'], egress: [] });
    const base = JSON.stringify(np).length;
    (np.metadata as Record<string, unknown>).annotations = { pad: 'x'.repeat(262_144 - base - '"annotations":{"pad":""},'.length) };
    expect(JSON.stringify(np).length).toBe(262_144);
    (m.dist['dist/dev/tenants/web.yaml'] as unknown[]).push(np);
    expect(only(check(m), 'size')).toEqual([]);
  });
});

describe('project', () => {
  test("an Application using project 'default' is reported", () => {
    const m = correct();
    specOf(appIn(m, 'tenant-web')).project = 'default';
    expect(only(check(m), 'project')).toEqual([expect.stringContaining("Application tenant-web (argocd/dev/apps.yaml) uses the AppProject 'default'")]);
  });

  test('a project that is not rendered, or none at all, is reported', () => {
    const m = correct();
    specOf(appIn(m, 'tenant-web')).project = 'tenant-webb';
    delete specOf(appIn(m, 'tenant-billing')).project;
    expect(only(check(m), 'project')).toEqual([
      expect.stringContaining('Application tenant-billing (argocd/dev/apps.yaml) names no spec.project'),
      expect.stringContaining('Application tenant-web (argocd/dev/apps.yaml) names AppProject tenant-webb, which is not rendered under argocd/'),
    ]);
  });

  test("a tenant's Application syncing a Namespace, a cluster-wide policy and another tenant's policy is refused for each", () => {
    const m = correct();
    m.dist['dist/dev/tenants/web.yaml'] = [
      ...(m.dist['dist/dev/tenants/web.yaml'] as unknown[] as Array<Record<string, unknown>>),
      namespace('web-extra'),
      { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'web-escape' }, spec: { endpointSelector: {} } },
      networkPolicy('billing', 'allow-web'),
    ];
    const msgs = only(check(m), 'project');
    expect(msgs).toHaveLength(3);
    expect(msgs[0]).toMatch(/^dist\/dev\/tenants\/web\.yaml: Namespace web-extra synced by Application tenant-web .* is refused: cluster-scoped Namespace web-extra: AppProject tenant-web has no clusterResourceWhitelist entry/);
    expect(msgs[1]).toContain('CiliumClusterwideNetworkPolicy.cilium.io web-escape synced by Application tenant-web');
    expect(msgs[2]).toContain("NetworkPolicy.networking.k8s.io billing/allow-web synced by Application tenant-web (argocd/dev/apps.yaml) is refused: NetworkPolicy.networking.k8s.io in namespace billing: namespace 'billing' on https://kubernetes.default.svc / in-cluster matches no destination of AppProject tenant-web");
  });

  test('a kind outside the namespaceResourceWhitelist is refused', () => {
    const m = correct();
    (m.dist['dist/dev/tenants/web.yaml'] as unknown[]).push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'web' } });
    expect(only(check(m), 'project')).toEqual([expect.stringContaining('ConfigMap is not in the namespaceResourceWhitelist of AppProject tenant-web')]);
  });

  test("a repository outside sourceRepos, and a destination the project does not allow, are reported", () => {
    const m = correct();
    specOf(appIn(m, 'tenant-web')).source = { ...(specOf(appIn(m, 'tenant-web')).source as object), repoURL: 'https://github.com/someone/else.git' };
    specOf(appIn(m, 'platform')).destination = { server: IN_CLUSTER };
    const problems = check(m);
    expect(only(problems, 'project')).toEqual([
      expect.stringContaining('Application platform (argocd/dev/apps.yaml): Argo CD refuses the Application: its destination namespace \'\' on https://kubernetes.default.svc / in-cluster matches no destination of AppProject platform'),
      expect.stringContaining('Application tenant-web (argocd/dev/apps.yaml): repository https://github.com/someone/else.git is not in the sourceRepos of AppProject tenant-web'),
    ]);
  });

  test('a destination by cluster name is compared with destinations by name (and in-cluster with its server)', () => {
    const m = correct();
    specOf(appIn(m, 'tenant-web')).destination = { name: 'in-cluster', namespace: 'web' };
    expect(check(m)).toEqual([]);
    specOf(appIn(m, 'tenant-web')).destination = { name: 'dev', namespace: 'web' };
    expect(only(check(m), 'project')).toEqual(expect.arrayContaining([expect.stringContaining("namespace 'web' on dev matches no destination of AppProject tenant-web")]));
    (m.argocd['argocd/dev/projects.yaml'].find((p) => (p.metadata as { name: string }).name === 'tenant-web')!.spec as Record<string, unknown>).destinations = [{ name: 'dev', namespace: 'web' }];
    expect(check(m)).toEqual([]);
  });

  test('AppProjects are looked up in the same argocd/<cluster>/ directory first', () => {
    const m = correct();
    m.dist['dist/prod/tenants/web.yaml'] = [networkPolicy('web', 'default-deny')];
    m.argocd['argocd/prod/apps.yaml'] = [tenantApp('web', 'prod')];
    // prod's tenant-web project allows another namespace: prod's Application must be checked against it.
    m.argocd['argocd/prod/projects.yaml'] = [appProject('tenant-web', { destinations: [{ server: IN_CLUSTER, namespace: 'web-prod' }], clusterResourceWhitelist: [] })];
    expect(only(check(m), 'project')).toEqual([
      expect.stringContaining('Application tenant-web (argocd/prod/apps.yaml): Argo CD refuses the Application'),
      expect.stringContaining('dist/prod/tenants/web.yaml: NetworkPolicy.networking.k8s.io web/default-deny synced by Application tenant-web (argocd/prod/apps.yaml) is refused'),
    ]);
  });
});

describe('ApplicationSets', () => {
  test.each([true, false])('a list generator is expanded into the Applications it creates (goTemplate %s)', (goTemplate) => {
    const m = correct();
    m.argocd['argocd/dev/apps.yaml'] = m.argocd['argocd/dev/apps.yaml'].filter((a) => !String((a.metadata as { name: string }).name).startsWith('tenant-'));
    m.argocd['argocd/dev/tenants.yaml'] = [tenantSet(goTemplate)];
    const gitopsProject = m.argocd['argocd/dev/root.yaml'][0].spec as { namespaceResourceWhitelist: unknown[] };
    gitopsProject.namespaceResourceWhitelist.push({ group: 'argoproj.io', kind: 'ApplicationSet' });
    expect(check(m)).toEqual([]);
    // and its Applications are checked like any other
    const set = m.argocd['argocd/dev/tenants.yaml'][0] as { spec: { generators: Array<{ list: { elements: unknown[] } }> } };
    set.spec.generators[0].list.elements.push({ tenant: 'web' });
    expect(only(check(m), 'ownership')[0]).toContain('Application tenant-web (from ApplicationSet tenants, argocd/dev/tenants.yaml)');
  });

  test('a generator that depends on the cluster is not expanded, and unowned objects say why', () => {
    const m = correct();
    m.argocd['argocd/dev/apps.yaml'] = m.argocd['argocd/dev/apps.yaml'].filter((a) => (a.metadata as { name: string }).name !== 'tenant-web');
    const set = tenantSet(true) as { spec: Record<string, unknown> };
    set.spec.generators = [{ clusters: { selector: { matchLabels: { tenant: 'web' } } } }];
    m.argocd['argocd/dev/tenants.yaml'] = [set as unknown as Record<string, unknown>];
    const msgs = only(check(m), 'ownership');
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toContain('(ApplicationSet tenants (argocd/dev/tenants.yaml) is not expanded here: its clusters generator depends on state outside the repository)');
  });
});

test('Applications are read from multi-document files alongside other objects, and from JSON', () => {
  const m = correct();
  const web = tenantApp('web');
  m.argocd['argocd/dev/apps.yaml'] = m.argocd['argocd/dev/apps.yaml'].filter((a) => a !== appIn(m, 'tenant-web'));
  const f = files(m);
  f.push({ path: 'argocd/dev/web.json', text: JSON.stringify(web) });
  expect(checkGitOps(f, { repoURL: REPO })).toEqual([]);
  // and a README beside them is not a manifest problem for the root's recursive directory source
  f.push({ path: 'argocd/dev/README.md', text: '# not YAML: ignored\n' });
  expect(checkGitOps(f, { repoURL: REPO })).toEqual([]);
  expect(yamlDocs(web)).toContain('include: web.yaml');
});
