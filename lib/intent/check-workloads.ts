/**
 * Workload kinds and what comes with them, checked and resolved: which fields each kind takes (volumes
 * only on a StatefulSet, a schedule only on a CronJob, no replica count where Kubernetes has none),
 * cron schedules and time zones, volumes and files that would share a mount, configuration files read
 * from beside platform.yaml, API access (known verbs, no wildcard unless said so, cluster-wide rules only
 * where `allowClusterRoles` lists the workload, and the way to the API server), health checks on ports
 * the workload has, autoscaling bounds, and the per-cluster overrides of all of these.
 *
 * The checker calls it once (`new WorkloadKindsCheck(spec, ctx)`) before resolving workloads, then
 * `resolve` per workload and cluster, and adds `apiServerEgress()` to the platform's egress.
 *
 * Decisions (see README, "Workload kinds"):
 * - `kubeApi` implies egress to the kube-apiserver entity (at the cluster's API server port) when every
 *   cluster runs Cilium, unless an egress entry to that entity from the workload or its tenant exists. With
 *   a `cni: generic` cluster nothing can select the API server by identity, so an explicit `cidr` egress
 *   from the workload (or its tenant) is required instead.
 * - `fromFile` is read relative to platform.yaml and must stay inside its directory; a platform written
 *   in TypeScript has no such directory and passes `content`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cluster, Egress, Workload } from '../model/platform';
import { FILES_VOLUME, peersServiceName, volumeNameFor } from '../model/naming';
import {
  DEFAULT_AUTOSCALE_CPU,
  DEFAULT_BACKOFF_LIMIT,
  DEFAULT_CONCURRENCY_POLICY,
  DEFAULT_FAILED_JOBS_HISTORY,
  DEFAULT_SUCCESSFUL_JOBS_HISTORY,
  DEFAULT_WORKLOAD_KIND,
} from '../model/defaults';
import { ApiRule, Autoscale, ConfigFile, Health, HealthCheck, HealthCheckAction, WORKLOAD_KINDS, WorkloadKind, hasReplicas } from '../model/workload-settings';
import { cronProblem, isTimeZone } from '../model/cron-rules';
import { FieldPath, SourceLocation } from './diagnostics';
import { closeMatch, didYouMean } from './names';
import { RuleContext } from './rule-context';
import { ApiRuleSpec, HealthCheckSpec, PlatformSpec, TenantSpec, WorkloadOverrideSpec, WorkloadSpec } from './types';

/** Reads a `fromFile` path as written (relative to platform.yaml): its bytes, or why it cannot be read. */
export type IntentFileReader = (relative: string) => { bytes: Buffer } | { problem: string; hint: string };

export interface WorkloadKindsContext extends RuleContext {
  readonly locate: (path: FieldPath) => SourceLocation;
  readonly clusters: readonly Cluster[];
  /** Absent when the intents come from TypeScript (there is no platform.yaml to be relative to). */
  readonly readFile?: IntentFileReader;
}

/** The workload fields this module resolves. */
export type WorkloadKindFields = Pick<Workload, 'kind' | 'volumes' | 'cron' | 'run' | 'kubeApi' | 'files' | 'imagePullSecrets' | 'health' | 'autoscale'>;

/** A ConfigMap holds at most 1 MiB in all; this leaves room for its metadata. */
export const MAX_FILES_BYTES = 1_000_000;

/** Verbs Kubernetes' authorizers know (the standard ones and the special ones of RBAC, PSP, CSRs). */
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', 'use', 'approve', 'sign'];

const CRON_ONLY = ['schedule', 'timeZone', 'concurrencyPolicy', 'suspend', 'history'] as const;
const RUN_ONLY = ['backoffLimit', 'activeDeadlineSeconds'] as const;

export class WorkloadKindsCheck {
  private readonly files = new Map<WorkloadSpec, ConfigFile[]>();
  private readonly tenantSecrets = new Map<string, readonly string[]>();
  private readonly egress: Egress[] = [];

