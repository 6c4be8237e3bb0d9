/**
 * How Argo CD delivers one cluster's dist/ (`argocd/<cluster>/`), in the order a cluster needs:
 *
 *   wave -3  <cluster>-gateway-api-crds   Gateway API CRDs (upstream, pinned), before Cilium's operator starts
 *   wave -2  <cluster>-cilium             the Cilium chart (pinned) with dist/<cluster>/bootstrap/cilium-values.yaml
 *   wave -1  <cluster>-platform           dist/<cluster>/platform: namespaces, guardrails, gateways
 *   wave  0  <cluster>-tenant-<tenant>    dist/<cluster>/tenants/<tenant>.yaml, one Application per tenant
 *   wave  1  <cluster>-probes             dist/<cluster>/probes: connectivity probes, PostSync hook Jobs
 *
 * `root.yaml` holds the root Application (app-of-apps; the one `kubectl apply`) and its project; it syncs
 * `argocd/<cluster>/` itself, so after bootstrap every change arrives through Git. Waves order the child
 * Applications because Argo CD waits for each wave's Applications to be healthy (with the Application
 * health check enabled, see README).
 *
 *   new ClusterDelivery(argoApp, 'dev', { cluster, gitops, files: renderedDistFiles });
 *
 * Projects confine each Application: tenants get `<cluster>-tenant-<name>`, which allows only their own
 * namespace and no cluster-scoped kind, so a tenant's Application can never create a cluster-wide
 * policy or touch another tenant; the platform project allows exactly the cluster-scoped kinds bulkhead
 * renders; the CNI project (Cilium, Gateway API CRDs) is cluster-admin by nature.
 */
import { Construct } from 'constructs';
import { AppProject, AppProjectSpec } from '../../imports/argocd-app-project-argoproj.io';
import { Application, ApplicationSpec, ApplicationSpecSources } from '../../imports/argocd-application-argoproj.io';
import { RenderedFile } from '../model/rendered';
import { clusterRoleName } from '../model/naming';
import { ClusterPlatform as ClusterModel, GATEWAY_NAMESPACE, GitOps } from '../model/platform';
import { CILIUM_VALUES_PATH, GATEWAY_API_VERSION } from './cilium-values';
import { PlatformChart } from './platform-chart';

export const ARGOCD_NAMESPACE = 'argocd';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
export const CILIUM_CHART_REPO = 'https://helm.cilium.io';
export const GATEWAY_API_REPO = 'https://github.com/kubernetes-sigs/gateway-api.git';
/** Objects above this need server-side apply: client-side apply keeps a copy in an annotation limited to 256 KiB. */
export const CLIENT_SIDE_APPLY_LIMIT = 262_144;

const WAVE = { projects: -10, gatewayCrds: -3, cni: -2, platform: -1, tenants: 0, probes: 1 } as const;
const MANAGED = { 'app.kubernetes.io/managed-by': 'bulkhead' };
/** Custom resources whose CRDs appear at run time (Cilium's operator creates its own; Gateway API by an Application). */
const RUNTIME_CRD_GROUPS = ['cilium.io', 'gateway.networking.k8s.io'];

