/**
 * Semantic checks: what a schema cannot say (unique names, references, CIDRs, guardrails), and the
 * resolution of a checked `PlatformSpec` into the model that every later stage reads.
 * All problems are collected and reported together, each with its position.
 */
import {
  CiliumSettings,
  Cluster,
  ContainerPort,
  DEFAULT_PROBES,
  Egress,
  EgressTarget,
  Endpoint,
  EnvVar,
  Flow,
  GitOps,
  Guardrail,
  HttpRule,
  Platform,
  PortSelector,
  Resources,
  Tenant,
  Workload,
  describeSelector,
  formatEndpoint,
  formatPortSelector,
  selectsTenant,
} from '../model/platform';
import { probeJobName } from '../model/probes';
import { Diagnostic, FieldPath, IntentError, SourceLocation, formatLocation, formatPath } from './diagnostics';
import { SourceMap } from './source';
import { checkCidr, isStrictlyInside } from './addresses';
import { canonicalOrder } from './canonical-order';
import { checkInputRules } from './input-rules';
import { checkGatewaysAndRoutes } from './check-routes';
import { IntentFileReader, WorkloadKindsCheck, fileReaderBeside } from './check-workloads';
import { ciliumSpecProblems } from '../model/cilium-values-rules';
import { didYouMean, duplicateNames } from './names';
import { DEFAULT_CILIUM_VERSION, DEFAULT_KIND_LB_IPS, DEFAULT_POLICY_MAP_MAX, DEFAULT_RESOURCES, DEFAULT_USER } from '../model/defaults';
import { volumeNameFor } from '../model/naming';
import { CiliumSpec, EnvValue, PlatformSpec, PortRefSpec, ResourcesSpec, WorkloadOverrideSpec, WorkloadSpec } from './types';

// Defaults and volumeNameFor moved to lib/model, where the constructs that apply them read them;
// re-exported here for code that imports them from the checker.
export { DEFAULT_CILIUM_VERSION, DEFAULT_KIND_LB_IPS, DEFAULT_RESOURCES, DEFAULT_USER } from '../model/defaults';
export { volumeNameFor } from '../model/naming';

type Locate = (path: FieldPath, opts?: { key?: boolean }) => SourceLocation;

export interface CheckOptions {
  /**
   * Reads `files[].fromFile` (paths relative to platform.yaml).
   * @default the file system beside `source.file`; none without a source (TypeScript intents pass content)
   */
  readonly readFile?: IntentFileReader;
}

/** Checks intents and resolves them; throws `IntentError` with every problem found. */
export function checkPlatform(spec: PlatformSpec, source?: SourceMap, options: CheckOptions = {}): Platform {
  const locate: Locate = source ? (p, o) => source.locate(p, o) : () => ({ file: '<typescript>', line: 1, column: 1 });
  return new Checker(spec, locate, options.readFile ?? (source ? fileReaderBeside(source.file) : undefined)).run();
}

class Checker {
  private readonly problems: Diagnostic[] = [];
  private readonly tenantsByName = new Map<string, Tenant>();
  private readonly workloadsByName = new Map<Tenant, Map<string, Workload[]>>();
  /** Workload kinds, identity, files, health (check-workloads.ts); set first thing in run(). */
  private kinds!: WorkloadKindsCheck;

  constructor(
    private readonly spec: PlatformSpec,
    private readonly locate: Locate,
    private readonly readFile?: IntentFileReader,
  ) {}

