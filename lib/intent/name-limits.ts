/**
 * Names bulkhead composes from names in platform.yaml, checked against their limit where the user wrote
 * the part that makes them too long. Every rendered object name must be a DNS-1123 label of at most 63
 * characters (the renderer refuses anything else, but only after the constructs are built and without a
 * position); composed names are checked here instead, at the intent.
 *
 * The names, from lib/constructs: `<workload>-ingress`, `<workload>-egress`, `<workload>-cilium`
 * (policies), `guardrail-<name>`, `httproutes-from-<tenant>` (ReferenceGrant), and with `gitops:`
 * `<cluster>-root`, `-gitops`, `-cni`, `-cilium`, `-platform`, `-gateway-api-crds`, `-tenant-<tenant>`
 * (Applications and AppProjects) and `<platform>-fleet`. Outside manifests: kind's API server host
 * `<cluster>-control-plane` (a hostname label) and eksctl's node group `<cluster>-nodes` (EKS allows 63).
 *
 * Workload kinds (issue 20): a StatefulSet's and a CronJob's name may be at most 52 characters, because
 * Kubernetes composes from them: a StatefulSet's pods carry `controller-revision-hash: <name>-<10-character
 * hash>` (kubernetes#64023: pods of a longer name are never created), and the CronJob controller names each
 * run's Job `<name>-<11 characters>` (the Job name is a label value of at most 63). A StatefulSet's headless
 * Service `<workload>-peers` and the ConfigMap `<workload>-files` fit with any workload name (55 + 6). A
 * ClusterRole (and its binding) is named `<tenant>-<workload>`: cluster-scoped, so the tenant is part of it.
 */
import { FieldPath } from './diagnostics';
import { RuleContext } from './rule-context';
import { PlatformSpec } from './types';

export const NAME_LIMIT = 63;
/** StatefulSet and CronJob names (see above). */
export const CONTROLLER_NAME_LIMIT = 52;

export function checkComposedNames(spec: PlatformSpec, ctx: RuleContext): void {
  const over = (path: FieldPath, composed: string, what: string, part: string, room: number) =>
    ctx.fail(
      path,
      `${what} "${composed}" would be ${composed.length} characters, over the limit of ${NAME_LIMIT}`,
      `shorten ${part} to at most ${room} characters.`,
    );

  const clusterRoles = new Map<string, string>();
  const longestCluster = [...spec.clusters].sort((a, b) => b.name.length - a.name.length || (a.name < b.name ? -1 : 1))[0];
  spec.tenants.forEach((t, ti) => {
    (t.workloads ?? []).forEach((w, wi) => {
      const composed = `${w.name}-ingress`;
      if (composed.length > NAME_LIMIT) over(['tenants', ti, 'workloads', wi, 'name'], composed, 'the NetworkPolicy', 'the workload name', NAME_LIMIT - '-ingress'.length);
      else if ((w.kind === 'StatefulSet' || w.kind === 'CronJob') && w.name.length > CONTROLLER_NAME_LIMIT)
        ctx.fail(
          ['tenants', ti, 'workloads', wi, 'name'],
          `a ${w.kind} named "${w.name}" (${w.name.length} characters) would never start a pod: Kubernetes appends 11 characters to it in a label of at most ${NAME_LIMIT}`,
          `shorten the workload name to at most ${CONTROLLER_NAME_LIMIT} characters.`,
        );
      if (w.kubeApi?.clusterRules?.length) {
        const role = `${t.name}-${w.name}`;
        if (role.length > NAME_LIMIT) over(['tenants', ti, 'workloads', wi, 'kubeApi', 'clusterRules'], role, 'the ClusterRole', 'the tenant or workload name', NAME_LIMIT - t.name.length - 1);
        const twin = clusterRoles.get(role);
        if (twin) ctx.fail(['tenants', ti, 'workloads', wi, 'kubeApi', 'clusterRules'], `the ClusterRole "${role}" is also the name of ${twin}'s`, 'rename one of the workloads (ClusterRoles are named <tenant>-<workload>).', true);
        clusterRoles.set(role, `${t.name}/${w.name}`);
      }
    });
    if (spec.gitops && longestCluster) {
      const composed = `${longestCluster.name}-tenant-${t.name}`;
      if (composed.length > NAME_LIMIT)
        over(['tenants', ti, 'name'], composed, `with cluster "${longestCluster.name}", the Argo CD Application and AppProject`, `the tenant name (or cluster "${longestCluster.name}")`, NAME_LIMIT - `${longestCluster.name}-tenant-`.length);
    }
  });
  (spec.guardrails ?? []).forEach((g, i) => {
    const composed = `guardrail-${g.name}`;
    if (composed.length > NAME_LIMIT) over(['guardrails', i, 'name'], composed, 'the CiliumClusterwideNetworkPolicy', 'the guardrail name', NAME_LIMIT - 'guardrail-'.length);
  });
  const grants = new Set<string>();
  (spec.routes ?? []).forEach((r, i) => {
    const crossTenant = r.rules.some((rule) => rule.backends.some((b) => b.to.split('/')[0] !== r.tenant));
    const composed = `httproutes-from-${r.tenant}`;
    if (crossTenant && composed.length > NAME_LIMIT && !grants.has(r.tenant)) {
      grants.add(r.tenant);
      over(['routes', i, 'tenant'], composed, 'the ReferenceGrant for backends in other tenants', 'the tenant name', NAME_LIMIT - 'httproutes-from-'.length);
    }
  });
  const hasGateways = (cluster: string) => (spec.gateways ?? []).some((g) => !g.clusters || g.clusters.includes(cluster));
  spec.clusters.forEach((c, i) => {
    const path: FieldPath = ['clusters', i, 'name'];
    const suffixes: Array<[string, string]> = [];
    if (c.provider === 'kind' && !c.apiServer) suffixes.push(['-control-plane', "kind's API server host"]);
    if (c.provider === 'eks') suffixes.push(['-nodes', 'the eksctl node group']);
    if (spec.gitops) {
      suffixes.push(['-platform', 'the Argo CD Application']);
      if (!spec.gitops.fleet) suffixes.push(['-gitops', 'the Argo CD AppProject']);
      if ((c.cni ?? 'cilium') === 'cilium') suffixes.push(['-cilium', 'the Argo CD Application']);
      if (hasGateways(c.name)) suffixes.push(['-gateway-api-crds', 'the Argo CD Application']);
    }
    const [suffix, what] = suffixes.sort((a, b) => b[0].length - a[0].length)[0] ?? [];
    if (suffix && c.name.length + suffix.length > NAME_LIMIT) over(path, `${c.name}${suffix}`, what!, 'the cluster name', NAME_LIMIT - suffix.length);
  });
  if (spec.gitops?.fleet) {
    const composed = `${spec.metadata.name}-fleet`;
    if (composed.length > NAME_LIMIT) over(['metadata', 'name'], composed, 'the Argo CD ApplicationSet', 'the platform name', NAME_LIMIT - '-fleet'.length);
  }
}
