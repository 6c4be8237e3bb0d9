/** Names derived from intents, shared by the checker (which rejects collisions) and the constructs. */

/** The emptyDir volume that makes `path` writable: its name is derived from the path so the YAML reads well. */
export function volumeNameFor(path: string): string {
  const name = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name || 'root';
}

/** Guardrail policies are named `guardrail-<name>`; reports find them by this prefix. */
export const GUARDRAIL_PREFIX = 'guardrail-';

/** The pod volume a workload's config files are mounted from. */
export const FILES_VOLUME = 'files';
/** The ConfigMap holding a workload's config files. */
export const filesConfigMapName = (workload: string): string => `${workload}-files`;
/** A StatefulSet's headless Service (its pods' stable DNS names: `<workload>-0.<workload>-peers.<tenant>.svc`). */
export const peersServiceName = (workload: string): string => `${workload}-peers`;
/** A workload's ClusterRole and ClusterRoleBinding: cluster-scoped, so the tenant is part of the name. */
export const clusterRoleName = (tenant: string, workload: string): string => `${tenant}-${workload}`;
