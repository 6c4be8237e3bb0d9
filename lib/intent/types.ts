/**
 * The `platform.yaml` format (apiVersion bulkhead.dev/v1alpha1, kind Platform), as TypeScript types.
 *
 * These types are the intents exactly as a user writes them, before any check: the YAML loader
 * produces a `PlatformSpec`, and a TypeScript user can write one by hand and hand it to
 * `compilePlatform()` (see README). `platform.schema.json` beside this file is the same format as a
 * JSON Schema; `test/intent/schema.test.ts` keeps the two in step.
 */

export const API_VERSION = 'bulkhead.dev/v1alpha1';
export const KIND = 'Platform';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Provider = 'kind' | 'eks';

export interface PlatformSpec {
  readonly apiVersion: typeof API_VERSION;
  readonly kind: typeof KIND;
  readonly metadata: { readonly name: string };
  readonly clusters: ClusterSpec[];
  readonly tenants: TenantSpec[];
  /** @default [] */
  readonly flows?: FlowSpec[];
  /** @default [] */
  readonly egress?: EgressSpec[];
  /** @default [] */
  readonly guardrails?: GuardrailSpec[];
  /** Gateways (Gateway API, class `cilium`) in the platform namespace `bulkhead-gateways`. @default [] */
  readonly gateways?: GatewaySpec[];
  /** HTTP routes from a gateway to workloads. @default [] */
  readonly routes?: RouteSpec[];
  /** Where Argo CD finds this repository; without it synth renders no argocd/. */
  readonly gitops?: GitOpsSpec;
  /**
   * Who may hold cluster-wide API access (`kubeApi.clusterRules`, a ClusterRole): `tenant/workload`, or
   * `tenant` for every workload of it. A reviewed exception, like a guardrail. @default nobody
   */
  readonly allowClusterRoles?: string[];
}

export interface GitOpsSpec {
  /** The Git repository holding platform.yaml, dist/ and argocd/, as Argo CD clones it. */
  readonly repoURL: string;
  /** Branch, tag or commit Argo CD follows. @default main */
  readonly revision?: string;
  /**
   * A central Argo CD managing every cluster: an ApplicationSet creates each cluster's root Application
   * for the clusters registered with these labels (registered under the bulkhead cluster name).
   * @default none: each cluster runs its own Argo CD
   */
  readonly fleet?: { readonly clusterLabels: Record<string, string> };
}

export interface ClusterSpec {
  readonly name: string;
  readonly provider: Provider;
  /** Nodes of a kind cluster (control plane included), or the EKS node group size. @default 1 for kind, 2 for eks */
  readonly nodes?: number;
  /** AWS region (EKS only). */
  readonly region?: string;
  /** The API server as Cilium's kube-proxy replacement must reach it. @default kind: `<name>-control-plane:6443` */
  readonly apiServer?: { readonly host: string; readonly port?: number };
  /** The CNI enforcing policy: `cilium`, or `generic` for any CNI that enforces NetworkPolicy. @default cilium */
  readonly cni?: 'cilium' | 'generic';
  /** Cilium chart settings (only with `cni: cilium`). */
  readonly cilium?: CiliumSpec;
  /** kind only: the addresses Cilium's LB-IPAM hands to Gateways, inside the kind Docker network. @default 172.18.255.200/29 */
  readonly loadBalancerIPs?: string;
  /** Connectivity probes run by Argo CD after each sync (dist/<cluster>/probes/). @default { enabled: true, max: 200 } */
  readonly probes?: ProbesSpec;
}

export interface ProbesSpec {
  /** Render the probe Jobs and their Application. @default true */
  readonly enabled?: boolean;
  /** The most probes on the cluster; the rest are counted as left out, by priority. @default 200 */
  readonly max?: number;
}

export interface CiliumSpec {
  /** Chart version. @default 1.18.8 */
  readonly version?: string;
  /** @default { relay: true, ui: false } */
  readonly hubble?: { readonly relay?: boolean; readonly ui?: boolean };
  /** @default default */
  readonly policyEnforcementMode?: 'default' | 'always' | 'never';
  /** `bpf.policyMapMax`. @default 16384 */
  readonly policyMapMax?: number;
  /** Extra chart values merged over bulkhead's (checked against known traps). @default {} */
  readonly values?: Record<string, unknown>;
}

export interface TenantSpec {
  readonly name: string;
  /** Labels on the tenant's namespace, e.g. `data-class: phi`; guardrails select tenants by them. */
  readonly labels?: Record<string, string>;
  readonly workloads?: WorkloadSpec[];
  /** Secrets in the tenant's namespace that every workload of it pulls images with. @default [] */
  readonly imagePullSecrets?: string[];
}

