/**
 * A workload of a tenant: the object that runs its pods (a Deployment by default; a StatefulSet, DaemonSet,
 * Job or CronJob with `kind`), its ServiceAccount (and RBAC when it declares API access), its Services, its
 * config files, and what keeps it available (PodDisruptionBudget, HorizontalPodAutoscaler). Pods are
 * hardened to pass the `restricted` Pod Security Standard while still starting (./pod-template.ts). Its
 * NetworkPolicies (and, on Cilium, its CiliumNetworkPolicy) hold what its `connections` allow, and
 * nothing until then: the tenant's default deny isolates it.
 *
 *   const frontend = new Workload(web, 'frontend', {
 *     image: 'nginxinc/nginx-unprivileged:1.27-alpine',
 *     ports: [{ name: 'http', port: 8080 }],
 *     writablePaths: ['/tmp'],
 *   });
 *   frontend.connections.allowTo(recordsApi, [Port.named('http')]);
 *   new Workload(patients, 'records-db', { kind: 'StatefulSet', image: 'postgres:16-alpine', user: 70,
 *     volumes: [{ name: 'data', path: '/var/lib/postgresql/data', size: '10Gi' }], ports: [{ name: 'postgres', port: 5432 }] });
 *   new Workload(patients, 'nightly-export', { kind: 'CronJob', schedule: '0 2 * * *', image: 'example/export:1' });
 *
 * API access (`kubeApi`) renders the RBAC and mounts the token; the network path to the API server is a
 * connection like any other: `workload.connections.allowTo(Peer.kubeApiServer())` (platform.yaml does it for you).
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { cronProblem } from '../model/cron-rules';
import {
  DEFAULT_AUTOSCALE_CPU,
  DEFAULT_BACKOFF_LIMIT,
  DEFAULT_CONCURRENCY_POLICY,
  DEFAULT_FAILED_JOBS_HISTORY,
  DEFAULT_REPLICAS,
  DEFAULT_RESOURCES,
  DEFAULT_SUCCESSFUL_JOBS_HISTORY,
  DEFAULT_USER,
  DEFAULT_WORKLOAD_KIND,
} from '../model/defaults';
import { FILES_VOLUME, filesConfigMapName, peersServiceName, volumeNameFor } from '../model/naming';
import { ContainerPort, Endpoint, EnvVar, Protocol, Resources, Workload as WorkloadModel } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { ApiRule, ConcurrencyPolicy, Health, PersistentVolume, WorkloadKind, WORKLOAD_KINDS, hasReplicas } from '../model/workload-settings';
import { CiliumPolicy } from './cilium-policy';
import { ClusterSettings } from './cluster-settings';
import { ConnectionEnd, Connections, IConnectable, WorkloadEnd } from './connections';
import { WORKLOAD_LABEL, workloadLabels } from './labels';
import { PlatformRecord } from './platform-record';
import { fileKeys, podTemplate } from './pod-template';
import { Segmentation } from './segmentation';
import type { Tenant } from './tenant';
import { workloadAvailability } from './workload-availability';
import { workloadController } from './workload-controller';
import { workloadIdentity } from './workload-identity';

export interface WorkloadPort {
  /** The port's name (an IANA service name): flows and routes refer to it. */
  readonly name: string;
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: Protocol;
}

/** An environment variable's value: text, or a key of a Secret in the tenant's namespace. */
export type EnvValue = string | { readonly secretKeyRef: { readonly name: string; readonly key: string } };

/** An RBAC rule a workload needs. */
export interface ApiRuleProps extends ApiRule {
  /** A `*` in apiGroups, resources or verbs is refused unless this is true. @default false */
  readonly allowWildcard?: boolean;
}

