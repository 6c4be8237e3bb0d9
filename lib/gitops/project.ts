/**
 * AppProject semantics of Argo CD v3 for one object, one destination, one source repository, read from
 * Argo CD's own code and documented behaviour (pkg/apis/application/v1alpha1, `AppProject`):
 *
 * - Kinds (`IsGroupKindPermitted`): a namespaced kind is allowed when `namespaceResourceWhitelist` is ABSENT
 *   (nil: everything) or lists it, and `namespaceResourceBlacklist` does not; an explicit empty whitelist `[]`
 *   allows no namespaced kind (`whitelist == nil || len(whitelist) != 0 && inList`). A cluster-scoped kind is
 *   allowed only when `clusterResourceWhitelist` lists it (absent or empty: none; "Deny all cluster-scoped
 *   resources from being created, except for ..." in the project specification) and
 *   `clusterResourceBlacklist` does not. Entries match with Go's filepath.Match on group and kind
 *   (`isResourceInList`), so `group: '*'`, `kind: '*'` work; cluster entries may also carry a `name` glob
 *   ("if no name is specified, all resources of the specified group/kind are matched", AppProject CRD v3.5.1).
 * - Destinations (`isDestinationMatched`): an entry matches when its `server` or its `name` matches the
 *   Application's cluster AND its `namespace` matches, all with Argo CD's glob (`*` alone matches anything,
 *   including the empty namespace); a pattern starting with `!` is a deny entry: if any deny entry fails to
 *   match, the destination is refused even if another entry allows it. The namespace of an object is checked
 *   only for namespaced kinds (the sync's permission validator: `if res.Namespaced { IsDestinationPermitted }`).
 *   Argo CD v3 compares with the destination cluster's name AND server; statically we know both only for the
 *   in-cluster pair (`in-cluster`, `https://kubernetes.default.svc`), which is filled in from either half.
 * - Sources (`IsSourcePermitted`): `sourceRepos` entries match the normalized repository URL with Argo CD's
 *   glob and '/' as separator (`*` alone matches anything); a `!` entry that does not match refuses.
 *
 * Whether a kind is cluster-scoped comes from `CLUSTER_SCOPED_KINDS` (Argo CD asks the API server; a
 * static check cannot): any kind not listed there is taken to be namespaced.
 */
import { argoGlobMatch, argoGlobMatchPath, goFilepathMatch } from './glob';

export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
export const IN_CLUSTER_NAME = 'in-cluster';

/**
 * Cluster-scoped kinds, as `Kind` (core group) or `Kind.group`: Kubernetes built-ins, Cilium 1.18 and Gateway
 * API. Scopes checked against the CRDs in ../shared/crds where they exist there.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  // core
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
  // built-in groups
  'CustomResourceDefinition.apiextensions.k8s.io',
  'APIService.apiregistration.k8s.io',
  'ClusterRole.rbac.authorization.k8s.io', 'ClusterRoleBinding.rbac.authorization.k8s.io',
  'MutatingWebhookConfiguration.admissionregistration.k8s.io', 'ValidatingWebhookConfiguration.admissionregistration.k8s.io',
  'ValidatingAdmissionPolicy.admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io',
  'MutatingAdmissionPolicy.admissionregistration.k8s.io', 'MutatingAdmissionPolicyBinding.admissionregistration.k8s.io',
  'StorageClass.storage.k8s.io', 'CSIDriver.storage.k8s.io', 'CSINode.storage.k8s.io', 'VolumeAttachment.storage.k8s.io',
  'VolumeAttributesClass.storage.k8s.io',
  'PriorityClass.scheduling.k8s.io', 'RuntimeClass.node.k8s.io',
  'IngressClass.networking.k8s.io', 'IPAddress.networking.k8s.io', 'ServiceCIDR.networking.k8s.io',
  'CertificateSigningRequest.certificates.k8s.io', 'ClusterTrustBundle.certificates.k8s.io',
  'FlowSchema.flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io',
  'DeviceClass.resource.k8s.io',
  // Cilium
  'CiliumClusterwideNetworkPolicy.cilium.io', 'CiliumLoadBalancerIPPool.cilium.io', 'CiliumL2AnnouncementPolicy.cilium.io',
  'CiliumNode.cilium.io', 'CiliumIdentity.cilium.io', 'CiliumExternalWorkload.cilium.io', 'CiliumCIDRGroup.cilium.io',
  'CiliumPodIPPool.cilium.io', 'CiliumNodeConfig.cilium.io', 'CiliumClusterwideEnvoyConfig.cilium.io',
  'CiliumBGPClusterConfig.cilium.io', 'CiliumBGPPeerConfig.cilium.io', 'CiliumBGPAdvertisement.cilium.io',
  'CiliumBGPNodeConfig.cilium.io', 'CiliumBGPNodeConfigOverride.cilium.io', 'CiliumBGPPeeringPolicy.cilium.io',
  // Gateway API
  'GatewayClass.gateway.networking.k8s.io',
]);

/** Whether `kind` of API group `group` ('' for core) is cluster-scoped, per `CLUSTER_SCOPED_KINDS`. */
export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(group ? `${kind}.${group}` : kind);
}