  constructor(
    private readonly spec: PlatformSpec,
    private readonly ctx: WorkloadKindsContext,
  ) {
    const allowed = this.allowedClusterRoles();
    spec.tenants.forEach((t, ti) => {
      if (!this.tenantSecrets.has(t.name)) this.tenantSecrets.set(t.name, [...(t.imagePullSecrets ?? [])]);
      this.unique(t.imagePullSecrets ?? [], ['tenants', ti, 'imagePullSecrets'], 'image pull secret');
      const peers = new Set((t.workloads ?? []).map((w) => w.name));
      (t.workloads ?? []).forEach((w, wi) => this.workload(t, w, ['tenants', ti, 'workloads', wi], allowed, peers));
    });
  }

  /** The kind-specific fields of a workload, with a cluster's `override` applied. */
  resolve(tenant: string, w: WorkloadSpec, override?: WorkloadOverrideSpec): WorkloadKindFields {
    const kind: WorkloadKind = w.kind ?? DEFAULT_WORKLOAD_KIND;
    const volumes = (w.volumes ?? []).map((v) => {
      const o = override?.volumes?.[v.name];
      const storageClass = o?.storageClass ?? v.storageClass;
      return { name: v.name, path: v.path, size: o?.size ?? v.size, ...(storageClass ? { storageClass } : {}) };
    });
    const autoscale: Autoscale | undefined = w.autoscale
      ? { min: override?.autoscale?.min ?? w.autoscale.min, max: override?.autoscale?.max ?? w.autoscale.max, cpu: override?.autoscale?.cpu ?? w.autoscale.cpu ?? DEFAULT_AUTOSCALE_CPU }
      : undefined;
    const tenantSecrets = this.tenantSecrets.get(tenant) ?? [];
    return {
      kind,
      volumes,
      ...(kind === 'CronJob'
        ? {
            cron: {
              schedule: override?.schedule ?? w.schedule ?? '',
              ...(w.timeZone ? { timeZone: w.timeZone } : {}),
              concurrencyPolicy: w.concurrencyPolicy ?? DEFAULT_CONCURRENCY_POLICY,
              suspend: override?.suspend ?? w.suspend ?? false,
              successfulJobsHistoryLimit: w.history?.successful ?? DEFAULT_SUCCESSFUL_JOBS_HISTORY,
              failedJobsHistoryLimit: w.history?.failed ?? DEFAULT_FAILED_JOBS_HISTORY,
            },
          }
        : {}),
      ...(kind === 'Job' || kind === 'CronJob'
        ? { run: { backoffLimit: w.backoffLimit ?? DEFAULT_BACKOFF_LIMIT, ...(w.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: w.activeDeadlineSeconds } : {}) } }
        : {}),
      ...(w.kubeApi ? { kubeApi: { rules: (w.kubeApi.rules ?? []).map(apiRule), clusterRules: (w.kubeApi.clusterRules ?? []).map(apiRule) } } : {}),
      files: [...(this.files.get(w) ?? [])],
      imagePullSecrets: [...tenantSecrets, ...(w.imagePullSecrets ?? []).filter((s) => !tenantSecrets.includes(s))],
      health: health(w),
      ...(autoscale ? { autoscale } : {}),
    };
  }

  /** Egress to the API server that `kubeApi` implies (see the decisions above). */
  apiServerEgress(): Egress[] {
    return [...this.egress];
  }

  private fail(path: FieldPath, message: string, hint?: string, key = false): void {
    this.ctx.fail(path, message, hint, key);
  }

  private workload(t: TenantSpec, w: WorkloadSpec, at: FieldPath, allowed: (tenant: string, workload: string) => boolean, peers: ReadonlySet<string>): void {
    const kind: WorkloadKind = w.kind ?? DEFAULT_WORKLOAD_KIND;
    const id = `${t.name}/${w.name}`;
    const a = w as unknown as Record<string, unknown>;
    if (!WORKLOAD_KINDS.includes(kind)) {
      // The schema says so for YAML; TypeScript intents get here.
      const guess = closeMatch(kind, WORKLOAD_KINDS);
      this.fail([...at, 'kind'], `"${kind}" is not a workload kind`, `${guess ? `did you mean "${guess}"? ` : ''}kinds are ${WORKLOAD_KINDS.join(', ')}.`);
      return;
    }
    if (w.name === 'default')
      this.fail([...at, 'name'], 'a workload named "default" would take over the namespace\'s default ServiceAccount (each workload gets a ServiceAccount of its own name)', 'rename the workload.');
    if (kind === 'StatefulSet' && peers.has(peersServiceName(w.name)))
      this.fail([...at, 'name'], `the StatefulSet's headless Service "${peersServiceName(w.name)}" has the name of another workload's Service in tenant ${t.name}`, `rename workload "${peersServiceName(w.name)}" or this one.`);
    for (const field of CRON_ONLY)
      if (a[field] !== undefined && kind !== 'CronJob') this.fail([...at, field], `${field} is for kind CronJob, but ${id} is a ${kind}`, `remove ${field}, or set kind: CronJob.`, true);
    for (const field of RUN_ONLY)
      if (a[field] !== undefined && kind !== 'Job' && kind !== 'CronJob') this.fail([...at, field], `${field} is for kinds Job and CronJob, but ${id} is a ${kind}`, `remove ${field}, or set kind: Job or CronJob.`, true);
    if (kind === 'CronJob' && w.schedule === undefined) this.fail(at, `${id} is a CronJob without a schedule`, 'add schedule: e.g. "0 2 * * *" (02:00 every day).');
    if (w.replicas !== undefined && !hasReplicas(kind)) this.fail([...at, 'replicas'], `a ${kind} has no replica count`, replicasHint(kind), true);
    if (w.volumes?.length && kind !== 'StatefulSet')
      this.fail([...at, 'volumes'], `volumes are per-replica claims of a StatefulSet, but ${id} is a ${kind}`, 'set kind: StatefulSet, or use writablePaths for scratch space (an emptyDir, lost when the pod goes).', true);
    if (w.autoscale && !hasReplicas(kind)) this.fail([...at, 'autoscale'], `a ${kind} cannot be autoscaled`, 'remove autoscale (only Deployments and StatefulSets have replicas to scale).', true);
    if (w.autoscale && w.replicas !== undefined)
      this.fail([...at, 'replicas'], 'replicas and autoscale are both set, but the HorizontalPodAutoscaler owns the replica count', `remove replicas: the count stays between autoscale.min (${w.autoscale.min}) and autoscale.max (${w.autoscale.max}).`, true);
    if (w.autoscale) this.bounds(w.autoscale.min, w.autoscale.max, [...at, 'autoscale']);
    if (w.schedule !== undefined) this.schedule(w.schedule, [...at, 'schedule']);
    if (w.timeZone !== undefined && !isTimeZone(w.timeZone))
      this.fail([...at, 'timeZone'], `"${w.timeZone}" is not an IANA time zone`, 'write a zone of the tz database, e.g. Etc/UTC, Europe/Berlin or America/New_York.');
    const mounts = this.mounts(w, at);
    this.readFiles(w, at, mounts);
    this.unique(w.imagePullSecrets ?? [], [...at, 'imagePullSecrets'], 'image pull secret');
    (w.imagePullSecrets ?? []).forEach((s, i) => {
      if ((t.imagePullSecrets ?? []).includes(s))
        this.fail([...at, 'imagePullSecrets', i], `"${s}" is already among tenant ${t.name}'s imagePullSecrets, which every workload of it uses`, 'remove it here.');
    });
    if (w.kubeApi) this.kubeApi(t, w, [...at, 'kubeApi'], allowed);
    if (w.health) this.health(w, [...at, 'health']);
    this.overrides(w, kind, at);
  }

  private overrides(w: WorkloadSpec, kind: WorkloadKind, at: FieldPath): void {
    for (const [cluster, o] of Object.entries(w.overrides ?? {})) {
      const path: FieldPath = [...at, 'overrides', cluster];
      if (o.replicas !== undefined && !hasReplicas(kind)) this.fail([...path, 'replicas'], `a ${kind} has no replica count`, replicasHint(kind), true);
      if (o.replicas !== undefined && w.autoscale)
        this.fail([...path, 'replicas'], 'the HorizontalPodAutoscaler owns the replica count of this workload', 'override autoscale: { min, max } on this cluster instead.', true);
      if (o.autoscale && !w.autoscale) this.fail([...path, 'autoscale'], `${w.name} is not autoscaled`, 'declare autoscale on the workload first; overrides only change its bounds.', true);
      if (o.autoscale && w.autoscale) this.bounds(o.autoscale.min ?? w.autoscale.min, o.autoscale.max ?? w.autoscale.max, [...path, 'autoscale']);
      for (const field of ['suspend', 'schedule'] as const)
        if (o[field] !== undefined && kind !== 'CronJob') this.fail([...path, field], `${field} is for kind CronJob, but ${w.name} is a ${kind}`, `remove ${field}.`, true);
      if (o.schedule !== undefined) this.schedule(o.schedule, [...path, 'schedule']);
      const names = (w.volumes ?? []).map((v) => v.name);
      for (const name of Object.keys(o.volumes ?? {}))
        if (!names.includes(name))
          this.fail([...path, 'volumes', name], `${w.name} has no volume "${name}"`, names.length ? didYouMean(name, names) : 'overrides change only volumes the workload declares.', true);
    }
  }

  private bounds(min: number, max: number, path: FieldPath): void {
    if (min > max) this.fail(path, `autoscale.min (${min}) is above autoscale.max (${max})`, 'make min at most max.');
  }

  private schedule(schedule: string, path: FieldPath): void {
    const problem = cronProblem(schedule);
    if (problem) this.fail(path, problem, 'write five fields, minute hour day-of-month month day-of-week (e.g. "0 2 * * *" is 02:00 every day), or a macro such as @daily; put the time zone in timeZone.');
  }

  /**
   * Everything mounted in the container: writable directories, volumes and files. Two of them at one
   * path, or two volumes with one name, would be refused by the API server (or hide each other).
   * Returns the mounted paths by where they come from.
   */
  private mounts(w: WorkloadSpec, at: FieldPath): Map<string, string> {
    const paths = new Map<string, string>();
    const names = new Map<string, string>();
    (w.writablePaths ?? []).forEach((p) => {
      paths.set(p, `writablePaths entry "${p}"`);
      names.set(volumeNameFor(p), `writablePaths entry "${p}"`);
    });
    (w.volumes ?? []).forEach((v, i) => {
      const where: FieldPath = [...at, 'volumes', i];
      if (!v.path.startsWith('/')) this.fail([...where, 'path'], `"${v.path}" is not an absolute path`, 'write the directory from the root, e.g. /var/lib/data.');
      const byName = names.get(v.name);
      if (byName) this.fail([...where, 'name'], `volume name "${v.name}" is already used by ${byName}`, 'give the volume another name.');
      else names.set(v.name, `volume "${v.name}"`);
      const byPath = paths.get(v.path);
      if (byPath) this.fail([...where, 'path'], `${v.path} is already mounted by ${byPath}`, 'mount each directory once.');
      else paths.set(v.path, `volume "${v.name}"`);
    });
    if (w.files?.length) {
      const byName = names.get(FILES_VOLUME);
      if (byName) this.fail([...at, 'files'], `the config files are mounted from the volume "${FILES_VOLUME}", which ${byName} uses already`, 'rename the volume (or the writable directory).', true);
    }
    return paths;
  }

  private readFiles(w: WorkloadSpec, at: FieldPath, mounts: Map<string, string>): void {
    const files: ConfigFile[] = [];
    const seen = new Map<string, number>();
    let total = 0;
    (w.files ?? []).forEach((f, i) => {
      const where: FieldPath = [...at, 'files', i];
      if (!/^\/.*[^/]$/.test(f.path)) this.fail([...where, 'path'], `"${f.path}" is not the absolute path of a file`, 'write the file\'s path from the root, e.g. /etc/app/config.yaml.');
      const first = seen.get(f.path);
      if (first !== undefined) this.fail([...where, 'path'], `${f.path} is listed twice (also files[${first}])`, 'list each file once.');
      seen.set(f.path, i);
      const mounted = mounts.get(f.path);
      if (mounted) this.fail([...where, 'path'], `${f.path} is already mounted by ${mounted}`, 'mount the file at a path of its own.');
      if ((f.content === undefined) === (f.fromFile === undefined)) {
        this.fail(where, f.content === undefined ? 'a file needs content or fromFile' : 'a file has both content and fromFile', 'write exactly one of content (the text) and fromFile (a path beside platform.yaml).');
        return;
      }
      const content = f.content ?? this.read(f.fromFile!, [...where, 'fromFile']);
      if (content === undefined) return;
      total += Buffer.byteLength(content, 'utf8');
      if (total > MAX_FILES_BYTES)
        this.fail(where, `the files of ${w.name} hold ${total} bytes up to here, over the ${MAX_FILES_BYTES} a ConfigMap can carry`, 'keep configuration small; ship large files in the image or a volume.');
      files.push({ path: f.path, content });
    });
    this.files.set(w, files);
  }

  private read(relative: string, path: FieldPath): string | undefined {
    if (!this.ctx.readFile) {
      this.fail(path, 'fromFile needs the directory of platform.yaml, and these intents come from TypeScript', 'read the file yourself and pass its text as content.', true);
      return undefined;
    }
    const result = this.ctx.readFile(relative);
    if ('problem' in result) {
      this.fail(path, result.problem, result.hint);
      return undefined;
    }
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    try {
      return text.decode(result.bytes);
    } catch {
      this.fail(path, `${relative} is not UTF-8 text, and a ConfigMap's data is text`, 'ship binary files in the image, or convert the file to UTF-8.');
      return undefined;
    }
  }

  private kubeApi(t: TenantSpec, w: WorkloadSpec, at: FieldPath, allowed: (tenant: string, workload: string) => boolean): void {
    const api = w.kubeApi!;
    const id = `${t.name}/${w.name}`;
    if (!(api.rules?.length || api.clusterRules?.length)) this.fail(at, `${id} declares API access without a rule`, 'add rules (a Role in its namespace), or remove kubeApi: without it no token is mounted.');
    (api.rules ?? []).forEach((r, i) => this.apiRule(r, [...at, 'rules', i]));
    (api.clusterRules ?? []).forEach((r, i) => this.apiRule(r, [...at, 'clusterRules', i]));
    if (api.clusterRules?.length && !allowed(t.name, w.name))
      this.fail([...at, 'clusterRules'], `${id} asks for cluster-wide API access, which allowClusterRoles does not grant it`, `use rules (a Role in namespace ${t.name}), or add "${id}" to allowClusterRoles after review.`, true);
    this.apiServerReach(t, w, at);
  }

  private apiRule(r: ApiRuleSpec, at: FieldPath): void {
    const lists = { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) };
    let wildcard = false;
    for (const [field, items] of Object.entries(lists)) {
      this.unique(items, [...at, field], field === 'verbs' ? 'verb' : field === 'apiGroups' ? 'API group' : field === 'resources' ? 'resource' : 'name');
      items.forEach((item, i) => {
        const isWildcard = item === '*' || (field === 'resources' && item.split('/').includes('*'));
        if (!isWildcard) return;
        wildcard = true;
        if (!r.allowWildcard)
          this.fail([...at, field, i], `"${item}" grants every ${field === 'verbs' ? 'verb' : field === 'apiGroups' ? 'API group' : 'resource'}, including ones added later`, `list the ${field} it needs (least privilege), or set allowWildcard: true on this rule after review.`);
      });
    }
    r.verbs.forEach((v, i) => {
      if (v === '*' || VERBS.includes(v)) return;
      const guess = closeMatch(v, VERBS);
      this.fail([...at, 'verbs', i], `"${v}" is not a verb Kubernetes authorizes`, guess ? `did you mean "${guess}"?` : `verbs are ${VERBS.join(', ')}.`);
    });
    if (r.allowWildcard && !wildcard) this.fail([...at, 'allowWildcard'], 'allowWildcard is set, but the rule has no "*"', 'remove allowWildcard.', true);
    // RBAC: "You cannot restrict create or deletecollection requests by their resource name" (the request names no object).
    const unnamed = r.verbs.filter((v) => v === 'create' || v === 'deletecollection');
    if (r.resourceNames && unnamed.length)
      this.fail([...at, 'resourceNames'], `resourceNames cannot restrict ${unnamed.join(' or ')} (such a request names no object), so the rule would never allow ${unnamed.join(' or ')}`, `move ${unnamed.join(' and ')} into a rule without resourceNames.`, true);
  }

  /** The network half of API access (see the decisions at the top). */
  private apiServerReach(t: TenantSpec, w: WorkloadSpec, at: FieldPath): void {
    const from = (e: { from: string }) => e.from === t.name || e.from === `${t.name}/${w.name}`;
    const egress = this.spec.egress ?? [];
    const generic = this.ctx.clusters.filter((c) => c.cni !== 'cilium');
    if (generic.length) {
      if (!egress.some((e) => from(e) && e.cidr !== undefined))
        this.fail(
          at,
          `cluster "${generic[0].name}" uses cni: ${generic[0].cni}, which cannot open egress to the API server by identity, so ${t.name}/${w.name} would get a token but no way to the API`,
          `declare egress from ${t.name}/${w.name} to the API server's address: { from: ${t.name}/${w.name}, cidr: <address>/32, ports: [443] } (kind: 6443).`,
        );
      return;
    }
    if (egress.some((e) => from(e) && e.entity === 'kube-apiserver')) return;
    this.egress.push({
      from: { tenant: t.name, workload: w.name },
      to: { kind: 'entity', entity: 'kube-apiserver' },
      ports: [],
      description: `Kubernetes API access of ${t.name}/${w.name} (kubeApi)`,
      origin: this.ctx.locate(at),
    });
  }

  private health(w: WorkloadSpec, at: FieldPath): void {
    for (const probe of ['readiness', 'liveness', 'startup'] as const) {
      const check = w.health?.[probe];
      if (!check) continue;
      const where: FieldPath = [...at, probe];
      const given = (['http', 'tcp', 'exec'] as const).filter((k) => check[k] !== undefined);
      if (given.length !== 1) this.fail(where, given.length ? `has both ${given.join(' and ')}` : 'says nothing to check', 'write exactly one of http, tcp and exec.');
      if (check.exec && !check.exec.length) this.fail([...where, 'exec'], 'the command is empty', 'write the command and its arguments, e.g. [pg_isready, --username=postgres].');
      if (probe !== 'readiness' && check.successThreshold !== undefined && check.successThreshold !== 1)
        this.fail([...where, 'successThreshold'], `a ${probe} check must succeed once (Kubernetes requires successThreshold 1)`, 'remove successThreshold.', true);
      const port = check.http?.port ?? check.tcp?.port;
      if (typeof port !== 'string') continue;
      const declared = (w.ports ?? []).filter((p) => p.name === port);
      const portPath: FieldPath = [...where, check.http ? 'http' : 'tcp', 'port'];
      if (!declared.length) {
        const names = (w.ports ?? []).map((p) => p.name);
        this.fail(portPath, `${w.name} has no port named "${port}"`, names.length ? `${didYouMean(port, names)} Ports there: ${names.join(', ')}.` : 'use a port number, or declare the port under ports.');
      } else if (declared.every((p) => (p.protocol ?? 'TCP') !== 'TCP')) this.fail(portPath, `port "${port}" is ${declared[0].protocol}; the kubelet checks TCP ports only`, 'check a TCP port.');
    }
  }

  /** `allowClusterRoles` entries, resolved: a tenant, or a tenant's workload, that must exist. */
  private allowedClusterRoles(): (tenant: string, workload: string) => boolean {
    const entries = this.spec.allowClusterRoles ?? [];
    this.unique(entries, ['allowClusterRoles'], 'entry');
    const tenants = new Map(this.spec.tenants.map((t) => [t.name, new Set((t.workloads ?? []).map((w) => w.name))]));
    entries.forEach((e, i) => {
      const [tenant, workload] = e.split('/');
      if (!tenants.has(tenant)) this.fail(['allowClusterRoles', i], `no tenant named "${tenant}"`, didYouMean(tenant, [...tenants.keys()]));
      else if (workload !== undefined && !tenants.get(tenant)!.has(workload))
        this.fail(['allowClusterRoles', i], `no workload "${workload}" in tenant "${tenant}"`, didYouMean(workload, [...tenants.get(tenant)!]));
    });
    return (tenant, workload) => entries.includes(tenant) || entries.includes(`${tenant}/${workload}`);
  }

  /** Repeated items of a list that is a set (the schema says uniqueItems; TypeScript intents are checked here). */
  private unique(items: readonly string[], at: FieldPath, what: string): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item)) this.fail([...at, i], `${what} "${item}" is listed twice`, 'list it once.');
      seen.add(item);
    });
  }
}