  run(): Platform {
    const clusters = this.clusters();
    const fail = (path: FieldPath, message: string, hint?: string, key?: boolean) => this.fail(path, message, hint, key);
    this.kinds = new WorkloadKindsCheck(this.spec, { fail, locate: (path) => this.locate(path), clusters, ...(this.readFile ? { readFile: this.readFile } : {}) });
    const tenants = this.tenants();
    if (clusters.some((c) => c.probes?.enabled)) this.probeJobNames();
    const overrides = this.overrides(clusters);
    const declared = (this.spec.flows ?? []).map((f, i) => this.flow(f, ['flows', i], clusters));
    const flows = declared.filter(isDefined);
    const egress = [...(this.spec.egress ?? []).map((e, i) => this.egress(e, ['egress', i], clusters)).filter(isDefined), ...this.kinds.apiServerEgress()];
    const guardrails = this.guardrails();
    this.enforceGuardrails(declared, guardrails);
    const { gateways, routes } = checkGatewaysAndRoutes(this.spec, {
      fail: (path, message, hint, key) => this.fail(path, message, hint, key),
      locate: (path) => this.locate(path),
      tenants: this.tenantsByName,
      clusters,
    });
    const gitops = this.gitops();
    checkInputRules(this.spec, { fail: (path, message, hint, key) => this.fail(path, message, hint, key) });
    if (this.problems.length) throw new IntentError(this.problems);
    return canonicalOrder({ name: this.spec.metadata.name, clusters, tenants, flows, egress, guardrails, gateways, routes, overrides, ...(gitops ? { gitops } : {}) });
  }

  private gitops(): GitOps | undefined {
    const g = this.spec.gitops;
    if (!g) return undefined;
    if (!/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(g.repoURL))
      this.fail(['gitops', 'repoURL'], `"${g.repoURL}" is not a Git URL Argo CD can clone`, 'write https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git.');
    return { repoURL: g.repoURL, revision: g.revision ?? 'main', ...(g.fleet ? { fleet: { clusterLabels: { ...g.fleet.clusterLabels } } } : {}), origin: this.locate(['gitops']) };
  }

  private fail(path: FieldPath, message: string, hint?: string, key = false): void {
    this.problems.push({ location: this.locate(path, { key }), field: formatPath(path), message, hint });
  }

  private duplicates<T extends { name: string }>(items: readonly T[], base: FieldPath, what: string): void {
    for (const d of duplicateNames(items))
      this.fail([...base, d.index, 'name'], `duplicate ${what} name "${d.name}"`, `rename one; the first is at ${formatLocation(this.locate([...base, d.first, 'name']))}.`);
  }

  private clusters(): Cluster[] {
    this.duplicates(this.spec.clusters, ['clusters'], 'cluster');
    return this.spec.clusters.map((c, i) => {
      if (c.provider === 'eks' && !c.region) this.fail(['clusters', i], `EKS cluster "${c.name}" needs a region`, 'add region: e.g. eu-central-1.');
      if (c.provider === 'eks' && !c.apiServer)
        this.fail(['clusters', i], `EKS cluster "${c.name}" needs apiServer.host`, 'set apiServer.host to the cluster endpoint host (aws eks describe-cluster); Cilium must reach it without kube-proxy.');
      if (c.provider === 'kind' && c.region) this.fail(['clusters', i, 'region'], 'a kind cluster has no region', 'remove region.', true);
      const apiServer =
        c.provider === 'kind'
          ? { host: c.apiServer?.host ?? `${c.name}-control-plane`, port: c.apiServer?.port ?? 6443 }
          : { host: c.apiServer?.host ?? '', port: c.apiServer?.port ?? 443 };
      if (c.provider !== 'kind' && c.loadBalancerIPs !== undefined)
        this.fail(['clusters', i, 'loadBalancerIPs'], 'loadBalancerIPs is for kind clusters', 'remove it: on EKS, AWS load balancers give gateways their addresses.', true);
      const cni = c.cni ?? 'cilium';
      if (cni !== 'cilium' && c.cilium) this.fail(['clusters', i, 'cilium'], `cluster "${c.name}" has cni: ${cni}, so Cilium settings have no effect`, 'remove cilium:, or set cni: cilium.', true);
      for (const p of cni === 'cilium' ? ciliumSpecProblems(c.cilium ?? {}, { provider: c.provider }) : [])
        this.fail(['clusters', i, 'cilium', ...p.path], p.message, p.hint, p.key ?? false);
      return {
        name: c.name,
        provider: c.provider,
        nodes: c.nodes ?? (c.provider === 'kind' ? 1 : 2),
        region: c.region,
        apiServer,
        cni,
        cilium: cni === 'cilium' ? ciliumSettings(c.cilium ?? {}) : undefined,
        ...(c.provider === 'kind' ? { loadBalancerIPs: this.cidr(c.loadBalancerIPs ?? DEFAULT_KIND_LB_IPS, ['clusters', i, 'loadBalancerIPs']) } : {}),
        probes: { enabled: c.probes?.enabled ?? DEFAULT_PROBES.enabled, max: c.probes?.max ?? DEFAULT_PROBES.max },
        origin: this.locate(['clusters', i]),
      };
    });
  }

