/**
 * The resolved platform: intents after every check, with references resolved and defaults applied.
 * Every stage after the checks (constructs, verification, reports) reads this, never YAML.
 * Each element remembers where it was declared, so later stages can point back at platform.yaml.
 */
import { SourceLocation } from './source-location';
import { Autoscale, ConfigFile, CronSettings, Health, KubeApiAccess, PersistentVolume, RunSettings, WorkloadKind } from './workload-settings';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Provider = 'kind' | 'eks';

/**
 * The CNI that enforces policy on a cluster. `cilium` (the default) gets Cilium policies for what
 * NetworkPolicy cannot say (FQDN egress, HTTP rules, kube-apiserver, guardrails tenants cannot
 * override) and a Helm values file; `generic` is any CNI that enforces NetworkPolicy, and intents that
 * need Cilium are compile errors there rather than silently wider policies.
 */
export type Cni = 'cilium' | 'generic';

export type PolicyEnforcementMode = 'default' | 'always' | 'never';

/** Cilium's chart settings for one cluster, as declared (the profile per provider is added when lowering). */
export interface CiliumSettings {
  /** Chart version (`helm install --version`). */
  readonly version: string;
  readonly hubble: { readonly relay: boolean; readonly ui: boolean };
  readonly policyEnforcementMode: PolicyEnforcementMode;
  /** `bpf.policyMapMax`: policy-map entries per endpoint; the budget check compares estimates with it. */
  readonly policyMapMax: number;
  /** Extra chart values, merged over bulkhead's; already checked against the known traps. */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface Cluster {
  readonly name: string;
  readonly provider: Provider;
  readonly nodes: number;
  readonly region?: string;
  readonly apiServer: { readonly host: string; readonly port: number };
  readonly cni: Cni;
  /** Present exactly when `cni` is `cilium`. */
  readonly cilium?: CiliumSettings;
  /** kind: LB-IPAM addresses for Gateways. */
  readonly loadBalancerIPs?: string;
  /** Connectivity probes after each sync. The checker always sets it; absent means `DEFAULT_PROBES`. */
  readonly probes?: ProbeSettings;
  readonly origin: SourceLocation;
}

/** `clusters[].probes`: whether synth renders connectivity probes (lib/probes) and how many at most. */
export interface ProbeSettings {
  readonly enabled: boolean;
  /** The most probes in the cluster's plan; the rest are counted as left out. */
  readonly max: number;
}

export const DEFAULT_PROBES: ProbeSettings = { enabled: true, max: 200 };

export const probeSettingsOf = (cluster: Cluster): ProbeSettings => cluster.probes ?? DEFAULT_PROBES;

export interface ContainerPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secretKeyRef: { readonly name: string; readonly key: string } };

/** A workload as deployed on one cluster (overrides applied). */
export interface Workload {
  readonly tenant: string;
  readonly name: string;
  /** `tenant/name`, as the analyzer names workloads too. */
  readonly id: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports: readonly ContainerPort[];
  readonly replicas: number;
  readonly user: number;
  readonly writablePaths: readonly string[];
  readonly resources: Resources;
  readonly env: readonly EnvVar[];
  /** How Kubernetes runs it (lib/model/workload-settings.ts has the settings below). */
  readonly kind: WorkloadKind;
  /** StatefulSet: a PersistentVolumeClaim per replica and volume. */
  readonly volumes: readonly PersistentVolume[];
  /** CronJob only. */
  readonly cron?: CronSettings;
  /** Job and CronJob. */
  readonly run?: RunSettings;
  /** Declared API access: the token is mounted and RBAC grants exactly these rules. Absent: no token, no RBAC. */
  readonly kubeApi?: KubeApiAccess;
  /** Files mounted read-only from the ConfigMap `<workload>-files`. */
  readonly files: readonly ConfigFile[];
  /** Secrets (in the workload's namespace) the kubelet pulls the image with: the tenant's and the workload's, sorted. */
  readonly imagePullSecrets: readonly string[];
  readonly health: Health;
  /** A HorizontalPodAutoscaler owns the replica count (then `replicas` is not rendered). */
  readonly autoscale?: Autoscale;
  readonly origin: SourceLocation;
}

export interface Tenant {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly workloads: readonly Workload[];
  readonly origin: SourceLocation;
}

/** One end of a flow: a workload, or every workload of a tenant. */
export interface Endpoint {
  readonly tenant: string;
  readonly workload?: string;
}

