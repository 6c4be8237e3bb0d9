/**
 * Identity and API access: a ServiceAccount per workload, a token only with `kubeApi`, a Role with exactly
 * the declared rules, a ClusterRole only where `allowClusterRoles` says so (delivered by the platform project
 * by name), the way to the API server opened with it (Cilium) or demanded (cni: generic), both shown
 * together in CONNECTIVITY.md, and the verifier refusing RBAC nobody declared.
 */
import { App, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PlatformSpec } from '../../lib/intent/types';
import { chartOf, failure } from '../support/broken';
import { compileSpec, intentErrors, manifestsOf, smallPlatform } from '../support/fixtures';
import { forCluster } from '../../lib/model/platform';
import { verifyCluster } from '../../lib/verify/verify';
import { describeWithShared } from '../support/shared';
import { K8sObject, apiRuleErrors, schemaErrors } from '../support/k8s-validate';
import { Json, find, objectsOf, withWorkload } from './support';
import { compilePlatform } from '../../lib/synth/pipeline';
import { checkPlatform } from '../../lib/intent/check';

const RULES = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['watch', 'get', 'list'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['operator-lock'] },
];
const CLUSTER_RULES = [{ apiGroups: [''], resources: ['pods', 'endpoints'], verbs: ['get', 'list', 'watch'] }];

/** smallPlatform with an operator in tenant `ops` declaring API access (namespaced, and cluster-wide when `clusterWide`). */
function withOperator(clusterWide = false, extra: Partial<PlatformSpec> = {}): PlatformSpec {
  const base = smallPlatform({ gitops: { repoURL: 'https://example.com/org/platform.git' }, ...extra });
  return {
    ...base,
    tenants: [
      ...base.tenants,
      { name: 'ops', workloads: [{ name: 'operator', image: 'example/operator:1', kubeApi: { rules: RULES, ...(clusterWide ? { clusterRules: CLUSTER_RULES } : {}) } }] },
    ],
    ...(clusterWide ? { allowClusterRoles: ['ops/operator'] } : {}),
  };
}

test('a workload declaring API access gets its token and a Role with exactly its rules; every other workload keeps no token and no RBAC', () => {
  const result = compileSpec(withOperator());
  const objects = objectsOf(result);
  const pod = find(objects, 'Deployment', 'operator', 'ops')!.spec.template.spec;
  expect(pod.serviceAccountName).toBe('operator');
  expect(pod.automountServiceAccountToken).toBe(true);
  expect(find(objects, 'Role', 'operator', 'ops')!.rules).toEqual([
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['coordination.k8s.io'], resourceNames: ['operator-lock'], resources: ['leases'], verbs: ['get', 'update'] },
  ]);
  expect(find(objects, 'RoleBinding', 'operator', 'ops')).toMatchObject({
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'operator' },
    subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'ops' }],
  });
  const rbac = objects.filter((o) => o.apiVersion.startsWith('rbac.authorization.k8s.io/'));
  expect(rbac.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(['Role ops/operator', 'RoleBinding ops/operator']);
  for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'operator')) {
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(d.spec.template.spec.serviceAccountName).toBe(d.metadata.name);
  }
  // The Role is in the tenant's project only where some workload needs it.
  const projects = result.delivery.get('dev/projects.yaml')!;
  const project = (tenant: string) => projects.split('---').find((d) => d.includes(`name: dev-tenant-${tenant}\n`))!;
  expect(project('ops')).toContain('kind: RoleBinding');
  expect(project('shop')).not.toContain('kind: Role');
});

test('kubeApi opens the way to the API server on Cilium, and CONNECTIVITY.md shows it beside the RBAC', () => {
  const result = compileSpec(withOperator());
  const v = result.clusters[0].verification;
  expect(v.connectivity.external.filter((x) => x.workload === 'ops/operator')).toEqual([
    { direction: 'egress', workload: 'ops/operator', kind: 'entity', entity: 'kube-apiserver', ports: { TCP: [[6443, 6443]] } },
  ]);
  expect(v.access.map((a) => a.workload)).toEqual(['ops/operator']);
  const report = result.clusters[0].texts.get('CONNECTIVITY.md')!;
  const section = report.slice(report.indexOf('## Kubernetes API access'), report.indexOf('## Guardrails'));
  expect(section).toContain('| ops/operator | operator | in ops: get,list,watch configmaps (core); get,update leases named operator-lock (coordination.k8s.io) | kube-apiserver TCP 6443 |');
  // An explicit entry is not doubled.
  const explicit = compileSpec(withOperator(false, { egress: [{ from: 'ops', entity: 'kube-apiserver' }] }));
  expect(explicit.platform.egress).toHaveLength(1);
});

