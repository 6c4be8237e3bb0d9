/**
 * What a workload is beyond its container: its kind (how Kubernetes runs its pods), volumes, schedule,
 * API access, configuration files, health checks and autoscaling, resolved (defaults applied, overrides
 * merged). Part of the model: the checker produces it, the constructs render it, the verifier holds the
 * rendered manifests to it.
 */

/**
 * How Kubernetes runs a workload's pods. `Deployment` (the default) for stateless services,
 * `StatefulSet` for stable names and a volume per replica, `DaemonSet` for one pod per node, `Job` for a
 * run to completion after each sync that changes it, `CronJob` for runs on a schedule.
 */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

/** Kinds whose pods run all the time (a Job's and a CronJob's pods exist only while a run lasts). */
export function runsContinuously(kind: WorkloadKind): boolean {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return true;
    case 'Job':
    case 'CronJob':
      return false;
    default: {
      const unhandled: never = kind;
      throw new Error(`unknown workload kind ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Kinds with a replica count (and so a PodDisruptionBudget, spreading and autoscaling). */
export function hasReplicas(kind: WorkloadKind): boolean {
  return kind === 'Deployment' || kind === 'StatefulSet';
}

/** A PersistentVolumeClaim per replica of a StatefulSet (a volumeClaimTemplate), mounted at `path`. */
export interface PersistentVolume {
  /** The volume's name (a DNS label); the claims are named `<name>-<workload>-<ordinal>` by Kubernetes. */
  readonly name: string;
  readonly path: string;
  /** A storage quantity, e.g. `10Gi`. */
  readonly size: string;
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
}

export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

/** When a CronJob runs. */
export interface CronSettings {
  /** A cron expression (five fields) or a macro such as `@daily`. */
  readonly schedule: string;
  /** An IANA time zone, e.g. `Europe/Berlin`. @default the kube-controller-manager's (UTC on kind and EKS) */
  readonly timeZone?: string;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  readonly suspend: boolean;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
}

/** How one run of a Job (or of a CronJob) may go. */
export interface RunSettings {
  /** Retries before a run counts as failed. */
  readonly backoffLimit: number;
  /** The most a run may take, in seconds. @default no limit */
  readonly activeDeadlineSeconds?: number;
}

/** One RBAC rule, as declared (lists sorted, no duplicates). */
export interface ApiRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** @default every object of those resources */
  readonly resourceNames?: readonly string[];
}

/**
 * Access to the Kubernetes API: `rules` in the workload's namespace (a Role), `clusterRules` in every
 * namespace and for cluster-scoped resources (a ClusterRole; only where the platform allows it).
 */
export interface KubeApiAccess {
  readonly rules: readonly ApiRule[];
  readonly clusterRules: readonly ApiRule[];
}

/** A file mounted read-only from the workload's ConfigMap `<workload>-files`. */
export interface ConfigFile {
  /** Absolute path in the container. */
  readonly path: string;
  readonly content: string;
}

/** How the kubelet checks a container: an HTTP GET, a TCP connection, or a command. */
export type HealthCheckAction =
  | { readonly kind: 'http'; readonly path: string; readonly port: string | number; readonly scheme: 'HTTP' | 'HTTPS' }
  | { readonly kind: 'tcp'; readonly port: string | number }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

export interface HealthCheck {
  readonly action: HealthCheckAction;
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  /** Readiness only (Kubernetes requires 1 for liveness and startup). */
  readonly successThreshold?: number;
}

/**
 * The container's probes. Without a declared readiness check, a workload that runs continuously gets a
 * TCP check on its first TCP port (when it has one); liveness and startup checks exist only when declared.
 */
export interface Health {
  readonly readiness?: HealthCheck;
  readonly liveness?: HealthCheck;
  readonly startup?: HealthCheck;
}

/** A HorizontalPodAutoscaler that owns the replica count: between `min` and `max`, aiming at `cpu` percent of the CPU request. */
export interface Autoscale {
  readonly min: number;
  readonly max: number;
  readonly cpu: number;
}