/** An object (or an Application's destination) to check against an AppProject. */
export interface PermitTarget {
  group: string;
  kind: string;
  /** The object's namespace (namespaced kinds); ignored for cluster-scoped kinds. */
  namespace?: string;
  /** The object's name: matched against `name` of cluster resource list entries. */
  name?: string;
  /** The destination cluster's server URL. */
  server?: string;
  /** The destination cluster's name. Without server and destinationName, destinations are compared by namespace only. */
  destinationName?: string;
}

export interface Permit {
  allowed: boolean;
  reason: string;
}

type Json = Record<string, unknown>;
interface ResourceEntry { group?: unknown; kind?: unknown; name?: unknown }
interface DestinationEntry { server?: unknown; name?: unknown; namespace?: unknown }

/** Whether `project` (an AppProject manifest) permits syncing `target`, and why. */
export function projectPermits(project: Json, target: PermitTarget): Permit {
  const spec = (project.spec ?? {}) as Json;
  const proj = `AppProject ${projectName(project)}`;
  const what = `${target.kind}${target.group ? `.${target.group}` : ''}`;
  if (isClusterScoped(target.group, target.kind)) {
    const whitelist = list(spec.clusterResourceWhitelist);
    const named = target.name !== undefined ? ` ${target.name}` : '';
    if (!whitelist?.length) return refuse(`cluster-scoped ${what}${named}: ${proj} has no clusterResourceWhitelist entry, so it allows no cluster-scoped kind`);
    const allow = whitelist.find((e) => resourceMatches(e, target, true));
    if (!allow) return refuse(`cluster-scoped ${what}${named} is not in the clusterResourceWhitelist of ${proj}`);
    const deny = list(spec.clusterResourceBlacklist)?.find((e) => resourceMatches(e, target, true));
    if (deny) return refuse(`cluster-scoped ${what}${named} is in the clusterResourceBlacklist of ${proj} (${entry(deny)})`);
    return { allowed: true, reason: `cluster-scoped ${what}${named} is allowed by clusterResourceWhitelist entry ${entry(allow)} of ${proj}; destinations do not apply to cluster-scoped objects` };
  }
  if (!target.namespace) return refuse(`namespaced ${what} has no namespace (neither its own nor the Application's destination namespace)`);
  const whitelist = spec.namespaceResourceWhitelist;
  if (whitelist !== undefined && whitelist !== null) {
    const entries = list(whitelist) ?? [];
    if (entries.length === 0) return refuse(`${what}: the namespaceResourceWhitelist of ${proj} is empty, which allows no namespaced kind (absent would allow all)`);
    if (!entries.some((e) => resourceMatches(e, target, false))) return refuse(`${what} is not in the namespaceResourceWhitelist of ${proj}`);
  }
  const deny = list(spec.namespaceResourceBlacklist)?.find((e) => resourceMatches(e, target, false));
  if (deny) return refuse(`${what} is in the namespaceResourceBlacklist of ${proj} (${entry(deny)})`);
  const dest = destinationPermits(project, { server: target.server, name: target.destinationName, namespace: target.namespace });
  if (!dest.allowed) return refuse(`${what} in namespace ${target.namespace}: ${dest.reason}`);
  return { allowed: true, reason: `${what} in namespace ${target.namespace} is allowed: ${dest.reason}` };
}