test('without Cilium the API server cannot be selected by identity: an address block is demanded, and then accepted', () => {
  const generic = withOperator(false, { clusters: [{ name: 'dev', provider: 'kind', cni: 'generic' }] });
  expect(intentErrors(generic)).toMatch(/tenants\[2\]\.workloads\[0\]\.kubeApi: cluster "dev" uses cni: generic, which cannot open egress to the API server by identity[\s\S]*hint: declare egress from ops\/operator to the API server's address/);
  const withCidr = compileSpec({ ...generic, egress: [{ from: 'ops/operator', cidr: '172.18.0.2/32', ports: [6443] }] });
  expect(withCidr.platform.egress.map((e) => e.to.kind)).toEqual(['cidr']);
  expect(withCidr.clusters[0].texts.get('CONNECTIVITY.md')).toContain('| ops/operator | operator | in ops: ');
});

test('cluster-wide rules need allowClusterRoles; then a ClusterRole and binding go to the platform file, and the platform project permits exactly them', () => {
  const denied = { ...withOperator(true), allowClusterRoles: undefined };
  expect(intentErrors(denied)).toMatch(/kubeApi\.clusterRules: ops\/operator asks for cluster-wide API access, which allowClusterRoles does not grant it[\s\S]*add "ops\/operator" to allowClusterRoles after review/);
  expect(intentErrors({ ...withOperator(true), allowClusterRoles: ['opz'] })).toMatch(/allowClusterRoles\[0\]: no tenant named "opz"\n  hint: did you mean "ops"\?/);
  const result = compileSpec(withOperator(true));
  const file = result.clusters[0].files.find((f) => f.path === 'platform/cluster-wide.yaml')!;
  const role = file.manifests.find((m) => m.kind === 'ClusterRole') as Json;
  expect(role.metadata.name).toBe('ops-operator');
  expect(role.rules).toEqual([{ apiGroups: [''], resources: ['endpoints', 'pods'], verbs: ['get', 'list', 'watch'] }]);
  expect(file.manifests.find((m) => m.kind === 'ClusterRoleBinding')).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'ops-operator' }, subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'ops' }] });
  const projects = result.delivery.get('dev/projects.yaml')!;
  expect(projects).toMatch(/- group: rbac\.authorization\.k8s\.io\n\s+kind: ClusterRole\n\s+name: ops-operator/);
  expect(projects).toMatch(/- group: rbac\.authorization\.k8s\.io\n\s+kind: ClusterRoleBinding\n\s+name: ops-operator/);
  expect(result.clusters[0].verification.access[0].clusterRules).toHaveLength(1);
});

describeWithShared('Kubernetes 1.28 definitions', () => {
  test('ServiceAccounts, Roles, bindings and ClusterRoles validate', () => {
    const objects = objectsOf(compileSpec(withOperator(true)));
    const rbac = objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    expect(rbac).toHaveLength(8);
    for (const o of rbac) expect([...schemaErrors(o as K8sObject), ...apiRuleErrors(o as K8sObject)]).toEqual([]);
  });
});