export interface PortSpec {
  readonly name: string;
  readonly port: number;
  /** @default TCP */
  readonly protocol?: Protocol;
}

export interface ResourcesSpec {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** A plain value, or a key of a Secret in the workload's namespace. */
export type EnvValue = string | { readonly secretKeyRef: { readonly name: string; readonly key: string } };

/** What a cluster may change about a workload. */
export interface WorkloadOverrideSpec {
  readonly image?: string;
  readonly replicas?: number;
  readonly resources?: ResourcesSpec;
  readonly env?: Record<string, EnvValue>;
  /** StatefulSet: per volume name, its size and storage class on this cluster (applies when the claims are created). */
  readonly volumes?: Record<string, { readonly size?: string; readonly storageClass?: string }>;
  /** CronJob: stop (or resume) the schedule on this cluster. */
  readonly suspend?: boolean;
  /** CronJob: another schedule on this cluster. */
  readonly schedule?: string;
  /** Autoscaled workloads: other bounds or target on this cluster. */
  readonly autoscale?: Partial<AutoscaleSpec>;
}

export interface WorkloadSpec extends Omit<WorkloadOverrideSpec, 'volumes' | 'autoscale'>, WorkloadKindSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly ports?: PortSpec[];
  /** @default 1 */
  readonly replicas?: number;
  /** UID the containers run as (the root filesystem is read-only and root is refused). @default 65532 */
  readonly user?: number;
  /** Directories the image writes to; each becomes an emptyDir. @default [] */
  readonly writablePaths?: string[];
  /** Per-cluster changes, keyed by cluster name. */
  readonly overrides?: Record<string, WorkloadOverrideSpec>;
}

// ---- Workload kinds, identity, configuration and health (issue 20) ----

export type WorkloadKindName = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** What a workload declares beyond its container (see README, "Workload kinds"). */
export interface WorkloadKindSpec {
  /** How Kubernetes runs it. @default Deployment */
  readonly kind?: WorkloadKindName;
  /** StatefulSet: a PersistentVolumeClaim per replica and volume. @default [] */
  readonly volumes?: VolumeSpec[];
  /** CronJob: when it runs, a cron expression (`0 2 * * *`) or a macro (`@daily`). */
  readonly schedule?: string;
  /** CronJob: the IANA time zone of the schedule. @default the controller's (UTC on kind and EKS) */
  readonly timeZone?: string;
  /** CronJob: what happens when a run is due while the last one still runs. @default Forbid */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** CronJob: no new runs while true. @default false */
  readonly suspend?: boolean;
  /** CronJob: finished runs kept (with their logs). @default { successful: 3, failed: 1 } */
  readonly history?: { readonly successful?: number; readonly failed?: number };
  /** Job and CronJob: retries before a run fails. @default 2 */
  readonly backoffLimit?: number;
  /** Job and CronJob: the most one run may take, in seconds. @default no limit */
  readonly activeDeadlineSeconds?: number;
  /** Access to the Kubernetes API: mounts the token and grants exactly these rules. @default none (no token) */
  readonly kubeApi?: KubeApiSpec;
  /** Files mounted read-only from a ConfigMap. @default [] */
  readonly files?: FileSpec[];
  /** Secrets in the tenant's namespace to pull the image with (after the tenant's). @default [] */
  readonly imagePullSecrets?: string[];
  /** Readiness, liveness and startup checks. @default a TCP readiness check on the first TCP port */
  readonly health?: HealthSpec;
  /** A HorizontalPodAutoscaler owns the replica count (leave `replicas` out). @default none */
  readonly autoscale?: AutoscaleSpec;
}

export interface VolumeSpec {
  readonly name: string;
  readonly path: string;
  /** e.g. 10Gi. */
  readonly size: string;
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
}

export interface ApiRuleSpec {
  /** `""` is the core group (pods, configmaps, ...). */
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  /** A `*` in apiGroups, resources or verbs is refused unless this is true. @default false */
  readonly allowWildcard?: boolean;
}

export interface KubeApiSpec {
  /** A Role in the workload's namespace. @default [] */
  readonly rules?: ApiRuleSpec[];
  /** A ClusterRole: only for workloads listed in `allowClusterRoles`. @default [] */
  readonly clusterRules?: ApiRuleSpec[];
}

/** A file in the container: exactly one of `content` and `fromFile` (relative to platform.yaml). */
export interface FileSpec {
  readonly path: string;
  readonly content?: string;
  readonly fromFile?: string;
}

