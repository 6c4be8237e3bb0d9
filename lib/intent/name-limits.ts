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
 */
import { FieldPath } from './diagnostics';
import { RuleContext } from './rule-context';
import { PlatformSpec } from './types';

export const NAME_LIMIT = 63;

export function checkComposedNames(spec: PlatformSpec, ctx: RuleContext): void {
  const over = (path: FieldPath, composed: string, what: string, part: string, room: number) =>
    ctx.fail(
      path,
      `${what} "${composed}" would be ${composed.length} characters, over the limit of ${NAME_LIMIT}`,
      `shorten ${part} to at most ${room} characters.`,
    );

  const longestCluster = [...spec.clusters].sort((a, b) => b.name.length - a.name.length || (a.name < b.name ? -1 : 1))[0];
  spec.tenants.forEach((t, ti) => {
    (t.workloads ?? []).forEach((w, wi) => {
      const composed = `${w.name}-ingress`;
      if (composed.length > NAME_LIMIT) over(['tenants', ti, 'workloads', wi, 'name'], composed, 'the NetworkPolicy', 'the workload name', NAME_LIMIT - '-ingress'.length);
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