test.each<[string, (w: Json) => Json, RegExp]>([
  ['a wildcard verb', (w) => ({ ...w, kubeApi: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } }), /rules\[0\]\.verbs\[0\]: "\*" grants every verb, including ones added later\n  hint: list the verbs it needs \(least privilege\), or set allowWildcard: true on this rule after review/],
  ['a wildcard resource', (w) => ({ ...w, kubeApi: { rules: [{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['get'] }] } }), /resources\[0\]: "\*\/scale" grants every resource/],
  ['a misspelt verb', (w) => ({ ...w, kubeApi: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['lsit'] }] } }), /verbs\[0\]: "lsit" is not a verb Kubernetes authorizes\n  hint: did you mean "list"\?/],
  ['allowWildcard without a wildcard', (w) => ({ ...w, kubeApi: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], allowWildcard: true }] } }), /allowWildcard: allowWildcard is set, but the rule has no "\*"/],
  ['resourceNames with create', (w) => ({ ...w, kubeApi: { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get'], resourceNames: ['x'] }] } }), /resourceNames: resourceNames cannot restrict create/],
  ['no rule at all', (w) => ({ ...w, kubeApi: { rules: [] } }), /kubeApi: ops\/operator declares API access without a rule/],
  ['a workload named default', (w) => ({ ...w, name: 'default' }), /\.name: a workload named "default" would take over the namespace's default ServiceAccount/],
])('refused: %s', (_, edit, message) => {
  expect(intentErrors(withWorkload(withOperator(), 'ops/operator', edit))).toMatch(message);
});

test('a wildcard stated explicitly is granted as written', () => {
  const spec = withWorkload(withOperator(), 'ops/operator', (w) => ({ ...w, kubeApi: { rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['*'], allowWildcard: true }] } }));
  expect(find(objectsOf(compileSpec(spec)), 'Role', 'operator')!.rules).toEqual([{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['*'] }]);
});

describe('the verifier refuses identity and RBAC nobody declared', () => {
  const run = (customize: (app: App) => void) => failure(() => compilePlatform(checkPlatform(withOperator()), { dryRun: true, customize }));

  test('a binding that grants the namespace default account', () => {
    const err = run((app) => {
      new k8s.KubeRoleBinding(chartOf(app, 'ops'), 'sneaky', {
        metadata: { name: 'sneaky', namespace: 'ops' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'operator' },
        subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ops' }],
      });
    });
    expect(err.message).toMatch(/ops\/default is granted API access \(get,list,watch configmaps \(core\); .*\) that no workload declares/);
  });

  test('a rule added for the workload', () => {
    const err = run((app) => {
      new k8s.KubeRole(chartOf(app, 'ops'), 'extra', { metadata: { name: 'extra', namespace: 'ops' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] });
      new k8s.KubeRoleBinding(chartOf(app, 'ops'), 'extra-binding', {
        metadata: { name: 'extra', namespace: 'ops' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extra' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'ops' }],
      });
    });
    expect(err.message).toMatch(/workload ops\/operator is granted get secrets \(core\) in its namespace, which it does not declare/);
  });

  test('a token mounted where no API access is declared, and a pod on the default account', () => {
    const err = run((app) => {
      const deployment = (name: string) => app.node.findAll().find((c): c is k8s.KubeDeployment => c instanceof k8s.KubeDeployment && c.node.path.endsWith(`/${name}/deployment`))!;
      deployment('web').addJsonPatch(JsonPatch.replace('/spec/template/spec/automountServiceAccountToken', true));
      deployment('api').addJsonPatch(JsonPatch.remove('/spec/template/spec/serviceAccountName'));
    });
    expect(err.message).toMatch(/workload shop\/web: its pods mount a ServiceAccount token, but it declares no API access/);
    expect(err.message).toMatch(/workload shop\/api runs as ServiceAccount default, not its own \(api\)/);
  });

  test('a workload rendered as another kind than it declares', () => {
    const platform = checkPlatform(withWorkload(withOperator(), 'data/db', (w) => ({ ...w, kind: 'StatefulSet' })));
    const result = compilePlatform(platform, { dryRun: true });
    const objects = manifestsOf(result).map((o) => {
      const m = o.object as Json;
      if (m.kind !== 'StatefulSet') return o;
      const { serviceName: _s, podManagementPolicy: _p, ...spec } = m.spec;
      return { ...o, object: { ...m, kind: 'Deployment', spec } };
    });
    const findings = verifyCluster(forCluster(platform, platform.clusters[0]), objects).findings.map((f) => f.message);
    expect(findings).toEqual([expect.stringMatching(/^workload data\/db is declared a StatefulSet \(.*\), but rendered as a Deployment$/)]);
  });
});
