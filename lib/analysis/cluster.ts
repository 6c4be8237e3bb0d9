/** Namespaces and workloads read from manifests, with the selector indexes the evaluation needs. */
import { AnalysisInputError, SourceLocation, formatLocation } from './errors';
import { IpAddress, parseIp, whyNotAddress } from './ip';
import type { SourcedManifest } from './policy';
import { Protocol, isProtocol } from './ports';
import { EVERYTHING, LabelIndex, Labels, Selector, isRecord } from './selectors';

export const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Labels Cilium derives for every pod's identity (besides its own labels), without the `k8s:` source. */
export const CILIUM_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const CILIUM_NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
export const CILIUM_SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
export const CILIUM_CLUSTER_LABEL = 'io.cilium.k8s.policy.cluster';
/** Cilium's default `cluster-name`; the manifests do not say which cluster they run in. */
export const CILIUM_DEFAULT_CLUSTER = 'default';

export interface ContainerPort {
  port: number;
  protocol: Protocol;
  name?: string;
}

export interface Workload {
  /** Position in `Cluster.workloads` (sorted by id). */
  index: number;
  /** `namespace/name`. */
  id: string;
  kind: string;
  namespace: string;
  name: string;
  /** The pod labels (a controller's pod template labels). */
  labels: Labels;
  ports: readonly ContainerPort[];
  /** `spec.serviceAccountName` of the pod (template), `default` when unset. */
  serviceAccount: string;
  /** Declared pod IPs (bare Pods' status, or Pods folded into their controller). */
  ips: readonly IpAddress[];
  source: SourceLocation;
}

export interface NamespaceInfo {
  index: number;
  name: string;
  labels: Labels;
  /** False when only referenced (by a workload or policy), not defined by a Namespace object. */
  defined: boolean;
}

/** Where each workload kind keeps its pod template, and which API group it belongs to. */
const WORKLOAD_KINDS: Record<string, { groups: string[]; template: (o: Record<string, unknown>) => unknown }> = {
  Pod: { groups: [''], template: (o) => ({ metadata: o.metadata, spec: o.spec }) },
  Deployment: { groups: ['apps'], template: (o) => get(o, 'spec', 'template') },
  StatefulSet: { groups: ['apps'], template: (o) => get(o, 'spec', 'template') },
  DaemonSet: { groups: ['apps'], template: (o) => get(o, 'spec', 'template') },
  ReplicaSet: { groups: ['apps'], template: (o) => get(o, 'spec', 'template') },
  ReplicationController: { groups: [''], template: (o) => get(o, 'spec', 'template') },
  Job: { groups: ['batch'], template: (o) => get(o, 'spec', 'template') },
  CronJob: { groups: ['batch'], template: (o) => get(o, 'spec', 'jobTemplate', 'spec', 'template') },
};

export class Cluster {
  readonly workloads: readonly Workload[];
  readonly namespaces: readonly NamespaceInfo[];
  /** Workloads that declare at least one IP: the only ones an ipBlock can match. */
  readonly withIps: readonly number[];
  private readonly byId = new Map<string, Workload>();
  private readonly nsByName = new Map<string, NamespaceInfo>();
  private readonly nsIndex: LabelIndex;
  private readonly podIndex: LabelIndex;
  /** Per namespace index: [first, end) range of its workloads (workloads are sorted by namespace, name). */
  private readonly nsBlocks: [number, number][];
  private readonly nsCache = new Map<string, number[]>();
  /** Namespace index of each workload. */
  private readonly nsOf: Int32Array;
  private readonly podCache = new Map<string, number[]>();
  private ciliumIndex?: LabelIndex;
  private ciliumLabelSets?: Labels[];
  private readonly ciliumCache = new Map<string, number[]>();

  constructor(namespaces: NamespaceInfo[], workloads: Workload[]) {
    this.namespaces = namespaces;
    this.workloads = workloads;
    for (const ns of namespaces) this.nsByName.set(ns.name, ns);
    for (const w of workloads) this.byId.set(w.id, w);
    this.withIps = workloads.filter((w) => w.ips.length > 0).map((w) => w.index);
    this.nsIndex = new LabelIndex(namespaces.map((n) => n.labels));
    this.podIndex = new LabelIndex(workloads.map((w) => w.labels));
    this.nsOf = Int32Array.from(workloads, (w) => this.nsByName.get(w.namespace)!.index);
    this.nsBlocks = namespaces.map(() => [0, 0]);
    let i = 0;
    while (i < workloads.length) {
      const ns = this.nsByName.get(workloads[i].namespace)!;
      let j = i;
      while (j < workloads.length && workloads[j].namespace === ns.name) j++;
      this.nsBlocks[ns.index] = [i, j];
      i = j;
    }
  }

  workload(id: string): Workload | undefined {
    return this.byId.get(id);
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.nsByName.get(name);
  }

  /** Namespace indexes matching the selector (cached by the selector's canonical form). */
  selectNamespaces(sel: Selector): number[] {
    let hit = this.nsCache.get(sel.key);
    if (!hit) {
      hit = this.nsIndex.select(sel);
      this.nsCache.set(sel.key, hit);
    }
    return hit;
  }

