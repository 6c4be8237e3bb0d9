/**
 * Defaults the constructs apply when a prop is left out, in one place: the constructs document each
 * with `@default`, and the platform.yaml checker resolves the model with the same values (the model
 * is fully resolved, because verification and reports read it).
 */
import type { Resources } from './platform';

/** Secure, modest defaults: enough to start a small service, small enough to pack a node. */
export const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};
/** The conventional "nonroot" UID of distroless images. */
export const DEFAULT_USER = 65532;
export const DEFAULT_REPLICAS = 1;

/** Inside kind's default Docker network (172.18.0.0/16), at its top end where Docker does not hand out addresses early. */
export const DEFAULT_KIND_LB_IPS = '172.18.255.200/29';

/** The chart version bulkhead's profiles and the policy-map defaults were checked against. */
export const DEFAULT_CILIUM_VERSION = '1.18.8';
/** Cilium's own default `bpf.policyMapMax`. */
export const DEFAULT_POLICY_MAP_MAX = 16384;
/** The API server port on kind (`<name>-control-plane:6443`). */
export const DEFAULT_KIND_API_SERVER_PORT = 6443;

/** Workload kinds (lib/model/workload-settings.ts). */
export const DEFAULT_WORKLOAD_KIND = 'Deployment';
/** Retries of a Job's run: fewer than Kubernetes' 6, so a broken run fails within minutes instead of an hour of back-off. */
export const DEFAULT_BACKOFF_LIMIT = 2;
/** A CronJob never starts a run while the last one still runs (Kubernetes' default, Allow, lets runs pile up). */
export const DEFAULT_CONCURRENCY_POLICY = 'Forbid';
/** Kubernetes' own defaults, written out so the reviewer sees them. */
export const DEFAULT_SUCCESSFUL_JOBS_HISTORY = 3;
export const DEFAULT_FAILED_JOBS_HISTORY = 1;
/** The CPU an autoscaled workload aims at, in percent of its request. */
export const DEFAULT_AUTOSCALE_CPU = 70;
