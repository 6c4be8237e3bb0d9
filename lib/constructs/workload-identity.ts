/**
 * Who a workload is to the Kubernetes API: its own ServiceAccount `<workload>` (so that nothing granted to
 * one workload, or to the namespace's `default` account, reaches another), whose token is not mounted
 * (`automountServiceAccountToken: false`; the pod says the same, and mounts it only with `kubeApi`).
 * Declared API access becomes exactly the declared rules: `rules` a Role and RoleBinding `<workload>` in
 * the tenant's namespace, `clusterRules` a ClusterRole and ClusterRoleBinding `<tenant>-<workload>`
 * (cluster-scoped: rendered to platform/cluster-wide.yaml and delivered by the platform's Argo CD project,
 * never by the tenant's). No rules, no Role: least privilege by default.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { clusterRoleName } from '../model/naming';
import { Workload as WorkloadModel } from '../model/platform';
import { ApiRule } from '../model/workload-settings';
import { workloadLabels } from './labels';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function workloadIdentity(scope: Construct, w: WorkloadModel): void {
  const labels = workloadLabels(w.tenant, w.name);
  const metadata = { name: w.name, namespace: w.tenant, labels };
  const subjects = [{ kind: 'ServiceAccount', name: w.name, namespace: w.tenant }];
  new k8s.KubeServiceAccount(scope, 'service-account', { metadata, automountServiceAccountToken: false });
  if (w.kubeApi?.rules.length) {
    new k8s.KubeRole(scope, 'role', { metadata, rules: w.kubeApi.rules.map(policyRule) });
    new k8s.KubeRoleBinding(scope, 'role-binding', { metadata, roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: w.name }, subjects });
  }
  if (w.kubeApi?.clusterRules.length) {
    const name = clusterRoleName(w.tenant, w.name);
    new k8s.KubeClusterRole(scope, 'cluster-role', { metadata: { name, labels }, rules: w.kubeApi.clusterRules.map(policyRule) });
    new k8s.KubeClusterRoleBinding(scope, 'cluster-role-binding', { metadata: { name, labels }, roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name }, subjects });
  }
}

function policyRule(r: ApiRule): k8s.PolicyRule {
  return { apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs], ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}) };
}