  /**
   * The labels Cilium matches endpoint selectors against: the pod labels plus the namespace name, the
   * namespace's labels (`io.cilium.k8s.namespace.labels.<key>`), the service account and the cluster name.
   */
  ciliumLabels(w: Workload): Labels {
    return this.ciliumLabelSetsOf()[w.index];
  }

  /** Workloads whose Cilium labels match `sel` (keys without source prefix), ascending; cached. */
  selectCilium(sel: Selector): number[] {
    let hit = this.ciliumCache.get(sel.key);
    if (!hit) {
      this.ciliumIndex ??= new LabelIndex(this.ciliumLabelSetsOf());
      hit = this.ciliumIndex.select(sel);
      this.ciliumCache.set(sel.key, hit);
    }
    return hit;
  }

  private ciliumLabelSetsOf(): Labels[] {
    if (!this.ciliumLabelSets) {
      const nsDerived = this.namespaces.map((ns) => {
        const out: Record<string, string> = { [CILIUM_NAMESPACE_LABEL]: ns.name };
        for (const [k, v] of Object.entries(ns.labels)) out[`${CILIUM_NAMESPACE_LABELS_PREFIX}${k}`] = v;
        return out;
      });
      this.ciliumLabelSets = this.workloads.map((w) => ({
        ...w.labels,
        ...nsDerived[this.nsOf[w.index]],
        [CILIUM_SERVICE_ACCOUNT_LABEL]: w.serviceAccount,
        [CILIUM_CLUSTER_LABEL]: CILIUM_DEFAULT_CLUSTER,
      }));
    }
    return this.ciliumLabelSets;
  }

  /**
   * Workloads in the given namespaces (`nsSel`, or the single namespace `home` when `nsSel` is null)
   * whose labels match `podSel` (null = all), ascending. Cached: compiled platforms repeat selectors a lot.
   */
  selectWorkloads(home: string, nsSel: Selector | null, podSel: Selector | null): number[] {
    const key = `${nsSel ? `S${nsSel.key}` : `N${home}`}|${podSel ? podSel.key : '*'}`;
    let hit = this.podCache.get(key);
    if (hit) return hit;
    const nsList = nsSel ? this.selectNamespaces(nsSel) : this.nsByName.has(home) ? [this.nsByName.get(home)!.index] : [];
    const blocks = nsList.map((n) => this.nsBlocks[n]).sort((a, b) => a[0] - b[0]);
    const inScope = new Set(nsList);
    const items: number[] = [];
    for (const [from, to] of blocks) for (let i = from; i < to; i++) items.push(i);
    hit = this.podIndex.select(podSel ?? EVERYTHING, {
      items,
      has: (i) => inScope.has(this.nsOf[i]),
    });
    this.podCache.set(key, hit);
    return hit;
  }
}

/**
 * Builds the cluster from manifests. `extraNamespaces` are namespaces that other objects (policies) live in:
 * like workloads' namespaces, they exist even without a Namespace object, labelled only with their name.
 */
export function buildCluster(manifests: readonly SourcedManifest[], extraNamespaces: readonly string[]): Cluster {
  const nsLabels = new Map<string, { labels: Record<string, string>; defined: boolean }>();
  const raw: RawWorkload[] = [];
  for (const m of manifests) {
    const kind = m.object.kind;
    if (kind === 'Namespace' && groupOf(m.object) === '') {
      const name = str(get(m.object, 'metadata', 'name'));
      if (!name) throw new AnalysisInputError(`${formatLocation(m.source)}: Namespace without metadata.name`);
      const labels = stringMap(get(m.object, 'metadata', 'labels'), `${formatLocation(m.source)}: Namespace ${name} metadata.labels`);
      if (nsLabels.get(name)?.defined) throw new AnalysisInputError(`${formatLocation(m.source)}: Namespace ${name} is defined twice`);
      // The API server always sets this label to the name, whatever the manifest says.
      nsLabels.set(name, { labels: { ...labels, [NAME_LABEL]: name }, defined: true });
    } else if (typeof kind === 'string' && WORKLOAD_KINDS[kind] && acceptsGroup(m.object, WORKLOAD_KINDS[kind].groups)) {
      raw.push(readWorkload(m, kind));
    }
  }
  const roots = foldOwned(raw);
  const referenced = [...roots.map((r) => r.namespace), ...extraNamespaces];
  for (const name of referenced) {
    if (!nsLabels.has(name)) nsLabels.set(name, { labels: { [NAME_LABEL]: name }, defined: false });
  }
  const namespaces: NamespaceInfo[] = [...nsLabels.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, v], index) => ({ index, name, labels: v.labels, defined: v.defined }));

  const seen = new Map<string, RawWorkload>();
  for (const r of roots) {
    const prior = seen.get(r.id);
    if (prior) {
      throw new AnalysisInputError(
        `workload id ${r.id} is used twice: ${prior.kind} (${formatLocation(prior.source)}) and ${r.kind} (${formatLocation(r.source)})`,
      );
    }
    seen.set(r.id, r);
  }
  const workloads: Workload[] = roots
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name))
    .map((r, index) => ({
      index,
      id: r.id,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      labels: r.labels,
      ports: r.ports,
      serviceAccount: r.serviceAccount,
      ips: r.ips,
      source: r.source,
    }));
  return new Cluster(namespaces, workloads);
}