/** Cluster-scoped kinds the platform Application may create: exactly what bulkhead renders there. */
const PLATFORM_CLUSTER_KINDS = [
  { group: '', kind: 'Namespace' },
  { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumLoadBalancerIPPool' },
  { group: 'cilium.io', kind: 'CiliumL2AnnouncementPolicy' },
];
/** What a root Application creates: Argo CD's own objects, in Argo CD's namespace. */
export const GITOPS_KINDS = [
  { group: 'argoproj.io', kind: 'Application' },
  { group: 'argoproj.io', kind: 'AppProject' },
];
/**
 * The workload kinds (issue 20): what runs the pods, a ServiceAccount per workload, the config-file
 * ConfigMaps, PodDisruptionBudgets and HorizontalPodAutoscalers. PersistentVolumeClaims are created by
 * the StatefulSet controller, not synced, so no project needs them.
 */
const WORKLOAD_KINDS_OF_TENANTS = [
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'apps', kind: 'DaemonSet' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'ConfigMap' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
];
/** Roles and their bindings: only in the projects of tenants with a workload that declares API access. */
const TENANT_RBAC_KINDS = [
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/** Cluster-wide API access: the platform project may sync exactly these ClusterRoles and bindings, by name. */
function clusterRbacKinds(p: ClusterModel): Array<{ group: string; kind: string; name: string }> {
  return p.tenants
    .flatMap((t) => t.workloads.filter((w) => w.kubeApi?.clusterRules.length).map((w) => clusterRoleName(t.name, w.name)))
    .sort()
    .flatMap((name) => ['ClusterRole', 'ClusterRoleBinding'].map((kind) => ({ group: 'rbac.authorization.k8s.io', kind, name })));
}

/** Namespaced kinds a tenant's file holds. */
const TENANT_KINDS = [
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
  { group: 'apps', kind: 'Deployment' },
  { group: '', kind: 'Service' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  { group: 'gateway.networking.k8s.io', kind: 'ReferenceGrant' },
  ...WORKLOAD_KINDS_OF_TENANTS,
];
/** What the probe files hold (lib/constructs/probe-jobs.ts): the Jobs and the plan ConfigMap. */
const PROBE_KINDS = [
  { group: 'batch', kind: 'Job' },
  { group: '', kind: 'ConfigMap' },
];

export interface ClusterDeliveryProps {
  readonly platform: ClusterModel;
  readonly gitops: GitOps;
  /** The cluster's rendered dist/ files (paths relative to dist/<cluster>/). */
  readonly files: readonly RenderedFile[];
  /** dist/ relative to the repository root: the Applications sync `<distPath>/<cluster>/...`. @default 'dist' */
  readonly distPath?: string;
  /** argocd/ relative to the repository root: the root Application syncs `<argocdPath>/<cluster>`. @default 'argocd' */
  readonly argocdPath?: string;
}

export class ClusterDelivery extends Construct {
  constructor(scope: Construct, id: string, props: ClusterDeliveryProps) {
    super(scope, id);
    const { platform: p, gitops } = props;
    const c = p.cluster.name;
    const dist = `${props.distPath ?? 'dist'}/${c}`;
    const destination = (namespace?: string) => ({
      ...(gitops.fleet ? { name: c } : { server: IN_CLUSTER }),
      ...(namespace ? { namespace } : {}),
    });
    const project = (chart: Construct, name: string, spec: AppProjectSpec) =>
      new AppProject(chart, name, {
        metadata: { name: `${c}-${name}`, namespace: ARGOCD_NAMESPACE, labels: MANAGED, annotations: wave(WAVE.projects) },
        spec: { sourceRepos: [gitops.repoURL], ...spec },
      });
    // The resources finalizer makes deleting an Application delete what it synced. Wanted for the platform
    // and the tenants; never for the CNI or the CRDs, which must outlive their Applications.
    const application = (chart: Construct, name: string, w: number, spec: Omit<ApplicationSpec, 'project'> & { project: string }, cascade = true) =>
      new Application(chart, name, {
        metadata: { name: `${c}-${name}`, namespace: ARGOCD_NAMESPACE, labels: MANAGED, annotations: wave(w), ...(cascade ? { finalizers: ['resources-finalizer.argocd.argoproj.io'] } : {}) },
        spec: { ...spec, project: `${c}-${spec.project}` },
      });
    const repo = (path: string, extra: Partial<ApplicationSpecSources> = {}) => ({ repoUrl: gitops.repoURL, targetRevision: gitops.revision, path, ...extra });

    // The root: applied once by hand, then it keeps itself and everything under argocd/<cluster>/ in sync.
    // With a fleet, the ApplicationSet in argocd/fleet/ creates the root instead.
    if (!gitops.fleet) {
      const root = new PlatformChart(this, 'root', { outputFile: `${c}/root.yaml` });
      project(root, 'gitops', {
        description: `Argo CD's own objects for cluster ${c}: the root Application and the projects and Applications it syncs.`,
        destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: GITOPS_KINDS,
      });
      application(root, 'root', 0, {
        project: 'gitops',
        source: repo(`${props.argocdPath ?? 'argocd'}/${c}`, { directory: { recurse: true } }),
        destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
        syncPolicy: automated(true, true),
      });
    }

    const projects = new PlatformChart(this, 'projects', { outputFile: `${c}/projects.yaml` });
    const apps = new PlatformChart(this, 'apps', { outputFile: `${c}/apps.yaml` });
    const hasGateways = p.gateways.length > 0;
    if (p.cluster.cni === 'cilium') {
      project(projects, 'cni', {
        description: `The CNI of cluster ${c} (Cilium${hasGateways ? ' and the Gateway API CRDs' : ''}): cluster-wide by nature.`,
        sourceRepos: [gitops.repoURL, CILIUM_CHART_REPO, ...(hasGateways ? [GATEWAY_API_REPO] : [])],
        destinations: [{ ...destination('*') }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      });
      if (hasGateways)
        application(apps, 'gateway-api-crds', WAVE.gatewayCrds, {
          project: 'cni',
          source: { repoUrl: GATEWAY_API_REPO, targetRevision: GATEWAY_API_VERSION, path: 'config/crd/standard' },
          destination: destination(),
          // Never prune CRDs: deleting one deletes every route. The CRDs are larger than client-side apply allows.
          syncPolicy: { ...automated(false, true), syncOptions: ['ServerSideApply=true'] },
        }, false);
      application(apps, 'cilium', WAVE.cni, {
        project: 'cni',
        sources: [
          { repoUrl: CILIUM_CHART_REPO, chart: 'cilium', targetRevision: p.cluster.cilium!.version, helm: { releaseName: 'cilium', valueFiles: [`$values/${dist}/${CILIUM_VALUES_PATH}`] } },
          { repoUrl: gitops.repoURL, targetRevision: gitops.revision, ref: 'values' },
        ],
        destination: destination('kube-system'),
        // The CNI is adopted from the bootstrap `helm install` and is never pruned: removing it would cut
        // every pod's network, Argo CD's included. Self-heal keeps the values what Git says.
        syncPolicy: { ...automated(false, true), syncOptions: ['ServerSideApply=true'] },
      }, false);
    }

    const platformFiles = props.files.filter((f) => f.path.startsWith('platform/'));
    project(projects, 'platform', {
      description: `Platform-owned objects of cluster ${c}: tenant namespaces, guardrails, gateways.`,
      destinations: [{ ...destination(GATEWAY_NAMESPACE) }],
      clusterResourceWhitelist: [...PLATFORM_CLUSTER_KINDS, ...clusterRbacKinds(p)],
    });
    application(apps, 'platform', WAVE.platform, {
      project: 'platform',
      source: repo(`${dist}/platform`, { directory: { recurse: false } }),
      // Argo CD checks the destination namespace against the project even for cluster-scoped objects.
      destination: destination(GATEWAY_NAMESPACE),
      syncPolicy: { ...automated(true, true), syncOptions: syncOptions(platformFiles) },
    });

    const byPath = new Map<string, RenderedFile[]>();
    for (const f of props.files) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
    for (const t of [...p.tenants].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const files = byPath.get(`tenants/${t.name}.yaml`) ?? [];
      project(projects, `tenant-${t.name}`, {
        description: `Tenant ${t.name} on cluster ${c}: its namespace only, no cluster-scoped kind.`,
        destinations: [{ ...destination(t.name) }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: t.workloads.some((w) => w.kubeApi?.rules.length) ? [...TENANT_KINDS, ...TENANT_RBAC_KINDS] : TENANT_KINDS,
      });
      application(apps, `tenant-${t.name}`, WAVE.tenants, {
        project: `tenant-${t.name}`,
        source: repo(`${dist}/tenants`, { directory: { recurse: false, include: `${t.name}.yaml` } }),
        destination: destination(t.name),
        syncPolicy: { ...automated(true, true), syncOptions: syncOptions(files) },
      });
    }

    // The probes, after the tenants: their Jobs are PostSync hooks, so they run once everything this
    // Application synced is healthy, and their failure fails its sync. Only Jobs and the plan ConfigMap,
    // only in the namespaces of the tenants that run probes.
    const probeTenants = props.files.filter((f) => f.path.startsWith('probes/')).map((f) => f.path.slice('probes/'.length).replace(/\.yaml$/, '')).sort();
    if (probeTenants.length) {
      project(projects, 'probes', {
        description: `Connectivity probes of cluster ${c}: Jobs (and their plan) in the tenants' namespaces, nothing else.`,
        destinations: probeTenants.map((t) => destination(t)),
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: PROBE_KINDS,
      });
      application(apps, 'probes', WAVE.probes, {
        project: 'probes',
        source: repo(`${dist}/probes`, { directory: { recurse: false } }),
        // Every object names its namespace; the destination must still be one the project permits.
        destination: destination(probeTenants[0]),
        syncPolicy: { ...automated(true, true), syncOptions: ['CreateNamespace=false'] },
      });
    }
  }
}

function wave(n: number): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(n) };
}

function automated(prune: boolean, selfHeal: boolean): ApplicationSpec['syncPolicy'] {
  return {
    automated: { prune, selfHeal },
    retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
  };
}

/**
 * Sync options an Application's objects need: server-side apply for objects over the client-side
 * limit, and no dry run for custom resources whose CRDs are created at run time.
 */
function syncOptions(files: readonly RenderedFile[]): string[] {
  const manifests = files.flatMap((f) => f.manifests);
  const options = ['CreateNamespace=false'];
  if (manifests.some((m) => JSON.stringify(m).length > CLIENT_SIDE_APPLY_LIMIT)) options.push('ServerSideApply=true');
  if (manifests.some((m) => RUNTIME_CRD_GROUPS.includes(m.apiVersion.split('/')[0]))) options.push('SkipDryRunOnMissingResource=true');
  return options;
}
