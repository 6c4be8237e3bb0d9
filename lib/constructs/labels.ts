/**
 * Labels bulkhead owns. Selectors use only these and `kubernetes.io/metadata.name`, never labels a
 * tenant edits and never cdk8s's construct-path hash, so selectors stay stable across refactors
 * (Deployment selectors are immutable) and cannot be spoofed from another namespace.
 */
export const TENANT_LABEL = 'bulkhead.dev/tenant';
export const WORKLOAD_LABEL = 'bulkhead.dev/workload';
/** Set by the API server on every namespace since Kubernetes 1.22; tenants cannot change it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function commonLabels(tenant: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'bulkhead', [TENANT_LABEL]: tenant };
}

export function workloadLabels(tenant: string, workload: string): Record<string, string> {
  return { ...commonLabels(tenant), 'app.kubernetes.io/name': workload, [WORKLOAD_LABEL]: workload };
}

/** Pod Security Admission: enforce, audit and warn on `restricted`, pinned to the 1.28 rules (tenant and gateway namespaces). */
export const POD_SECURITY = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'v1.28',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};
