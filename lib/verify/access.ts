/**
 * Identity and API access, read from the rendered manifests alone (as the analyzer reads connectivity):
 * every declared workload is rendered as the kind it declares, its pods run as its own ServiceAccount,
 * their token is mounted exactly when it declares API access, and RBAC grants its ServiceAccount exactly
 * the declared rules: `rules` through namespaced bindings, `clusterRules` through cluster-wide ones. A
 * grant nobody declared (to any ServiceAccount, user or group, the namespace's `default` account included)
 * is a finding too. Nothing here reads the constructs: a wrong Role shows up as a difference.
 */
import type { SourcedObject, WorkloadInfo } from '../analysis';
import { ClusterPlatform, Workload } from '../model/platform';
import { formatLocation } from '../model/source-location';
import { ApiRule } from '../model/workload-settings';

export interface AccessFinding {
  readonly kind: 'access';
  readonly message: string;
}

/** What a workload's pods can do with the API, as rendered. */
export interface ApiAccess {
  /** `tenant/workload`. */
  readonly workload: string;
  readonly serviceAccount: string;
  readonly tokenMounted: boolean;
  /** Granted in the workload's namespace (Roles, or ClusterRoles bound by a RoleBinding). */
  readonly rules: readonly ApiRule[];
  /** Granted everywhere (ClusterRoles bound by a ClusterRoleBinding). */
  readonly clusterRules: readonly ApiRule[];
}

type Json = Record<string, unknown>;

/** Where each kind keeps its pod template. */
const TEMPLATE: Record<string, (o: Json) => unknown> = {
  Deployment: (o) => get(o, 'spec', 'template'),
  StatefulSet: (o) => get(o, 'spec', 'template'),
  DaemonSet: (o) => get(o, 'spec', 'template'),
  Job: (o) => get(o, 'spec', 'template'),
  CronJob: (o) => get(o, 'spec', 'jobTemplate', 'spec', 'template'),
};

export function checkAccess(platform: ClusterPlatform, rendered: readonly SourcedObject[], workloads: readonly WorkloadInfo[]): { access: ApiAccess[]; findings: AccessFinding[] } {
  const findings: AccessFinding[] = [];
  const fail = (message: string) => findings.push({ kind: 'access', message });
  const objects = rendered.map((o) => o.object).filter(isObject);
  const byKey = new Map<string, Json>();
  for (const o of objects) byKey.set(key(String(o.kind), namespaceOf(o), nameOf(o)), o);
  const rendersAs = new Map(workloads.map((w) => [w.id, w.kind]));
  const grants = rbacGrants(objects);
  const declared = platform.tenants.flatMap((t) => t.workloads);
  const access: ApiAccess[] = [];

  for (const w of declared) {
    const kind = rendersAs.get(w.id);
    if (kind !== undefined && kind !== w.kind) fail(`workload ${w.id} is declared a ${w.kind} (${at(w)}), but rendered as a ${kind}`);
    const controller = byKey.get(key(w.kind, w.tenant, w.name));
    const pod = controller ? (get(TEMPLATE[w.kind](controller), 'spec') as Json | undefined) : undefined;
    if (!pod) continue; // reported by the workload comparison of the verifier
    const sa = typeof pod.serviceAccountName === 'string' ? pod.serviceAccountName : 'default';
    const account = byKey.get(key('ServiceAccount', w.tenant, sa));
    if (sa !== w.name) fail(`workload ${w.id} runs as ServiceAccount ${sa}, not its own (${w.name})`);
    else if (!account) fail(`workload ${w.id} runs as ServiceAccount ${sa}, which is not rendered`);
    const mounted = typeof pod.automountServiceAccountToken === 'boolean' ? pod.automountServiceAccountToken : account?.automountServiceAccountToken !== false;
    if (mounted !== (w.kubeApi !== undefined))
      fail(`workload ${w.id}: its pods ${mounted ? 'mount' : 'do not mount'} a ServiceAccount token, but ${w.kubeApi ? 'it declares API access' : 'it declares no API access'} (${at(w)})`);
    const granted = grants.get(`${w.tenant}/${sa}`) ?? { rules: [], clusterRules: [] };
    grants.delete(`${w.tenant}/${sa}`);
    compareRules(w, 'in its namespace', w.kubeApi?.rules ?? [], granted.rules, fail);
    compareRules(w, 'cluster-wide', w.kubeApi?.clusterRules ?? [], granted.clusterRules, fail);
    if (mounted) access.push({ workload: w.id, serviceAccount: sa, tokenMounted: mounted, rules: granted.rules, clusterRules: granted.clusterRules });
  }
  for (const [subject, g] of grants)
    if (g.rules.length || g.clusterRules.length) fail(`${subject} is granted API access (${[...g.rules, ...g.clusterRules].map(describeRule).join('; ')}) that no workload declares`);
  return { access: access.sort((a, b) => (a.workload < b.workload ? -1 : 1)), findings };
}