interface RawWorkload {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
  serviceAccount: string;
  ips: IpAddress[];
  source: SourceLocation;
  /** Controller owner as `kind/name` in the same namespace, when declared. */
  owner?: string;
}

function readWorkload(m: SourcedManifest, kind: string): RawWorkload {
  const at = formatLocation(m.source);
  const name = str(get(m.object, 'metadata', 'name'));
  if (!name) throw new AnalysisInputError(`${at}: ${kind} without metadata.name`);
  const namespace = str(get(m.object, 'metadata', 'namespace')) || 'default';
  const where = `${at}: ${kind} ${namespace}/${name}`;
  const template = WORKLOAD_KINDS[kind].template(m.object);
  const labels = stringMap(get(template, 'metadata', 'labels'), `${where} pod labels`);
  const ips: IpAddress[] = [];
  if (kind === 'Pod') {
    const texts = new Set<string>();
    const single = str(get(m.object, 'status', 'podIP'));
    if (single) texts.add(single);
    const multi = get(m.object, 'status', 'podIPs');
    if (Array.isArray(multi)) for (const e of multi) if (str(get(e, 'ip'))) texts.add(str(get(e, 'ip'))!);
    for (const t of texts) {
      const ip = parseIp(t);
      if (!ip) throw new AnalysisInputError(`${where}: status pod IP ${JSON.stringify(t)} is not an IP address bulkhead reads: ${whyNotAddress(t)}`);
      ips.push(ip);
    }
  }
  const ownerRefs = get(m.object, 'metadata', 'ownerReferences');
  const controller = Array.isArray(ownerRefs) ? ownerRefs.find((o) => isRecord(o) && o.controller === true) : undefined;
  return {
    id: `${namespace}/${name}`,
    kind,
    namespace,
    name,
    labels,
    ports: readPorts(get(template, 'spec'), where),
    serviceAccount: str(get(template, 'spec', 'serviceAccountName')) ?? str(get(template, 'spec', 'serviceAccount')) ?? 'default',
    ips,
    source: m.source,
    owner: controller ? `${str(controller.kind)}/${str(controller.name)}` : undefined,
  };
}

/** Container ports, including those of native sidecars (init containers with restartPolicy Always). */
function readPorts(podSpec: unknown, where: string): ContainerPort[] {
  const containers = [
    ...asArray(get(podSpec, 'containers')),
    ...asArray(get(podSpec, 'initContainers')).filter((c) => get(c, 'restartPolicy') === 'Always'),
  ];
  const out: ContainerPort[] = [];
  for (const c of containers) {
    for (const p of asArray(get(c, 'ports'))) {
      const port = get(p, 'containerPort');
      const protocol = get(p, 'protocol') ?? 'TCP';
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new AnalysisInputError(`${where}: containerPort ${JSON.stringify(port)} is not a port number`);
      }
      if (!isProtocol(protocol)) throw new AnalysisInputError(`${where}: container port protocol ${JSON.stringify(protocol)} is not TCP, UDP or SCTP`);
      const name = str(get(p, 'name'));
      out.push(name ? { port, protocol, name } : { port, protocol });
    }
  }
  return out;
}

/**
 * Pods and ReplicaSets/Jobs owned by a controller that is also in the input are the same workload as their
 * top-most owner: they merge into it (their IPs count for it) instead of being listed on their own.
 */
function foldOwned(raw: RawWorkload[]): RawWorkload[] {
  const byKey = new Map<string, RawWorkload>();
  for (const r of raw) byKey.set(`${r.namespace}/${r.kind}/${r.name}`, r);
  const rootOf = (r: RawWorkload): RawWorkload => {
    let cur = r;
    for (let hops = 0; cur.owner && hops < 10; hops++) {
      const next = byKey.get(`${cur.namespace}/${cur.owner}`);
      if (!next || next === r) break;
      cur = next;
    }
    return cur;
  };
  const roots: RawWorkload[] = [];
  const folded: [RawWorkload, RawWorkload][] = [];
  for (const r of raw) {
    const root = rootOf(r);
    if (root === r) roots.push(r);
    else folded.push([r, root]);
  }
  for (const [r, root] of folded) root.ips.push(...r.ips);
  return roots;
}

export function groupOf(object: Record<string, unknown>): string | undefined {
  const v = object.apiVersion;
  if (typeof v !== 'string') return undefined;
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

function acceptsGroup(object: Record<string, unknown>, groups: string[]): boolean {
  const g = groupOf(object);
  // A missing apiVersion is tolerated (hand-written fixtures); a different group is another kind entirely.
  return g === undefined || groups.includes(g);
}

export function get(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const k of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new AnalysisInputError(`${where}: must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new AnalysisInputError(`${where}: label ${k} must be a string (got ${JSON.stringify(v)})`);
    out[k] = v;
  }
  return out;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