/** Reads `fromFile` paths relative to the directory of `intentsFile`, refusing paths that leave it. */
export function fileReaderBeside(intentsFile: string): IntentFileReader {
  const base = path.dirname(path.resolve(intentsFile));
  return (relative) => {
    if (path.isAbsolute(relative) || path.normalize(relative).split(/[\\/]/)[0] === '..')
      return { problem: `"${relative}" is outside the directory of platform.yaml`, hint: 'keep the file beside platform.yaml (a path relative to it, without ".."), so that the repository alone renders the same output.' };
    const full = path.join(base, relative);
    try {
      if (fs.statSync(full).isDirectory()) return { problem: `${relative} is a directory`, hint: 'name a file.' };
      return { bytes: fs.readFileSync(full) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? { problem: `${relative} does not exist (looked for ${full})`, hint: 'fromFile is relative to the directory of platform.yaml; check the path, or write the text as content.' }
        : { problem: `${relative} cannot be read (${code ?? (err as Error).message})`, hint: 'check its permissions.' };
    }
  };
}

function replicasHint(kind: WorkloadKind): string {
  switch (kind) {
    case 'DaemonSet':
      return 'remove replicas: a DaemonSet runs one pod on every node.';
    case 'Job':
    case 'CronJob':
      return 'remove replicas: each run is one pod to completion (retried up to backoffLimit times).';
    default:
      return 'remove replicas.';
  }
}

const sortedUnique = (items: readonly string[]) => [...new Set(items)].sort();

function apiRule(r: ApiRuleSpec): ApiRule {
  return {
    apiGroups: sortedUnique(r.apiGroups),
    resources: sortedUnique(r.resources),
    verbs: sortedUnique(r.verbs),
    ...(r.resourceNames ? { resourceNames: sortedUnique(r.resourceNames) } : {}),
  };
}

function health(w: WorkloadSpec): Health {
  const out: { -readonly [K in keyof Health]: Health[K] } = {};
  for (const probe of ['readiness', 'liveness', 'startup'] as const) {
    const c = w.health?.[probe];
    if (c) out[probe] = healthCheck(c);
  }
  return out;
}

function healthCheck(c: HealthCheckSpec): HealthCheck {
  const action: HealthCheckAction = c.http
    ? { kind: 'http', path: c.http.path, port: c.http.port, scheme: c.http.scheme ?? 'HTTP' }
    : c.tcp
      ? { kind: 'tcp', port: c.tcp.port }
      : { kind: 'exec', command: [...(c.exec ?? [])] };
  const timing = (['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const).filter((k) => c[k] !== undefined);
  return { action, ...Object.fromEntries(timing.map((k) => [k, c[k]])) };
}