export function describeRule(r: ApiRule): string {
  const groups = r.apiGroups.map((g) => (g === '' ? 'core' : g)).join(',');
  return `${r.verbs.join(',')} ${r.resources.join(',')}${r.resourceNames ? ` named ${r.resourceNames.join(',')}` : ''} (${groups})`;
}

function compareRules(w: Workload, scope: string, want: readonly ApiRule[], got: readonly ApiRule[], fail: (m: string) => void): void {
  const wanted = new Set(want.map(ruleKey));
  const found = new Set(got.map(ruleKey));
  for (const r of got) if (!wanted.has(ruleKey(r))) fail(`workload ${w.id} is granted ${describeRule(r)} ${scope}, which it does not declare (${at(w)})`);
  for (const r of want) if (!found.has(ruleKey(r))) fail(`workload ${w.id} declares ${describeRule(r)} ${scope} (${at(w)}), but no rendered RBAC grants it`);
}

/** What RBAC grants each subject (`namespace/name` for ServiceAccounts, `User x` / `Group x` otherwise). */
function rbacGrants(objects: readonly Json[]): Map<string, { rules: ApiRule[]; clusterRules: ApiRule[] }> {
  const rulesOf = new Map<string, ApiRule[]>();
  for (const o of objects)
    if (isRbac(o) && (o.kind === 'Role' || o.kind === 'ClusterRole')) rulesOf.set(key(String(o.kind), o.kind === 'Role' ? namespaceOf(o) : '', nameOf(o)), ((o.rules as Json[] | undefined) ?? []).map(normalRule));
  const out = new Map<string, { rules: ApiRule[]; clusterRules: ApiRule[] }>();
  for (const o of objects) {
    if (!isRbac(o) || (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding')) continue;
    const ref = (o.roleRef ?? {}) as Json;
    const ns = o.kind === 'RoleBinding' ? namespaceOf(o) : '';
    const rules = rulesOf.get(key(String(ref.kind), ref.kind === 'Role' ? ns : '', String(ref.name))) ?? [];
    for (const s of (o.subjects as Json[] | undefined) ?? []) {
      const subject = s.kind === 'ServiceAccount' ? `${String(s.namespace ?? ns)}/${String(s.name)}` : `${String(s.kind)} ${String(s.name)}`;
      let entry = out.get(subject);
      if (!entry) out.set(subject, (entry = { rules: [], clusterRules: [] }));
      (o.kind === 'RoleBinding' ? entry.rules : entry.clusterRules).push(...rules);
    }
  }
  return out;
}

function normalRule(r: Json): ApiRule {
  const list = (v: unknown) => [...new Set(Array.isArray(v) ? v.map(String) : [])].sort();
  return { apiGroups: list(r.apiGroups), resources: list(r.resources), verbs: list(r.verbs), ...(Array.isArray(r.resourceNames) ? { resourceNames: list(r.resourceNames) } : {}) };
}

const ruleKey = (r: ApiRule) => JSON.stringify([r.apiGroups, r.resources, r.verbs, r.resourceNames ?? null]);
const isRbac = (o: Json) => String(o.apiVersion).startsWith('rbac.authorization.k8s.io/');
const key = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;
const nameOf = (o: Json) => String(get(o, 'metadata', 'name') ?? '');
const namespaceOf = (o: Json) => String(get(o, 'metadata', 'namespace') ?? '');
const at = (w: Workload) => formatLocation(w.origin);

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function get(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const p of path) v = isObject(v) ? v[p] : undefined;
  return v;
}