export interface WorkloadProps {
  /** The name of its objects and the `bulkhead.dev/workload` label. A DNS-1035 label of at most 55 characters (52 for a StatefulSet or CronJob). @default the construct id */
  readonly name?: string;
  /** How Kubernetes runs the pods. @default "Deployment" */
  readonly kind?: WorkloadKind;
  readonly image: string;
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default the image's arguments */
  readonly args?: readonly string[];
  /** Container ports; a workload with ports gets a ClusterIP Service exposing each under its own number and name. @default none */
  readonly ports?: readonly WorkloadPort[];
  /** Deployment and StatefulSet. @default 1 */
  readonly replicas?: number;
  /** The UID (and GID) the container runs as; never 0. @default 65532, the "nonroot" user of distroless images */
  readonly user?: number;
  /** Directories the container writes; each gets an emptyDir (the root filesystem is read-only). @default none */
  readonly writablePaths?: readonly string[];
  /**
   * Requests and limits; a value left out keeps its default.
   * @default requests cpu 50m, memory 64Mi; limits cpu 500m, memory 256Mi
   */
  readonly resources?: {
    readonly requests?: { readonly cpu?: string; readonly memory?: string };
    readonly limits?: { readonly cpu?: string; readonly memory?: string };
  };
  /** Environment variables, rendered sorted by name. @default none */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** StatefulSet only: a PersistentVolumeClaim per replica and volume. @default none */
  readonly volumes?: readonly PersistentVolume[];
  /** CronJob only, and required there: a cron expression or macro. */
  readonly schedule?: string;
  /** CronJob: the schedule's IANA time zone. @default the controller's */
  readonly timeZone?: string;
  /** CronJob. @default "Forbid" */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /** CronJob. @default false */
  readonly suspend?: boolean;
  /** CronJob: finished runs kept. @default { successful: 3, failed: 1 } */
  readonly history?: { readonly successful?: number; readonly failed?: number };
  /** Job and CronJob: retries before a run fails. @default 2 */
  readonly backoffLimit?: number;
  /** Job and CronJob: the most one run may take, in seconds. @default no limit */
  readonly activeDeadlineSeconds?: number;
  /** API access: mounts the token and grants exactly these rules. @default none (no token, no RBAC) */
  readonly kubeApi?: { readonly rules?: readonly ApiRuleProps[]; readonly clusterRules?: readonly ApiRuleProps[] };
  /** Files mounted read-only from the ConfigMap `<name>-files`. @default none */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** Secrets in the tenant's namespace to pull the image with. @default none */
  readonly imagePullSecrets?: readonly string[];
  /** Readiness, liveness and startup checks. @default a TCP readiness check on the first TCP port (kinds that run continuously) */
  readonly health?: Health;
  /** Deployment and StatefulSet: a HorizontalPodAutoscaler owns the replica count (leave `replicas` out). @default none */
  readonly autoscale?: { readonly min: number; readonly max: number; readonly cpu?: number };
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** So that `<name>-ingress` and `<name>-egress` still fit in 63 characters. */
export const MAX_WORKLOAD_NAME = 55;
/** StatefulSet and CronJob names: Kubernetes appends 11 characters to them in labels (kubernetes#64023). */
export const MAX_CONTROLLER_NAME = 52;

export class Workload extends Construct implements IConnectable, ConnectionEnd, WorkloadEnd {
  public readonly name: string;
  public readonly tenant: Tenant;
  /** Who may reach this workload and whom it may reach. */
  public readonly connections: Connections;
  /** The object that runs the pods: a Deployment, StatefulSet, DaemonSet, Job or CronJob. */
  public readonly controller: ApiObject;
  /** The Deployment, for `kind: Deployment`. */
  public readonly deployment?: k8s.KubeDeployment;
  public readonly service?: k8s.KubeService;
  /** The workload as the model says it (what `verify` expects). */
  public readonly model: WorkloadModel;
  public readonly endpoint: Endpoint;
  private readonly segmentation: Segmentation;
  private ciliumPolicy?: CiliumPolicy;

  constructor(tenant: Tenant, id: string, props: WorkloadProps) {
    super(tenant, id);
    this.tenant = tenant;
    this.name = props.name ?? id;
    this.model = resolve(this, tenant.name, props);
    this.endpoint = { tenant: tenant.name, workload: this.name };
    tenant._addWorkload(this);
    PlatformRecord.of(this).addWorkload(this.model, this.node.path);
    this.connections = new Connections(this);

    const w = this.model;
    const metadata = { name: w.name, namespace: w.tenant, labels: workloadLabels(w.tenant, w.name) };
    const keys = fileKeys(w.files.map((f) => f.path));
    const filesData = w.files.length ? Object.fromEntries(w.files.map((f) => [keys.get(f.path)!, f.content])) : undefined;
    if (filesData) new k8s.KubeConfigMap(this, 'files', { metadata: { ...metadata, name: filesConfigMapName(w.name) }, data: filesData });
    workloadIdentity(this, w);
    this.controller = workloadController(this, w, podTemplate(w, { provider: ClusterSettings.of(this).provider, ...(filesData ? { filesData } : {}) }));
    if (this.controller instanceof k8s.KubeDeployment) this.deployment = this.controller;
    workloadAvailability(this, w);

    if (w.ports.length) {
      const ports = w.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol }));
      this.service = new k8s.KubeService(this, 'service', { metadata, spec: { type: 'ClusterIP', selector: { [WORKLOAD_LABEL]: w.name }, ports } });
    }
    // A StatefulSet's governing Service: headless, listing every pod (ready or not) under its stable name,
    // which is what members of a replicated store use to find each other.
    if (w.kind === 'StatefulSet')
      new k8s.KubeService(this, 'peers', {
        metadata: { ...metadata, name: peersServiceName(w.name) },
        spec: {
          clusterIp: 'None',
          publishNotReadyAddresses: true,
          selector: { [WORKLOAD_LABEL]: w.name },
          ...(w.ports.length ? { ports: w.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })) } : {}),
        },
      });
    this.segmentation = new Segmentation(this, 'segmentation', { tenant: w.tenant, workload: w.name });
  }
  /** @internal The workload's NetworkPolicies. */
  _segmentation(): Segmentation {
    return this.segmentation;
  }

  /** @internal The workload's CiliumNetworkPolicy, created on first use (a workload that needs none gets none). */
  _ciliumPolicy(): CiliumPolicy {
    this.ciliumPolicy ??= new CiliumPolicy(this, 'cilium', { tenant: this.model.tenant, workload: this.name });
    return this.ciliumPolicy;
  }

  /** @internal */
  _members(): readonly WorkloadEnd[] {
    return [this];
  }

  /** @internal A workload stays what it is when connected. */
  _connected(): void {}
}

