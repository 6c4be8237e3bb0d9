/**
 * `bulkhead diff`: what a change to bulkhead's output does, for a reviewer. Compares two snapshots (see
 * snapshot.ts) cluster by cluster with the analyzer, the intents of both sides, and the objects and files
 * themselves; the result is the `DiffReport` the renderers (markdown.ts, text.ts, json.ts) print.
 */
import { PortMap, formatPorts } from '../analysis';
import { ClusterSide, ConnectivityDiff, ExposureChange, ExternalChange, HttpChange, PolicyCost, PortChange, analyzeCluster, clustersOf, diffConnectivity } from './connectivity';
import { GuardrailInfo, IntentRef, Intents, clusterPlatform, crossings, egressBehind, flowsBehind, guardrailInfo, guardrailSemantics, loadIntents, routesBehind } from './intents';
import { ResourceDiff, diffResources } from './resources';
import { Snapshot, hasOutput } from './snapshot';

export interface SideInfo {
  readonly source: string;
  readonly kind: 'git' | 'dir';
  readonly commit?: string;
  /** Whether the side has a dist/ at all (a base without one is a first PR). */
  readonly hasOutput: boolean;
  /** The intents file read, or null when it is missing or does not check (see notes). */
  readonly intents: string | null;
}

export interface OpenedConnection extends PortChange {
  /** The head's flows that open these ports; empty when no flow declares them (hand-edited or stale output). */
  readonly flows: IntentRef[];
}

export interface OpenedExternal extends ExternalChange {
  readonly egress: IntentRef[];
}

export interface OpenedExposure extends ExposureChange {
  readonly routes: IntentRef[];
}

export interface ClusterDiff extends Omit<ConnectivityDiff, 'opened' | 'externalOpened' | 'exposureOpened'> {
  readonly name: string;
  /** added: no dist/<name>/ in the base; removed: none in the head. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly opened: OpenedConnection[];
  readonly externalOpened: OpenedExternal[];
  readonly exposureOpened: OpenedExposure[];
  readonly policyCost: { readonly base: PolicyCost | null; readonly head: PolicyCost | null };
}

export interface RemovedGuardrail extends GuardrailInfo {
  /** Head connections the removed guardrail would forbid, per cluster: what its removal lets through. */
  readonly crossedInHead: Array<{ cluster: string; connections: string[] }>;
}

export interface ViolatedGuardrail extends GuardrailInfo {
  readonly cluster: string;
  /** `from -> to (ports)`: head connections crossing it that the base did not have. */
  readonly connections: string[];
}

export interface GuardrailDiff {
  readonly added: GuardrailInfo[];
  readonly removed: RemovedGuardrail[];
  /** Same name, different tenants or direction (head position); `was` is the base's rule. */
  readonly changed: Array<GuardrailInfo & { was: string }>;
  readonly violated: ViolatedGuardrail[];
}

export interface Summary {
  /** Distinct (from, to, ports) across clusters. */
  readonly connectionsOpened: number;
  readonly connectionsClosed: number;
  readonly externalOpened: number;
  readonly externalClosed: number;
  readonly exposureOpened: number;
  readonly exposureClosed: number;
  readonly httpWidened: number;
  readonly httpNarrowed: number;
  readonly workloadsRenamed: number;
  readonly guardrailsAdded: number;
  readonly guardrailsRemoved: number;
  readonly guardrailsChanged: number;
  readonly guardrailsViolated: number;
  readonly resourcesAdded: number;
  readonly resourcesRemoved: number;
  readonly resourcesChanged: number;
  readonly filesChanged: number;
  /** Clusters where who-can-reach-whom changed. */
  readonly clusters: string[];
}

export interface DiffReport {
  readonly base: SideInfo;
  readonly head: SideInfo;
  readonly notes: string[];
  readonly clusters: ClusterDiff[];
  readonly guardrails: GuardrailDiff;
  readonly resources: Omit<ResourceDiff, 'files' | 'rawDiff'>;
  readonly files: ResourceDiff['files'];
  readonly rawDiff: string;
  readonly summary: Summary;
  /** One line, plain text (Markdown adds emphasis). */
  readonly verdict: string;
}