export interface HealthCheckSpec {
  /** An HTTP GET: path and port (a name or number of the workload's ports). */
  readonly http?: { readonly path: string; readonly port: string | number; readonly scheme?: 'HTTP' | 'HTTPS' };
  readonly tcp?: { readonly port: string | number };
  /** A command run in the container; exit 0 is healthy. */
  readonly exec?: string[];
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

export interface HealthSpec {
  readonly readiness?: HealthCheckSpec;
  readonly liveness?: HealthCheckSpec;
  readonly startup?: HealthCheckSpec;
}

export interface AutoscaleSpec {
  readonly min: number;
  readonly max: number;
  /** Target CPU, in percent of the request. @default 70 */
  readonly cpu?: number;
}

/**
 * A port a flow opens: a port name of the destination (`http`), a number (`8080`), or a range.
 * Names are resolved on each destination workload; a workload without that name is not opened.
 */
export type PortRefSpec = string | number | { readonly port: number; readonly endPort?: number; readonly protocol?: Protocol };

export interface FlowSpec {
  /** `tenant/workload`, or `tenant` for every workload of the tenant. */
  readonly from: string;
  readonly to: string;
  readonly ports: PortRefSpec[];
  /** Only these HTTP requests pass (Cilium L7, enforced at the destination). @default every request */
  readonly http?: HttpRuleSpec[];
  readonly description?: string;
}

export interface HttpRuleSpec {
  /** e.g. GET; a regular expression as Cilium reads it. */
  readonly method?: string;
  /** A regular expression matched against the whole path, e.g. `/records(/.*)?`. */
  readonly path?: string;
  readonly host?: string;
}

/** Exactly one of `cidr`, `fqdn` and `entity` says where the traffic goes. */
export interface EgressSpec {
  /** `tenant/workload` or `tenant`. */
  readonly from: string;
  /** A destination outside the cluster. */
  readonly cidr?: string;
  readonly except?: string[];
  /** A DNS name (`api.stripe.com`) or pattern (`*.stripe.com`); Cilium only. */
  readonly fqdn?: string;
  /** The Kubernetes API server; Cilium only. Ports default to the cluster's API server port. */
  readonly entity?: 'kube-apiserver';
  /** Numbers or ranges (names mean nothing outside the cluster). */
  readonly ports?: Array<number | { readonly port: number; readonly endPort?: number; readonly protocol?: Protocol }>;
  readonly description?: string;
}

/** Tenants chosen by name or by namespace labels (all labels must match). */
export interface TenantSelectorSpec {
  readonly tenant?: string;
  readonly labels?: Record<string, string>;
}

export interface GuardrailSpec {
  readonly name: string;
  readonly description?: string;
  /** The compliance control this guardrail serves, e.g. `HIPAA 45 CFR 164.312(a)(1)`. */
  readonly control?: string;
  readonly from: TenantSelectorSpec;
  readonly to: TenantSelectorSpec;
  /** Deny the reverse direction too. @default false */
  readonly bidirectional?: boolean;
}

export interface ListenerSpec {
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly port: number;
  /** Only requests for this host (or `*.domain`). @default any host */
  readonly hostname?: string;
  /** HTTPS only: the Secret (in the gateway namespace) holding the certificate. */
  readonly tls?: { readonly certificate: string };
}

export interface GatewaySpec {
  readonly name: string;
  /** @default every cluster */
  readonly clusters?: string[];
  readonly listeners: ListenerSpec[];
  /** Tenants whose routes may attach; a route from any other tenant is an error. @default every tenant */
  readonly tenants?: string[];
}

/** A path match: a string is a prefix. */
export type PathMatchSpec = string | { readonly type?: 'PathPrefix' | 'Exact'; readonly value: string };

export interface RouteBackendSpec {
  /** `tenant/workload`. */
  readonly to: string;
  /** A port name or number of the workload. */
  readonly port: string | number;
  /** Share of the rule's traffic, relative to the other backends. @default 1 */
  readonly weight?: number;
}

export interface RouteRuleSpec {
  /** @default "/" (a prefix: everything) */
  readonly path?: PathMatchSpec;
  /** Exact header matches, all required. @default none */
  readonly headers?: Record<string, string>;
  readonly backends: RouteBackendSpec[];
}

export interface RouteSpec {
  readonly name: string;
  /** The tenant that owns the route (its namespace holds the HTTPRoute). */
  readonly tenant: string;
  readonly gateway: string;
  /** A listener of the gateway. @default every listener */
  readonly listener?: string;
  readonly hostnames: string[];
  readonly rules: RouteRuleSpec[];
}