/** Ports a flow opens: a named port of the destination, or a numeric range. */
export type PortSelector =
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly from: number; readonly to: number };

/** An HTTP request a flow admits (Cilium L7): all given fields must match; `path` is a regular expression. */
export interface HttpRule {
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
}

export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly ports: readonly PortSelector[];
  /** When present, only these requests pass (enforced by Cilium's proxy at the destination). */
  readonly http?: readonly HttpRule[];
  readonly description?: string;
  readonly origin: SourceLocation;
}

/** Where egress goes: an address block, a DNS name (Cilium `toFQDNs`), or a Cilium entity. */
export type EgressTarget =
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except: readonly string[] }
  /** `api.stripe.com`, or a pattern with `*` such as `*.stripe.com`. */
  | { readonly kind: 'fqdn'; readonly fqdn: string }
  | { readonly kind: 'entity'; readonly entity: 'kube-apiserver' };

export interface Egress {
  readonly from: Endpoint;
  readonly to: EgressTarget;
  readonly ports: readonly Extract<PortSelector, { kind: 'range' }>[];
  readonly description?: string;
  readonly origin: SourceLocation;
}

export interface TenantSelector {
  readonly tenant?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Guardrail {
  readonly name: string;
  readonly description?: string;
  readonly control?: string;
  readonly from: TenantSelector;
  readonly to: TenantSelector;
  readonly bidirectional: boolean;
  readonly origin: SourceLocation;
}

/** The namespace bulkhead creates for gateways: platform-owned, never a tenant's. */
export const GATEWAY_NAMESPACE = 'bulkhead-gateways';

export interface Listener {
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly port: number;
  readonly hostname?: string;
  /** HTTPS: the certificate Secret's name in the gateway namespace. */
  readonly certificate?: string;
}

export interface Gateway {
  readonly name: string;
  readonly clusters: readonly string[];
  readonly listeners: readonly Listener[];
  /** Tenants admitted to attach routes (sorted); by default the tenants whose routes use the gateway. */
  readonly tenants: readonly string[];
  readonly origin: SourceLocation;
}

export interface RouteBackend {
  readonly tenant: string;
  readonly workload: string;
  /** The Service port (bulkhead's Services expose each container port under its own number and name). */
  readonly port: number;
  readonly weight: number;
  readonly origin: SourceLocation;
}

export interface RouteRule {
  readonly path: { readonly type: 'PathPrefix' | 'Exact'; readonly value: string };
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly backends: readonly RouteBackend[];
  readonly origin: SourceLocation;
}

export interface Route {
  readonly name: string;
  readonly tenant: string;
  readonly gateway: string;
  readonly listener?: string;
  readonly hostnames: readonly string[];
  readonly rules: readonly RouteRule[];
  readonly origin: SourceLocation;
}

/** Where Argo CD finds the repository, and whether one central Argo CD manages the fleet. */
export interface GitOps {
  readonly repoURL: string;
  readonly revision: string;
  readonly fleet?: { readonly clusterLabels: Readonly<Record<string, string>> };
  readonly origin: SourceLocation;
}

/** The whole platform; per-cluster views come from `forCluster`. */
export interface Platform {
  readonly name: string;
  readonly clusters: readonly Cluster[];
  /** Tenants with their workloads as declared (no cluster overrides). */
  readonly tenants: readonly Tenant[];
  readonly flows: readonly Flow[];
  readonly egress: readonly Egress[];
  readonly guardrails: readonly Guardrail[];
  readonly gateways: readonly Gateway[];
  readonly routes: readonly Route[];
  readonly gitops?: GitOps;
  /** Per workload id, per cluster name: the workload with that cluster's overrides applied. */
  readonly overrides: ReadonlyMap<string, ReadonlyMap<string, Workload>>;
}

/** The platform as one cluster runs it. */
export interface ClusterPlatform extends Omit<Platform, 'clusters' | 'overrides' | 'gitops'> {
  readonly cluster: Cluster;
}

export function forCluster(platform: Platform, cluster: Cluster): ClusterPlatform {
  const tenants = platform.tenants.map((t) => ({
    ...t,
    workloads: t.workloads.map((w) => platform.overrides.get(w.id)?.get(cluster.name) ?? w),
  }));
  const gateways = platform.gateways.filter((g) => g.clusters.includes(cluster.name));
  const routes = platform.routes.filter((r) => gateways.some((g) => g.name === r.gateway));
  return { name: platform.name, tenants, flows: platform.flows, egress: platform.egress, guardrails: platform.guardrails, gateways, routes, cluster };
}

/**
 * Resolves endpoints to the workloads they stand for (one workload, or every workload of a tenant),
 * with one index built up front: lowering and verification both call it once per flow.
 */
export function endpointResolver(tenants: readonly Tenant[]): (e: Endpoint) => Workload[] {
  const byTenant = new Map(tenants.map((t) => [t.name, t.workloads]));
  return (e) => (byTenant.get(e.tenant) ?? []).filter((w) => !e.workload || w.name === e.workload);
}

/**
 * Whether a guardrail side selects a tenant, by name and by the labels its Namespace carries: the tenant's
 * own, plus `kubernetes.io/metadata.name`, which the API server sets to the namespace's name.
 */
export function selectsTenant(selector: TenantSelector, tenant: Pick<Tenant, 'name' | 'labels'>): boolean {
  if (selector.tenant !== undefined && selector.tenant !== tenant.name) return false;
  for (const [k, v] of Object.entries(selector.labels ?? {})) {
    const value = k === NAMESPACE_NAME_LABEL ? tenant.name : tenant.labels[k];
    if (value !== v) return false;
  }
  return true;
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function describeSelector(selector: TenantSelector): string {
  const parts: string[] = [];
  if (selector.tenant) parts.push(`tenant ${selector.tenant}`);
  for (const [k, v] of Object.entries(selector.labels ?? {})) parts.push(`${k}=${v}`);
  return parts.join(' and ');
}

export function formatEndpoint(e: Endpoint): string {
  return e.workload ? `${e.tenant}/${e.workload}` : e.tenant;
}

export function formatPortSelector(p: PortSelector): string {
  switch (p.kind) {
    case 'named':
      return p.name;
    case 'range': {
      const range = p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`;
      return p.protocol === 'TCP' ? range : `${range}/${p.protocol}`;
    }
    default: {
      const unhandled: never = p;
      throw new Error(`unknown port ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * The port numbers `selector` opens on one destination workload: a name resolved there (once per
 * protocol it is declared with; nothing when the workload does not declare it), a range as written.
 */
export function portRangesOn(selector: PortSelector, destination: Workload): Array<{ readonly protocol: Protocol; readonly from: number; readonly to: number }> {
  switch (selector.kind) {
    case 'range':
      return [{ protocol: selector.protocol, from: selector.from, to: selector.to }];
    case 'named':
      return destination.ports.filter((p) => p.name === selector.name).map((p) => ({ protocol: p.protocol, from: p.port, to: p.port }));
    default: {
      const unhandled: never = selector;
      throw new Error(`unknown port ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The ports an egress rule opens on `cluster`: as declared, or the API server's port for the kube-apiserver entity. */
export function egressPorts(e: Egress, cluster: Cluster): readonly Extract<PortSelector, { kind: 'range' }>[] {
  if (e.ports.length || e.to.kind !== 'entity') return e.ports;
  return [{ kind: 'range', protocol: 'TCP', from: cluster.apiServer.port, to: cluster.apiServer.port }];
}

/** The tenants (by name, sorted) a guardrail side selects. */
export function tenantsSelected(selector: TenantSelector, tenants: readonly Tenant[]): string[] {
  return tenants.filter((t) => selectsTenant(selector, t)).map((t) => t.name).sort();
}

/**
 * An egress destination as the analyzer reports outside ends: its value (CIDR, DNS name or pattern,
 * entity) and the blocks taken out of it. The one place that dispatches on the kind of an egress
 * target outside the constructs (an unhandled kind does not compile).
 */
export function egressDestination(t: EgressTarget): { readonly value: string; readonly except: readonly string[] } {
  switch (t.kind) {
    case 'cidr':
      return { value: t.cidr, except: t.except };
    case 'fqdn':
      return { value: t.fqdn, except: [] };
    case 'entity':
      return { value: t.entity, except: [] };
    default: {
      const unhandled: never = t;
      throw new Error(`unknown egress target ${JSON.stringify(unhandled)}`);
    }
  }
}

export function formatEgressTarget(t: EgressTarget): string {
  const { value, except } = egressDestination(t);
  return `${value}${except.length ? ` except ${except.join(', ')}` : ''}`;
}