export const FAIL_ON = ['opened', 'guardrail', 'any'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * opened: a connection, external traffic, gateway exposure or HTTP request that the base did not allow;
 * guardrail: a guardrail removed, changed, or crossed by a connection the base did not have;
 * any: anything at all differs (connectivity, guardrails, objects or files).
 */
export function fails(report: DiffReport, on: FailOn): boolean {
  const s = report.summary;
  const opened = s.connectionsOpened + s.externalOpened + s.exposureOpened + s.httpWidened > 0;
  const guardrail = s.guardrailsRemoved + s.guardrailsChanged + s.guardrailsViolated > 0;
  if (on === 'opened') return opened;
  if (on === 'guardrail') return guardrail;
  return connectivityChanged(s) || s.guardrailsAdded > 0 || guardrail || s.resourcesAdded + s.resourcesRemoved + s.resourcesChanged + s.filesChanged > 0;
}

const connectivityChanged = (s: Summary) =>
  s.connectionsOpened + s.connectionsClosed + s.externalOpened + s.externalClosed + s.exposureOpened + s.exposureClosed + s.httpWidened + s.httpNarrowed > 0;

export function diffSnapshots(base: Snapshot, head: Snapshot): DiffReport {
  const notes: string[] = [];
  if (!hasOutput(base)) notes.push(`The base, ${describe(base)}, has no bulkhead output (no dist/): everything in the head counts as added or opened.`);
  const baseIntents = loadIntents(base);
  const headIntents = loadIntents(head);
  const intentsNote = (side: string, s: Snapshot, i: Intents) => {
    if (!i.problem) return;
    if (side === 'base' && !hasOutput(base) && !s.files.has(s.intentsPath)) return; // the first-PR note says it all
    notes.push(`${side}: ${i.problem}; ${side === 'head' ? 'flows behind opened connections and guardrail checks' : "the base's guardrails"} are not available.`);
  };
  intentsNote('base', base, baseIntents);
  intentsNote('head', head, headIntents);

  const names = [...new Set([...clustersOf(base), ...clustersOf(head)])].sort();
  const sides = names.map((name) => ({ name, base: analyzeCluster(base, name), head: analyzeCluster(head, name) }));
  for (const { name } of sides)
    if (headIntents.platform && clustersOf(head).includes(name) && !clusterPlatform(headIntents.platform, name))
      notes.push(`head: dist/${name}/ has no cluster "${name}" in ${head.intentsPath}; its connections cannot be traced to flows.`);

  const clusters = sides.map(({ name, base: b, head: h }) => clusterDiff(name, b, h, headIntents));
  const guardrails = diffGuardrails(sides, baseIntents, headIntents);
  const resourceDiff = diffResources(base, head, new Set(names));
  const { files, rawDiff, ...resources } = resourceDiff;
  const summary = summarize(clusters, guardrails, resourceDiff);
  return {
    base: sideInfo(base, baseIntents),
    head: sideInfo(head, headIntents),
    notes,
    clusters,
    guardrails,
    resources,
    files,
    rawDiff,
    summary,
    verdict: verdict(summary, clusters),
  };
}

export function describe(s: Snapshot): string {
  if (s.kind === 'git') return `${s.label} (${s.commit!.slice(0, 12)})`;
  return s.label === '.' ? 'the working tree' : s.label;
}

const sideInfo = (s: Snapshot, i: Intents): SideInfo => ({
  source: s.label,
  kind: s.kind,
  ...(s.commit ? { commit: s.commit } : {}),
  hasOutput: hasOutput(s),
  intents: i.platform ? s.intentsPath : null,
});

function clusterDiff(name: string, b: ClusterSide | undefined, h: ClusterSide | undefined, headIntents: Intents): ClusterDiff {
  const d = diffConnectivity(b, h);
  const cp = clusterPlatform(headIntents.platform, name);
  const opened = d.opened.map((c) => ({ ...c, flows: flowsBehind(cp, c.from, c.to, c.ports) }));
  const externalOpened = d.externalOpened.map((e) => ({ ...e, egress: e.direction === 'egress' ? egressBehind(cp, e.workload, e.kind, e.target) : [] }));
  const changed =
    opened.length + d.closed.length + d.http.length + externalOpened.length + d.externalClosed.length + d.exposureOpened.length + d.exposureClosed.length + d.workloads.renamed.length > 0;
  return {
    name,
    status: !b ? 'added' : !h ? 'removed' : changed ? 'changed' : 'unchanged',
    ...d,
    opened,
    externalOpened,
    exposureOpened: d.exposureOpened.map((e) => ({ ...e, routes: routesBehind(cp, e.workload, e.ports) })),
    policyCost: { base: b?.cost ?? null, head: h?.cost ?? null },
  };
}

function diffGuardrails(sides: Array<{ name: string; base?: ClusterSide; head?: ClusterSide }>, baseIntents: Intents, headIntents: Intents): GuardrailDiff {
  const before = new Map((baseIntents.platform?.guardrails ?? []).map((g) => [g.name, g]));
  const after = new Map((headIntents.platform?.guardrails ?? []).map((g) => [g.name, g]));
  const added: GuardrailInfo[] = [];
  const changed: Array<GuardrailInfo & { was: string }> = [];
  const removed: RemovedGuardrail[] = [];
  const violated: ViolatedGuardrail[] = [];
  const pairOf = (v: string) => v.slice(0, v.lastIndexOf(' ('));
  // Without the base's intents there is nothing to compare the head's guardrails with: none is "added".
  const baseKnown = baseIntents.platform !== undefined || baseIntents.missing === true;
  for (const [name, g] of after) {
    const was = before.get(name);
    if (!was) {
      if (baseKnown) added.push(guardrailInfo(g));
    } else if (guardrailSemantics(was) !== guardrailSemantics(g)) changed.push({ ...guardrailInfo(g), was: guardrailInfo(was).rule });
  }
  for (const { name, base, head } of sides) {
    const cp = clusterPlatform(headIntents.platform, name);
    if (!cp || !head) continue;
    for (const g of after.values()) {
      const old = new Set(base ? crossings(cp, g, base.connectivity).map(pairOf) : []);
      const fresh = crossings(cp, g, head.connectivity).filter((v) => !old.has(pairOf(v)));
      if (fresh.length) violated.push({ ...guardrailInfo(g), cluster: name, connections: fresh });
    }
  }
  for (const [name, g] of before) {
    if (after.has(name)) continue;
    const crossedInHead: RemovedGuardrail['crossedInHead'] = [];
    for (const { name: cluster, head } of sides) {
      // Judged with the head's tenants (their labels may have changed too).
      const cp = clusterPlatform(headIntents.platform, cluster) ?? clusterPlatform(baseIntents.platform, cluster);
      if (!cp || !head) continue;
      const connections = crossings(cp, g, head.connectivity);
      if (connections.length) crossedInHead.push({ cluster, connections });
    }
    removed.push({ ...guardrailInfo(g), crossedInHead });
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { added: added.sort(byName), removed: removed.sort(byName), changed: changed.sort(byName), violated };
}

/** Keys that identify a change across clusters, so the same opened flow in dev and prod counts once. */
export const portChangeKey = (c: PortChange): string => `${c.from}\0${c.to}\0${JSON.stringify(c.ports)}`;
export const externalChangeKey = (e: ExternalChange): string => `${e.direction}\0${e.workload}\0${e.kind}\0${e.target}\0${e.except.join(',')}\0${JSON.stringify(e.ports)}`;
export const exposureChangeKey = (e: ExposureChange): string => `${e.workload}\0${JSON.stringify(e.ports)}`;
export const httpChangeKey = (c: HttpChange): string => `${c.from}\0${c.to}\0${c.direction}\0${JSON.stringify(c.ports)}\0${JSON.stringify(c.base)}\0${JSON.stringify(c.head)}`;

function summarize(clusters: ClusterDiff[], g: GuardrailDiff, r: ResourceDiff): Summary {
  const distinct = <T>(pick: (c: ClusterDiff) => T[], key: (x: T) => string) => new Set(clusters.flatMap((c) => pick(c).map(key))).size;
  const http = clusters.flatMap((c) => c.http);
  return {
    connectionsOpened: distinct((c) => c.opened, portChangeKey),
    connectionsClosed: distinct((c) => c.closed, portChangeKey),
    externalOpened: distinct((c) => c.externalOpened, externalChangeKey),
    externalClosed: distinct((c) => c.externalClosed, externalChangeKey),
    exposureOpened: distinct((c) => c.exposureOpened, exposureChangeKey),
    exposureClosed: distinct((c) => c.exposureClosed, exposureChangeKey),
    httpWidened: new Set(http.filter((h) => h.widened).map(httpChangeKey)).size,
    httpNarrowed: new Set(http.filter((h) => !h.widened).map(httpChangeKey)).size,
    workloadsRenamed: distinct((c) => c.workloads.renamed, (x) => `${x.from}\0${x.to}`),
    guardrailsAdded: g.added.length,
    guardrailsRemoved: g.removed.length,
    guardrailsChanged: g.changed.length,
    guardrailsViolated: new Set(g.violated.map((v) => v.name)).size,
    resourcesAdded: r.added.length,
    resourcesRemoved: r.removed.length,
    resourcesChanged: r.changed.length,
    filesChanged: r.files.added.length + r.files.removed.length + r.files.changed.length,
    clusters: clusters
      .filter((c) => c.opened.length + c.closed.length + c.http.length + c.externalOpened.length + c.externalClosed.length + c.exposureOpened.length + c.exposureClosed.length > 0)
      .map((c) => c.name),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The parts of the verdict that concern who can reach whom and guardrails, in order of severity. */
export function verdictParts(s: Summary): string[] {
  const parts: string[] = [];
  const add = (n: number, text: string) => n > 0 && parts.push(text);
  add(s.connectionsOpened, `${plural(s.connectionsOpened, 'connection')} opened`);
  add(s.guardrailsRemoved, `${plural(s.guardrailsRemoved, 'guardrail')} removed`);
  add(s.guardrailsViolated, `${plural(s.guardrailsViolated, 'guardrail')} newly violated`);
  add(s.guardrailsChanged, `${plural(s.guardrailsChanged, 'guardrail')} changed`);
  add(s.externalOpened, `${plural(s.externalOpened, 'external destination')} opened`);
  add(s.exposureOpened, `${plural(s.exposureOpened, 'workload')} newly exposed to a gateway`);
  add(s.httpWidened, `${plural(s.httpWidened, 'HTTP restriction')} widened`);
  add(s.connectionsClosed, `${plural(s.connectionsClosed, 'connection')} closed`);
  add(s.externalClosed, `${plural(s.externalClosed, 'external destination')} closed`);
  add(s.exposureClosed, `${plural(s.exposureClosed, 'gateway exposure')} closed`);
  add(s.httpNarrowed, `${plural(s.httpNarrowed, 'HTTP restriction')} narrowed`);
  add(s.guardrailsAdded, `${plural(s.guardrailsAdded, 'guardrail')} added`);
  return parts;
}

function verdict(s: Summary, clusters: ClusterDiff[]): string {
  const parts = verdictParts(s);
  const resources = s.resourcesAdded + s.resourcesRemoved + s.resourcesChanged;
  if (parts.length) return `bulkhead: ${parts.join(', ')}${s.clusters.length ? ` in ${s.clusters.join(', ')}` : ''}`;
  const renamed = clusters.flatMap((c) => c.workloads.renamed.map((r) => `${r.from} to ${r.to}`));
  const renames = [...new Set(renamed)];
  const note = renames.length ? ` (${plural(renames.length, 'workload')} renamed: ${renames.join(', ')})` : '';
  if (!resources && !s.filesChanged) return `No change in who can reach whom${note}; nothing changed in dist/ or argocd/.`;
  const what = resources ? `${plural(resources, 'resource')} changed` : `${plural(s.filesChanged, 'file')} changed`;
  return `No change in who can reach whom${note}; ${what}.`;
}

export const portsText = (p: PortMap): string => formatPorts(p);