/** The props with every default applied, checked; errors name the construct. */
function resolve(scope: Construct, tenant: string, props: WorkloadProps): WorkloadModel {
  const fail = (message: string) => new RenderError(`${scope.node.path}: ${message}`);
  const name = props.name ?? scope.node.id;
  if (!DNS_1035.test(name) || name.length > MAX_WORKLOAD_NAME)
    throw fail(`workload name "${name}" must be a DNS-1035 label (lowercase letters, digits, dashes; a letter first) of at most ${MAX_WORKLOAD_NAME} characters`);
  if (name === 'default') throw fail('a workload named "default" would take over the namespace\'s default ServiceAccount; rename it');
  if (!props.image) throw fail('a workload needs an image');
  const kind: WorkloadKind = props.kind ?? DEFAULT_WORKLOAD_KIND;
  if (!WORKLOAD_KINDS.includes(kind)) throw fail(`kind must be one of ${WORKLOAD_KINDS.join(', ')}, not ${JSON.stringify(kind)}`);
  if ((kind === 'StatefulSet' || kind === 'CronJob') && name.length > MAX_CONTROLLER_NAME)
    throw fail(`a ${kind}'s name may have at most ${MAX_CONTROLLER_NAME} characters (Kubernetes appends 11 to it in a label), "${name}" has ${name.length}`);
  const ports: ContainerPort[] = (props.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' }));
  const names = new Set<string>();
  const numbers = new Set<string>();
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw fail(`port ${p.name}: ${p.port} is not a port number (1 to 65535)`);
    if (names.has(p.name)) throw fail(`port name "${p.name}" is declared twice`);
    if (numbers.has(`${p.port}/${p.protocol}`)) throw fail(`port ${p.port}/${p.protocol} is declared twice`);
    names.add(p.name);
    numbers.add(`${p.port}/${p.protocol}`);
  }
  const only = (field: keyof WorkloadProps, kinds: readonly WorkloadKind[]) => {
    if (props[field] !== undefined && !kinds.includes(kind)) throw fail(`${field} is for ${kinds.join(' and ')}, not a ${kind}`);
  };
  for (const field of ['schedule', 'timeZone', 'concurrencyPolicy', 'suspend', 'history'] as const) only(field, ['CronJob']);
  only('backoffLimit', ['Job', 'CronJob']);
  only('activeDeadlineSeconds', ['Job', 'CronJob']);
  only('replicas', ['Deployment', 'StatefulSet']);
  only('autoscale', ['Deployment', 'StatefulSet']);
  if (props.volumes?.length) only('volumes', ['StatefulSet']);
  if (kind === 'CronJob') {
    if (props.schedule === undefined) throw fail('a CronJob needs a schedule');
    const problem = cronProblem(props.schedule);
    if (problem) throw fail(`schedule: ${problem}`);
  }
  if (props.autoscale && props.replicas !== undefined) throw fail('replicas and autoscale are both set; the HorizontalPodAutoscaler owns the replica count, so leave replicas out');
  if (props.autoscale && !(Number.isInteger(props.autoscale.min) && props.autoscale.min >= 1 && props.autoscale.max >= props.autoscale.min))
    throw fail(`autoscale needs 1 <= min <= max, got min ${props.autoscale.min} and max ${props.autoscale.max}`);
  const replicas = props.autoscale?.min ?? props.replicas ?? DEFAULT_REPLICAS;
  if (!Number.isInteger(replicas) || replicas < 0) throw fail(`replicas must be a whole number, not ${replicas}`);
  const user = props.user ?? DEFAULT_USER;
  if (!Number.isInteger(user) || user < 1) throw fail(`user must be a non-root UID (a whole number above 0), not ${user}`);
  const writablePaths = [...(props.writablePaths ?? [])];
  const volumes = new Map<string, string>();
  const mounted = new Set<string>();
  for (const path of writablePaths) {
    if (!path.startsWith('/')) throw fail(`writable path "${path}" must be absolute`);
    const twin = volumes.get(volumeNameFor(path));
    if (twin !== undefined) throw fail(`writable path "${path}" ${twin === path ? 'is listed twice' : `gives the same volume name as "${twin}"`}`);
    volumes.set(volumeNameFor(path), path);
    mounted.add(path);
  }
  for (const v of props.volumes ?? []) {
    if (!v.path.startsWith('/')) throw fail(`volume ${v.name}: path "${v.path}" must be absolute`);
    if (volumes.has(v.name)) throw fail(`volume name "${v.name}" is already used (by ${volumes.get(v.name)})`);
    if (mounted.has(v.path)) throw fail(`volume ${v.name}: ${v.path} is already mounted`);
    volumes.set(v.name, v.path);
    mounted.add(v.path);
  }
  if (props.files?.length && volumes.has(FILES_VOLUME)) throw fail(`the config files are mounted from the volume "${FILES_VOLUME}", which ${volumes.get(FILES_VOLUME)} uses already`);
  for (const f of props.files ?? []) {
    if (!f.path.startsWith('/') || f.path.endsWith('/')) throw fail(`file path "${f.path}" must be an absolute path of a file`);
    if (mounted.has(f.path)) throw fail(`file ${f.path} is mounted twice`);
    mounted.add(f.path);
  }
  const rules = (list: readonly ApiRuleProps[] | undefined): ApiRule[] =>
    (list ?? []).map((r) => {
      const all = [...r.apiGroups, ...r.resources, ...r.verbs];
      if (!r.allowWildcard && all.some((x) => x === '*' || x.split('/').includes('*'))) throw fail('an API rule with "*" grants everything of its kind, including what is added later; list what is needed, or set allowWildcard: true');
      if (!r.apiGroups.length || !r.resources.length || !r.verbs.length) throw fail('an API rule needs apiGroups, resources and verbs');
      const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
      return { apiGroups: sorted(r.apiGroups), resources: sorted(r.resources), verbs: sorted(r.verbs), ...(r.resourceNames ? { resourceNames: sorted(r.resourceNames) } : {}) };
    });
  const kubeApi = props.kubeApi ? { rules: rules(props.kubeApi.rules), clusterRules: rules(props.kubeApi.clusterRules) } : undefined;
  if (kubeApi && !kubeApi.rules.length && !kubeApi.clusterRules.length) throw fail('kubeApi declares no rule; leave it out (no token is mounted then)');
  const resources: Resources = {
    requests: { ...DEFAULT_RESOURCES.requests, ...props.resources?.requests },
    limits: { ...DEFAULT_RESOURCES.limits, ...props.resources?.limits },
  };
  const env: EnvVar[] = Object.keys(props.env ?? {})
    .sort()
    .map((key) => {
      const v = props.env![key];
      return typeof v === 'string' ? { name: key, value: v } : { name: key, secretKeyRef: { ...v.secretKeyRef } };
    });
  return {
    tenant,
    name,
    id: `${tenant}/${name}`,
    image: props.image,
    ...(props.command ? { command: [...props.command] } : {}),
    ...(props.args ? { args: [...props.args] } : {}),
    ports,
    replicas,
    user,
    writablePaths,
    resources,
    env,
    kind,
    volumes: [...(props.volumes ?? [])].map((v) => ({ ...v })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    ...(kind === 'CronJob'
      ? {
          cron: {
            schedule: props.schedule!,
            ...(props.timeZone ? { timeZone: props.timeZone } : {}),
            concurrencyPolicy: props.concurrencyPolicy ?? DEFAULT_CONCURRENCY_POLICY,
            suspend: props.suspend ?? false,
            successfulJobsHistoryLimit: props.history?.successful ?? DEFAULT_SUCCESSFUL_JOBS_HISTORY,
            failedJobsHistoryLimit: props.history?.failed ?? DEFAULT_FAILED_JOBS_HISTORY,
          },
        }
      : {}),
    ...(kind === 'Job' || kind === 'CronJob'
      ? { run: { backoffLimit: props.backoffLimit ?? DEFAULT_BACKOFF_LIMIT, ...(props.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: props.activeDeadlineSeconds } : {}) } }
      : {}),
    ...(kubeApi ? { kubeApi } : {}),
    files: [...(props.files ?? [])].map((f) => ({ path: f.path, content: f.content })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    imagePullSecrets: [...new Set(props.imagePullSecrets ?? [])].sort(),
    health: { ...(props.health ?? {}) },
    ...(props.autoscale && hasReplicas(kind) ? { autoscale: { min: props.autoscale.min, max: props.autoscale.max, cpu: props.autoscale.cpu ?? DEFAULT_AUTOSCALE_CPU } } : {}),
    origin: constructLocation(scope.node.path),
  };
}