  private tenants(): Tenant[] {
    this.duplicates(this.spec.tenants, ['tenants'], 'tenant');
    return this.spec.tenants.map((t, ti) => {
      const base: FieldPath = ['tenants', ti];
      const workloads = (t.workloads ?? []).map((w, wi) => this.workload(t.name, w, [...base, 'workloads', wi]));
      this.duplicates(t.workloads ?? [], [...base, 'workloads'], `workload (in tenant ${t.name})`);
      const tenant: Tenant = { name: t.name, labels: { ...(t.labels ?? {}) }, workloads, origin: this.locate(base) };
      if (!this.tenantsByName.has(t.name)) this.tenantsByName.set(t.name, tenant);
      return tenant;
    });
  }

  /** A workload as declared, or with one cluster's `override` applied. */
  private workload(tenant: string, w: WorkloadSpec, path: FieldPath, override?: WorkloadOverrideSpec): Workload {
    const ports: ContainerPort[] = (w.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' }));
    if (!override) this.checkWorkload(tenant, w, ports, path);
    const kinds = this.kinds.resolve(tenant, w, override);
    return {
      tenant,
      name: w.name,
      id: `${tenant}/${w.name}`,
      image: override?.image ?? w.image,
      command: w.command,
      args: w.args,
      ports,
      // An autoscaled workload starts at its minimum (the HorizontalPodAutoscaler owns the count from there).
      replicas: kinds.autoscale?.min ?? override?.replicas ?? w.replicas ?? 1,
      user: w.user ?? DEFAULT_USER,
      writablePaths: [...(w.writablePaths ?? [])],
      resources: resources(w.resources, override?.resources),
      env: env({ ...(w.env ?? {}), ...(override?.env ?? {}) }),
      ...kinds,
      origin: this.locate(path),
    };
  }

  private checkWorkload(tenant: string, w: WorkloadSpec, ports: ContainerPort[], path: FieldPath): void {
    this.duplicates(ports, [...path, 'ports'], `port (in workload ${tenant}/${w.name})`);
    const seen = new Set<string>();
    ports.forEach((p, i) => {
      const key = `${p.port}/${p.protocol}`;
      if (seen.has(key)) this.fail([...path, 'ports', i, 'port'], `port ${key} is declared twice`, 'declare each port and protocol once.');
      seen.add(key);
    });
    const volumes = new Map<string, string>();
    (w.writablePaths ?? []).forEach((p, i) => {
      const volume = volumeNameFor(p);
      const twin = volumes.get(volume);
      if (twin !== undefined) this.fail([...path, 'writablePaths', i], `"${p}" ${twin === p ? 'is listed twice' : `gives the same volume name as "${twin}"`}`, 'list each directory once.');
      volumes.set(volume, p);
    });
  }

  /** A workload named like another one's probe Job (`<workload>-probes`) would collide with it in the analyzer and in the cluster. */
  private probeJobNames(): void {
    this.spec.tenants.forEach((t, ti) => {
      const names = new Set((t.workloads ?? []).map((w) => w.name));
      (t.workloads ?? []).forEach((w, wi) => {
        const owner = w.name.endsWith(PROBE_JOB_SUFFIX) ? w.name.slice(0, -PROBE_JOB_SUFFIX.length) : undefined;
        if (owner === undefined || !names.has(owner)) return;
        this.fail(
          ['tenants', ti, 'workloads', wi, 'name'],
          `workload "${w.name}" has the name of the probe Job of workload "${owner}" (${probeJobName(owner)}) in tenant ${t.name}`,
          'rename the workload, or turn the probes off on every cluster (clusters[].probes.enabled: false).',
        );
      });
    });
  }

  private overrides(clusters: Cluster[]): Map<string, Map<string, Workload>> {
    const names = clusters.map((c) => c.name);
    const out = new Map<string, Map<string, Workload>>();
    this.spec.tenants.forEach((t, ti) =>
      (t.workloads ?? []).forEach((w, wi) => {
        const path: FieldPath = ['tenants', ti, 'workloads', wi];
        const perCluster = new Map<string, Workload>();
        for (const [cluster, o] of Object.entries(w.overrides ?? {})) {
          if (!names.includes(cluster)) {
            this.fail([...path, 'overrides', cluster], `no cluster named "${cluster}"`, didYouMean(cluster, names), true);
            continue;
          }
          perCluster.set(cluster, this.workload(t.name, w, path, o));
        }
        if (perCluster.size) out.set(`${t.name}/${w.name}`, perCluster);
      }),
    );
    return out;
  }

  /** Resolves `tenant` or `tenant/workload`; reports unknown names with a suggestion. */
  private endpoint(ref: string, path: FieldPath): Endpoint | undefined {
    const [tenantName, workloadName] = ref.split('/');
    const tenant = this.tenantsByName.get(tenantName);
    if (!tenant) {
      this.fail(path, `no tenant named "${tenantName}"`, didYouMean(tenantName, [...this.tenantsByName.keys()]));
      return undefined;
    }
    if (workloadName === undefined) {
      if (!tenant.workloads.length) this.fail(path, `tenant "${tenantName}" has no workloads`, 'add workloads to the tenant or remove this reference.');
      return { tenant: tenantName };
    }
    if (!this.workloadsNamed(tenant).has(workloadName)) {
      const all = [...this.tenantsByName.values()].flatMap((t) => t.workloads.map((w) => w.id));
      this.fail(path, `no workload "${workloadName}" in tenant "${tenantName}"`, didYouMean(ref, all));
      return undefined;
    }
    return { tenant: tenantName, workload: workloadName };
  }

  private workloadsOf(e: Endpoint): Workload[] {
    const tenant = this.tenantsByName.get(e.tenant);
    if (!tenant) return [];
    return e.workload ? [...(this.workloadsNamed(tenant).get(e.workload) ?? [])] : [...tenant.workloads];
  }

  /** The tenant's workloads by name, built once per tenant: every flow looks up both of its ends. */
  private workloadsNamed(tenant: Tenant): Map<string, Workload[]> {
    let byName = this.workloadsByName.get(tenant);
    if (!byName) {
      byName = new Map();
      for (const w of tenant.workloads) byName.set(w.name, [...(byName.get(w.name) ?? []), w]);
      this.workloadsByName.set(tenant, byName);
    }
    return byName;
  }

  private portRef(ref: PortRefSpec, path: FieldPath, destination?: Endpoint): PortSelector | undefined {
    if (typeof ref === 'string') {
      if (!destination) return undefined;
      const targets = this.workloadsOf(destination);
      if (!targets.some((w) => w.ports.some((p) => p.name === ref))) {
        const names = [...new Set(targets.flatMap((w) => w.ports.map((p) => p.name)))].sort();
        this.fail(
          path,
          `${formatEndpoint(destination)} has no port named "${ref}"`,
          names.length ? `${didYouMean(ref, names)} Ports there: ${names.join(', ')}.` : `${formatEndpoint(destination)} declares no ports; add one under ports.`,
        );
        return undefined;
      }
      return { kind: 'named', name: ref };
    }
    if (typeof ref === 'number') return { kind: 'range', protocol: 'TCP', from: ref, to: ref };
    const to = ref.endPort ?? ref.port;
    if (to < ref.port) {
      this.fail([...path, 'endPort'], `endPort ${to} is below port ${ref.port}`, 'endPort must be at least port (the range is inclusive).');
      return undefined;
    }
    return { kind: 'range', protocol: ref.protocol ?? 'TCP', from: ref.port, to };
  }

  private flow(f: NonNullable<PlatformSpec['flows']>[number], path: FieldPath, clusters: Cluster[]): Flow | undefined {
    const from = this.endpoint(f.from, [...path, 'from']);
    const to = this.endpoint(f.to, [...path, 'to']);
    if (!from || !to) return undefined;
    const ports = f.ports.map((p, i) => this.portRef(p, [...path, 'ports', i], to));
    if (ports.some((p) => !p)) return undefined;
    const http = this.httpRules(f, path, to, ports as PortSelector[], clusters);
    return { from, to, ports: ports as PortSelector[], ...(http ? { http } : {}), description: f.description, origin: this.locate(path) };
  }

  private egress(e: NonNullable<PlatformSpec['egress']>[number], path: FieldPath, clusters: Cluster[]): Egress | undefined {
    const from = this.endpoint(e.from, [...path, 'from']);
    const to = this.egressTarget(e, path);
    if (e.except && e.cidr === undefined) this.fail([...path, 'except'], 'except only narrows a cidr', 'remove except, or use cidr.', true);
    if (!e.ports && to?.kind !== 'entity') this.fail(path, 'egress needs ports', 'add ports: e.g. [443] (outside the cluster only numbers mean something).');
    const ports = (e.ports ?? []).map((p, i) => this.portRef(p, [...path, 'ports', i]));
    if (to && to.kind !== 'cidr') {
      const field = to.kind === 'fqdn' ? 'fqdn' : 'entity';
      for (const c of clusters.filter((c) => c.cni !== 'cilium'))
        this.fail([...path, field], `cluster "${c.name}" uses cni: ${c.cni}, which cannot enforce egress to ${to.kind === 'fqdn' ? 'a DNS name' : 'the kube-apiserver entity'}`, `use cni: cilium on "${c.name}", or write the destination as a cidr.`, true);
    }
    if (!from || !to || ports.some((p) => !p)) return undefined;
    return { from, to, ports: ports as Extract<PortSelector, { kind: 'range' }>[], description: e.description, origin: this.locate(path) };
  }

  private egressTarget(e: NonNullable<PlatformSpec['egress']>[number], path: FieldPath): EgressTarget | undefined {
    const given = (['cidr', 'fqdn', 'entity'] as const).filter((k) => e[k] !== undefined);
    if (given.length !== 1) {
      this.fail(given.length ? [...path, given[1]] : path, given.length ? `egress has both ${given.join(' and ')}` : 'egress needs a destination', 'write exactly one of cidr (an address block), fqdn (a DNS name) or entity (kube-apiserver); use one entry per destination.', given.length > 0);
      return undefined;
    }
    if (e.fqdn !== undefined) return { kind: 'fqdn', fqdn: e.fqdn };
    if (e.entity !== undefined) return { kind: 'entity', entity: e.entity };
    const cidr = this.cidr(e.cidr ?? '', [...path, 'cidr']);
    const except = (e.except ?? []).map((x, i) => this.cidr(x, [...path, 'except', i]));
    if (!cidr || !except.every(isDefined)) return undefined;
    let inside = true;
    (except as string[]).forEach((x, i) => {
      if (!isStrictlyInside(x, cidr)) {
        inside = false;
        this.fail([...path, 'except', i], `${x} is not inside ${cidr}`, 'every except entry must be a smaller block within cidr (the API server rejects others).');
      }
    });
    return inside ? { kind: 'cidr', cidr, except: except as string[] } : undefined;
  }

  /** HTTP rules need Cilium's proxy on every cluster and TCP on every port of the flow. */
  private httpRules(f: NonNullable<PlatformSpec['flows']>[number], path: FieldPath, to: Endpoint, ports: PortSelector[], clusters: Cluster[]): HttpRule[] | undefined {
    if (!f.http) return undefined;
    for (const c of clusters.filter((c) => c.cni !== 'cilium'))
      this.fail([...path, 'http'], `cluster "${c.name}" uses cni: ${c.cni}, which cannot enforce HTTP rules; the flow would open every request`, `use cni: cilium on "${c.name}", or remove http.`, true);
    ports.forEach((p, i) => {
      const protocols = p.kind === 'range' ? [p.protocol] : this.workloadsOf(to).flatMap((w) => w.ports.filter((q) => q.name === p.name).map((q) => q.protocol));
      if (p.kind === 'range' && p.to !== p.from)
        this.fail([...path, 'ports', i], `HTTP rules need single ports, but ${formatPortSelector(p)} is a range`, 'Cilium applies L7 rules to single ports only; list the ports one by one.');
      else if (protocols.some((proto) => proto !== 'TCP'))
        this.fail([...path, 'ports', i], `HTTP rules need TCP, but port ${formatPortSelector(p)} of ${formatEndpoint(to)} is ${protocols.filter((x) => x !== 'TCP').join('/')}`, 'move the non-TCP port into a flow of its own without http.');
    });
    return f.http.map((r) => ({ ...(r.method ? { method: r.method } : {}), ...(r.path ? { path: r.path } : {}), ...(r.host ? { host: r.host } : {}) }));
  }

  /** Accepts only canonical CIDRs (see addresses.ts) so the policy opens what the reviewer read. */
  private cidr(text: string, path: FieldPath): string | undefined {
    const checked = checkCidr(text);
    if ('ok' in checked) return checked.ok;
    this.fail(path, checked.problem.message, checked.problem.hint);
    return undefined;
  }

  private guardrails(): Guardrail[] {
    const list = this.spec.guardrails ?? [];
    this.duplicates(list, ['guardrails'], 'guardrail');
    return list.map((g, i) => {
      for (const side of ['from', 'to'] as const) {
        const name = g[side].tenant;
        if (name !== undefined && !this.tenantsByName.has(name))
          this.fail(['guardrails', i, side, 'tenant'], `no tenant named "${name}"`, didYouMean(name, [...this.tenantsByName.keys()]));
      }
      const guardrail: Guardrail = { name: g.name, description: g.description, control: g.control, from: g.from, to: g.to, bidirectional: g.bidirectional ?? false, origin: this.locate(['guardrails', i]) };
      this.guardrailProtectsSomeone(guardrail, i);
      return guardrail;
    });
  }

  /**
   * A guardrail side that selects no workload is a compile error, not an empty deny policy: otherwise
   * relabelling a tenant (`data-class: phi` -> `restricted`) would switch the guardrail off in silence.
   * Tenants and their workloads are the same on every cluster (overrides change only how a workload
   * runs), so one check covers every cluster the guardrail applies to.
   */
  private guardrailProtectsSomeone(g: Guardrail, index: number): void {
    const tenants = [...this.tenantsByName.values()];
    const clusters = this.spec.clusters.map((c) => c.name).sort().join(', ');
    for (const side of ['from', 'to'] as const) {
      const selector = g[side];
      if (selector.tenant !== undefined && !this.tenantsByName.has(selector.tenant)) continue; // reported above
      const selected = tenants.filter((t) => selectsTenant(selector, t));
      if (selected.some((t) => t.workloads.length > 0)) continue;
      const what = describeSelector(selector) || 'every tenant';
      const why = selected.length ? `${selected.map((t) => t.name).join(', ')} ${selected.length === 1 ? 'has' : 'have'} no workloads` : `no tenant has ${what}`;
      const keys = Object.keys(selector.labels ?? {});
      const carriers = tenants.filter((t) => keys.some((k) => t.labels[k] !== undefined)).map((t) => `${t.name} (${keys.filter((k) => t.labels[k] !== undefined).map((k) => `${k}=${t.labels[k]}`).join(', ')})`);
      const seen = keys.length && !selected.length ? ` Tenants carrying ${keys.join(', ')} now: ${carriers.length ? carriers.join(', ') : 'none'}.` : '';
      this.fail(
        ['guardrails', index, side],
        `guardrail "${g.name}" protects nothing: its ${side} side (${what}) selects no workload in any cluster (${clusters}): ${why}`,
        `give the tenants it must cover their label back, or change or remove the guardrail${g.control ? ` (it serves ${g.control})` : ''} after review.${seen}`,
      );
    }
  }

  /** A flow a guardrail forbids is a compile error naming both, so the reviewer sees the conflict. */
  private enforceGuardrails(flows: Array<Flow | undefined>, guardrails: Guardrail[]): void {
    flows.forEach((flow, index) => {
      if (!flow) return;
      const src = this.tenantsByName.get(flow.from.tenant)!;
      const dst = this.tenantsByName.get(flow.to.tenant)!;
      for (const g of guardrails) {
        const forward = selectsTenant(g.from, src) && selectsTenant(g.to, dst);
        const backward = g.bidirectional && selectsTenant(g.from, dst) && selectsTenant(g.to, src);
        if (!forward && !backward) continue;
        this.fail(
          ['flows', index],
          `flow ${formatEndpoint(flow.from)} -> ${formatEndpoint(flow.to)} breaks guardrail "${g.name}" (${formatLocation(g.origin)}): ` +
            `${describeSelector(g.from)} must never ${g.bidirectional ? 'exchange traffic with' : 'reach'} ${describeSelector(g.to)}`,
          src === dst
            ? `the guardrail selects tenant ${src.name} on both sides, so it forbids traffic inside ${src.name} too (a workload to itself included): ` +
                `remove the flow, or narrow one side of the guardrail so that it no longer selects ${src.name}${g.control ? ` (it serves ${g.control})` : ''} after review.`
            : `remove the flow, or change the guardrail${g.control ? ` (it serves ${g.control})` : ''} after review.`,
        );
      }
    });
  }
}

const PROBE_JOB_SUFFIX = probeJobName('');

function ciliumSettings(c: CiliumSpec): CiliumSettings {
  return {
    version: c.version ?? DEFAULT_CILIUM_VERSION,
    hubble: { relay: c.hubble?.relay ?? true, ui: c.hubble?.ui ?? false },
    policyEnforcementMode: c.policyEnforcementMode ?? 'default',
    policyMapMax: c.policyMapMax ?? DEFAULT_POLICY_MAP_MAX,
    values: structuredClone(c.values ?? {}),
  };
}

function resources(base: ResourcesSpec | undefined, override: ResourcesSpec | undefined): Resources {
  return {
    requests: { ...DEFAULT_RESOURCES.requests, ...base?.requests, ...override?.requests },
    limits: { ...DEFAULT_RESOURCES.limits, ...base?.limits, ...override?.limits },
  };
}

function env(vars: Record<string, EnvValue>): EnvVar[] {
  return Object.keys(vars)
    .sort()
    .map((name) => {
      const v = vars[name];
      return typeof v === 'string' ? { name, value: v } : { name, secretKeyRef: { ...v.secretKeyRef } };
    });
}



function isDefined<T>(x: T | undefined): x is T {
  return x !== undefined;
}