/** Whether the project's destinations permit (cluster, namespace): Argo CD's `isDestinationMatched`. */
export function destinationPermits(project: Json, dst: { server?: string; name?: string; namespace?: string }): Permit {
  const proj = `AppProject ${projectName(project)}`;
  const entries = (list((project.spec as Json | undefined)?.destinations) ?? []) as DestinationEntry[];
  let server = dst.server || undefined;
  let name = dst.name || undefined;
  if (server === IN_CLUSTER_SERVER && !name) name = IN_CLUSTER_NAME;
  if (name === IN_CLUSTER_NAME && !server) server = IN_CLUSTER_SERVER;
  const anyCluster = !server && !name;
  const namespace = dst.namespace ?? '';
  const where = `namespace '${namespace}' on ${anyCluster ? 'any cluster' : [server, name].filter(Boolean).join(' / ')}`;
  let allowedBy: DestinationEntry | undefined;
  for (const e of entries) {
    const nameMatched = anyCluster || (!!name && globMatch(str(e.name), name));
    const serverMatched = anyCluster || (!!server && globMatch(str(e.server), server));
    const namespaceMatched = globMatch(str(e.namespace), namespace);
    if ((serverMatched || nameMatched) && namespaceMatched) allowedBy ??= e;
    else if ((!anyCluster && ((!nameMatched && isDeny(e.name)) || (!serverMatched && isDeny(e.server)))) || (!namespaceMatched && isDeny(e.namespace)))
      return refuse(`${where} is refused by deny destination ${destination(e)} of ${proj}`);
  }
  if (!allowedBy) return refuse(`${where} matches no destination of ${proj}${entries.length ? ` (${entries.map(destination).join(', ')})` : ' (it has none)'}`);
  return { allowed: true, reason: `${where} matches destination ${destination(allowedBy)} of ${proj}` };
}

/** Whether the project's sourceRepos permit `repoURL`: Argo CD's `IsSourcePermitted`. */
export function sourcePermits(project: Json, repoURL: string): Permit {
  const proj = `AppProject ${projectName(project)}`;
  const repos = (list((project.spec as Json | undefined)?.sourceRepos) ?? []).filter((r): r is string => typeof r === 'string');
  const src = normalizeGitURL(repoURL);
  let allowedBy: string | undefined;
  for (const r of repos) {
    const deny = r.startsWith('!');
    const pattern = normalizeGitURL(deny ? r.slice(1) : r);
    const matched = deny ? !argoGlobMatchPath(pattern, src) : pattern === '*' || argoGlobMatchPath(pattern, src);
    if (matched) allowedBy ??= r;
    else if (deny) return refuse(`repository ${repoURL} is refused by sourceRepos entry '${r}' of ${proj}`);
  }
  if (!allowedBy) return refuse(`repository ${repoURL} is not in the sourceRepos of ${proj} (${repos.length ? repos.join(', ') : 'none'})`);
  return { allowed: true, reason: `repository ${repoURL} matches sourceRepos entry '${allowedBy}' of ${proj}` };
}

/**
 * Argo CD's `git.NormalizeGitURL`, simplified: trimmed, lower case, scp-like SSH (`git@host:org/repo`) as
 * `git@host/org/repo`, no `ssh://` prefix, no `.git` suffix.
 */
export function normalizeGitURL(url: string): string {
  let u = url.trim().toLowerCase();
  if (!u.includes('://') && /^[^/@:]+@[^/:]+:/.test(u)) u = u.replace(':', '/');
  if (u.startsWith('ssh://')) u = u.slice('ssh://'.length);
  if (u.endsWith('.git')) u = u.slice(0, -'.git'.length);
  return u;
}

export function projectName(project: Json): string {
  return str((project.metadata as Json | undefined)?.name) || '(unnamed)';
}

function resourceMatches(e: unknown, t: PermitTarget, withName: boolean): boolean {
  const r = (e ?? {}) as ResourceEntry;
  if (!goFilepathMatch(str(r.kind), t.kind) || !goFilepathMatch(str(r.group), t.group)) return false;
  if (!withName || !str(r.name)) return true;
  return t.name !== undefined && goFilepathMatch(str(r.name), t.name);
}

/** Argo CD's `globMatch(pattern, val, allowNegation=true)`. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern.startsWith('!')) return !argoGlobMatch(pattern.slice(1), value);
  return pattern === '*' || argoGlobMatch(pattern, value);
}

function isDeny(v: unknown): boolean {
  return str(v).startsWith('!');
}

function list(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function refuse(reason: string): Permit {
  return { allowed: false, reason };
}

function entry(e: unknown): string {
  const r = (e ?? {}) as ResourceEntry;
  return `{group: '${str(r.group)}', kind: '${str(r.kind)}'${str(r.name) ? `, name: '${str(r.name)}'` : ''}}`;
}

function destination(e: DestinationEntry): string {
  return `{${[['server', e.server], ['name', e.name], ['namespace', e.namespace]].filter(([, v]) => typeof v === 'string').map(([k, v]) => `${k}: '${v}'`).join(', ')}}`;
}
