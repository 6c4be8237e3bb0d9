/**
 * `bulkhead diff`: what a change to bulkhead's output does, for a reviewer. Compares two snapshots (see
 * snapshot.ts) cluster by cluster with the analyzer, the intents of both sides, and the objects and files
 * themselves; the result is the `DiffReport` the renderers (markdown.ts, text.ts, json.ts) print, risk first:
 * guardrail findings, connections crossing a base guardrail, what opens (connections, HTTP requests,
 * exposure), then what closes.
 */
import { ClusterSide, ConnectivityDiff, ExposureChange, ExternalChange, HttpChange, PolicyCost, PortChange, analyzeCluster, clustersOf, diffConnectivity } from './connectivity';
import { ExposureDiff, diffExposure } from './exposure';
import { GuardrailCrossing, GuardrailDeparture, GuardrailMembership, identityOf } from './guardrails';
import { CompileOutput, HeadCheck, checkHead } from './head-check';
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
  /** The base's guardrails that would have forbidden it (judged by who they covered in the base or cover now). */
  readonly crosses: GuardrailCrossing[];
}

export interface ClosedConnection extends PortChange {
  /** The base's flows that opened these ports. */
  readonly baseFlows: IntentRef[];
}

export interface HttpRuleChange extends HttpChange {
  readonly flows: IntentRef[];
  readonly baseFlows: IntentRef[];
}

export interface OpenedExternal extends ExternalChange {
  readonly egress: IntentRef[];
}

export interface OpenedExposure extends ExposureChange {
  readonly routes: IntentRef[];
}

export interface ClusterDiff extends Omit<ConnectivityDiff, 'opened' | 'closed' | 'http' | 'externalOpened' | 'exposureOpened'> {
  readonly name: string;
  /** added: no dist/<name>/ in the base; removed: none in the head. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly opened: OpenedConnection[];
  readonly closed: ClosedConnection[];
  readonly http: HttpRuleChange[];
  readonly externalOpened: OpenedExternal[];
  readonly exposureOpened: OpenedExposure[];
  /** Gateways and routes: listeners, hostnames, reachable backends, traffic shares. */
  readonly exposure: ExposureDiff;
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
  /** Workloads that left a side of a base guardrail whose text did not change (relabel, move, tenant rename). */
  readonly left: GuardrailDeparture[];
  readonly added: GuardrailInfo[];
  readonly removed: RemovedGuardrail[];
  /** Same name, different tenants or direction (head position); `was` is the base's rule. */
  readonly changed: Array<GuardrailInfo & { was: string }>;
  readonly violated: ViolatedGuardrail[];
}

export interface Summary {
  /** Distinct (from, to, ports) across clusters. */
  readonly connectionsOpened: number;
  /** Of those, the ones a base guardrail would have forbidden. */
  readonly connectionsCrossingGuardrail: number;
  readonly connectionsClosed: number;
  readonly externalOpened: number;
  readonly externalClosed: number;
  readonly exposureOpened: number;
  readonly exposureClosed: number;
  readonly listenersAdded: number;
  readonly listenersRemoved: number;
  readonly hostnamesAdded: number;
  readonly hostnamesRemoved: number;
  readonly backendsReachable: number;
  readonly backendsUnreachable: number;
  readonly sharesChanged: number;
  readonly httpWidened: number;
  readonly httpNarrowed: number;
  readonly workloadsRenamed: number;
  readonly workloadsMoved: number;
  readonly guardrailMembersLeft: number;
  readonly guardrailsAdded: number;
  readonly guardrailsRemoved: number;
  readonly guardrailsChanged: number;
  readonly guardrailsViolated: number;
  readonly resourcesAdded: number;
  readonly resourcesRemoved: number;
  readonly resourcesChanged: number;
  readonly filesChanged: number;
  /** Clusters where who-can-reach-whom (gateways included) changed. */
  readonly clusters: string[];
}

export interface DiffReport {
  readonly base: SideInfo;
  readonly head: SideInfo;
  /** Whether the head's committed output is what its platform.yaml compiles to. */
  readonly headCheck: HeadCheck;
  readonly notes: string[];
  readonly clusters: ClusterDiff[];
  readonly guardrails: GuardrailDiff;
  readonly resources: Omit<ResourceDiff, 'files' | 'rawDiff'>;
  readonly files: ResourceDiff['files'];
  readonly rawDiff: string;
  readonly summary: Summary;
  /** The first line of every format, plain text: what the change does, or why the head cannot be judged. */
  readonly verdict: string;
  /** What the comparison found; the verdict itself unless the head check comes first (stale, invalid). */
  readonly changes: string;
}

export interface DiffOptions {
  /** Compiles the head's platform in memory to check its committed output; without it, not checked. */
  readonly compile?: CompileOutput;
}

export const FAIL_ON = ['opened', 'guardrail', 'exposure', 'any'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * opened: a connection, external traffic, gateway exposure (a listener, a hostname, a backend) or HTTP request
 * that the base did not allow; guardrail: a workload left a base guardrail, a connection crosses one, or a
 * guardrail was removed, changed or newly violated; exposure: a listener or hostname added, a backend newly
 * reachable from a gateway, a workload newly exposed to one, or a traffic share changed; any: anything at
 * all differs. A head that does not compile or whose output is stale fails every gate.
 */
export function fails(report: DiffReport, on: FailOn): boolean {
  if (report.headCheck.status === 'invalid' || report.headCheck.status === 'stale') return true;
  const s = report.summary;
  const exposure = s.exposureOpened + s.listenersAdded + s.hostnamesAdded + s.backendsReachable + s.sharesChanged > 0;
  const opened = s.connectionsOpened + s.externalOpened + s.exposureOpened + s.listenersAdded + s.hostnamesAdded + s.backendsReachable + s.httpWidened > 0;
  const guardrail = s.guardrailMembersLeft + s.connectionsCrossingGuardrail + s.guardrailsRemoved + s.guardrailsChanged + s.guardrailsViolated > 0;
  if (on === 'opened') return opened;
  if (on === 'guardrail') return guardrail;
  if (on === 'exposure') return exposure;
  return connectivityChanged(s) || s.guardrailsAdded > 0 || guardrail || s.resourcesAdded + s.resourcesRemoved + s.resourcesChanged + s.filesChanged > 0;
}

const connectivityChanged = (s: Summary) =>
  s.connectionsOpened + s.connectionsClosed + s.externalOpened + s.externalClosed + s.exposureOpened + s.exposureClosed + s.httpWidened + s.httpNarrowed +
    s.listenersAdded + s.listenersRemoved + s.hostnamesAdded + s.hostnamesRemoved + s.backendsReachable + s.backendsUnreachable + s.sharesChanged >
  0;

export function diffSnapshots(base: Snapshot, head: Snapshot, options: DiffOptions = {}): DiffReport {
  const notes: string[] = [];
  if (!hasOutput(base)) notes.push(`The base, ${describe(base)}, has no bulkhead output (no dist/): everything in the head counts as added or opened.`);
  const baseIntents = loadIntents(base);
  const headIntents = loadIntents(head);
  const headCheck = checkHead(head, headIntents, options.compile);
  if (headCheck.status === 'invalid') return invalidHead(base, head, baseIntents, headIntents, headCheck, notes);
  const intentsNote = (side: string, s: Snapshot, i: Intents) => {
    if (!i.problem) return;
    if (side === 'base' && !hasOutput(base) && !s.files.has(s.intentsPath)) return; // the first-PR note says it all
    notes.push(`${side}: ${i.problem}; ${side === 'head' ? 'flows behind opened connections and guardrail checks' : "the base's guardrails"} are not available.`);
  };
  intentsNote('base', base, baseIntents);
  intentsNote('head', head, headIntents);
  if (headCheck.status === 'stale') notes.push(`The rest of this report compares the head's committed output, which is not what its ${head.intentsPath} says.`);

  const names = [...new Set([...clustersOf(base), ...clustersOf(head)])].sort();
  const sides = names.map((name) => {
    const [b, h] = [analyzeCluster(base, name), analyzeCluster(head, name)];
    return { name, base: b, head: h, connectivity: diffConnectivity(b, h), baseCp: clusterPlatform(baseIntents.platform, name), headCp: clusterPlatform(headIntents.platform, name) };
  });
  for (const { name, headCp } of sides)
    if (headIntents.platform && clustersOf(head).includes(name) && !headCp)
      notes.push(`head: dist/${name}/ has no cluster "${name}" in ${head.intentsPath}; its connections cannot be traced to flows.`);

  // Renames and moves the analyzer matched, over every cluster: where each base workload went.
  const known = new Map(sides.flatMap((s) => [...s.connectivity.workloads.renamed, ...s.connectivity.workloads.moved].map((x) => [x.from, x.to] as const)));
  const membership = baseIntents.platform && baseIntents.tenants ? new GuardrailMembership(baseIntents.platform.guardrails, baseIntents.tenants, headIntents.tenants ?? []) : undefined;
  const clusters = sides.map((s) => clusterDiff(s, membership));
  const guardrails = diffGuardrails(sides, baseIntents, headIntents);
  const left = membership && headIntents.tenants ? membership.departures(identityOf(baseIntents.tenants!, headIntents.tenants, known), baseIntents.platform!.clusters.map((c) => c.name)) : [];
  const resourceDiff = diffResources(base, head, new Set(names));
  const { files, rawDiff, ...resources } = resourceDiff;
  const summary = summarize(clusters, { ...guardrails, left }, resourceDiff);
  const changes = changesLine(summary, clusters, left);
  return {
    base: sideInfo(base, baseIntents),
    head: sideInfo(head, headIntents),
    headCheck,
    notes,
    clusters,
    guardrails: { ...guardrails, left },
    resources,
    files,
    rawDiff,
    summary,
    verdict: headCheck.status === 'stale' ? `bulkhead: ${headCheck.message}` : changes,
    changes,
  };
}

/**
 * The head's platform.yaml does not check (or compile): nothing is compared, since the committed output
 * cannot be traced to intents, and no guardrail is reported removed on that account. What can be known is:
 * if the file parses, which tenants as written left a base guardrail (the usual reason a guardrail side
 * suddenly selects nothing).
 */
function invalidHead(base: Snapshot, head: Snapshot, baseIntents: Intents, headIntents: Intents, headCheck: HeadCheck, notes: string[]): DiffReport {
  const left =
    baseIntents.platform && baseIntents.tenants && headIntents.tenants
      ? new GuardrailMembership(baseIntents.platform.guardrails, baseIntents.tenants, headIntents.tenants).departures(
          identityOf(baseIntents.tenants, headIntents.tenants, new Map()),
          baseIntents.platform.clusters.map((c) => c.name),
        )
      : [];
  const known = left.length ? ` From the head's ${head.intentsPath} as written: ${left.map((d) => d.message).join('; ')}.` : '';
  notes.push(`Nothing else is compared: the head's committed output cannot be traced to intents that do not compile, so no change is reported from it.${known}`);
  const empty = { added: [], removed: [], changed: [] };
  const guardrails: GuardrailDiff = { left, added: [], removed: [], changed: [], violated: [] };
  const summary = summarize([], guardrails, { ...empty, files: empty, rawDiff: '' });
  return {
    base: sideInfo(base, baseIntents),
    head: sideInfo(head, headIntents),
    headCheck,
    notes,
    clusters: [],
    guardrails,
    resources: empty,
    files: empty,
    rawDiff: '',
    summary,
    verdict: `bulkhead: the head's ${headCheck.message}`,
    changes: 'Not compared: the head does not compile.',
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

interface ClusterSides {
  readonly name: string;
  readonly base?: ClusterSide;
  readonly head?: ClusterSide;
  readonly connectivity: ConnectivityDiff;
  readonly baseCp?: ReturnType<typeof clusterPlatform>;
  readonly headCp?: ReturnType<typeof clusterPlatform>;
}

function clusterDiff({ name, base: b, head: h, connectivity: d, baseCp, headCp }: ClusterSides, membership: GuardrailMembership | undefined): ClusterDiff {
  const moves = [...d.workloads.renamed, ...d.workloads.moved];
  const toHead = new Map(moves.map((x) => [x.from, x.to]));
  const toBase = new Map(moves.map((x) => [x.to, x.from]));
  const baseId = (id: string) => toBase.get(id) ?? id;
  const opened = d.opened.map((c) => ({ ...c, flows: flowsBehind(headCp, c.from, c.to, c.ports), crosses: membership?.crossedBy(c.from, c.to, baseId) ?? [] }));
  const closed = d.closed.map((c) => ({ ...c, baseFlows: flowsBehind(baseCp, baseId(c.from), baseId(c.to), c.ports) }));
  const http = d.http.map((c) => ({ ...c, flows: flowsBehind(headCp, c.from, c.to, c.ports), baseFlows: flowsBehind(baseCp, baseId(c.from), baseId(c.to), c.ports) }));
  const externalOpened = d.externalOpened.map((e) => ({ ...e, egress: e.direction === 'egress' ? egressBehind(headCp, e.workload, e.kind, e.target) : [] }));
  const exposure = diffExposure(b?.edge, h?.edge, (id) => toHead.get(id) ?? id);
  const exposureChanged =
    exposure.listeners.added.length + exposure.listeners.removed.length + exposure.hostnames.added.length + exposure.hostnames.removed.length +
    exposure.backends.reachable.length + exposure.backends.unreachable.length + exposure.shares.length;
  const changed =
    opened.length + closed.length + http.length + externalOpened.length + d.externalClosed.length + d.exposureOpened.length + d.exposureClosed.length + moves.length + exposureChanged > 0;
  return {
    name,
    status: !b ? 'added' : !h ? 'removed' : changed ? 'changed' : 'unchanged',
    ...d,
    opened,
    closed,
    http,
    externalOpened,
    exposureOpened: d.exposureOpened.map((e) => ({ ...e, routes: routesBehind(headCp, e.workload, e.ports) })),
    exposure,
    policyCost: { base: b?.cost ?? null, head: h?.cost ?? null },
  };
}

function diffGuardrails(sides: readonly ClusterSides[], baseIntents: Intents, headIntents: Intents): Omit<GuardrailDiff, 'left'> {
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
  for (const { name, base, head, headCp } of sides) {
    if (!headCp || !head) continue;
    for (const g of after.values()) {
      const old = new Set(base ? crossings(headCp, g, base.connectivity).map(pairOf) : []);
      const fresh = crossings(headCp, g, head.connectivity).filter((v) => !old.has(pairOf(v)));
      if (fresh.length) violated.push({ ...guardrailInfo(g), cluster: name, connections: fresh });
    }
  }
  for (const [name, g] of before) {
    if (after.has(name)) continue;
    const crossedInHead: RemovedGuardrail['crossedInHead'] = [];
    for (const { name: cluster, head, headCp, baseCp } of sides) {
      // Judged with the head's tenants (their labels may have changed too).
      const cp = headCp ?? baseCp;
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
/** The same for exposure items (listeners, hostnames, backends, shares): their JSON is their identity. */
export const itemKey = (x: unknown): string => JSON.stringify(x);

function summarize(clusters: ClusterDiff[], g: GuardrailDiff, r: ResourceDiff): Summary {
  const distinct = <T>(pick: (c: ClusterDiff) => readonly T[], key: (x: T) => string) => new Set(clusters.flatMap((c) => pick(c).map(key))).size;
  const http = clusters.flatMap((c) => c.http);
  return {
    connectionsOpened: distinct((c) => c.opened, portChangeKey),
    connectionsCrossingGuardrail: distinct((c) => c.opened.filter((o) => o.crosses.length), portChangeKey),
    connectionsClosed: distinct((c) => c.closed, portChangeKey),
    externalOpened: distinct((c) => c.externalOpened, externalChangeKey),
    externalClosed: distinct((c) => c.externalClosed, externalChangeKey),
    exposureOpened: distinct((c) => c.exposureOpened, exposureChangeKey),
    exposureClosed: distinct((c) => c.exposureClosed, exposureChangeKey),
    listenersAdded: distinct((c) => c.exposure.listeners.added, itemKey),
    listenersRemoved: distinct((c) => c.exposure.listeners.removed, itemKey),
    hostnamesAdded: distinct((c) => c.exposure.hostnames.added, itemKey),
    hostnamesRemoved: distinct((c) => c.exposure.hostnames.removed, itemKey),
    backendsReachable: distinct((c) => c.exposure.backends.reachable, itemKey),
    backendsUnreachable: distinct((c) => c.exposure.backends.unreachable, itemKey),
    sharesChanged: distinct((c) => c.exposure.shares, itemKey),
    httpWidened: new Set(http.filter((h) => h.widened).map(httpChangeKey)).size,
    httpNarrowed: new Set(http.filter((h) => !h.widened).map(httpChangeKey)).size,
    workloadsRenamed: distinct((c) => c.workloads.renamed, (x) => `${x.from}\0${x.to}`),
    workloadsMoved: distinct((c) => c.workloads.moved, (x) => `${x.from}\0${x.to}`),
    guardrailMembersLeft: g.left.length,
    guardrailsAdded: g.added.length,
    guardrailsRemoved: g.removed.length,
    guardrailsChanged: g.changed.length,
    guardrailsViolated: new Set(g.violated.map((v) => v.name)).size,
    resourcesAdded: r.added.length,
    resourcesRemoved: r.removed.length,
    resourcesChanged: r.changed.length,
    filesChanged: r.files.added.length + r.files.removed.length + r.files.changed.length,
    clusters: clusters.filter((c) => reachChanged(c)).map((c) => c.name),
  };
}

const reachChanged = (c: ClusterDiff) => {
  const e = c.exposure;
  return (
    c.opened.length + c.closed.length + c.http.length + c.externalOpened.length + c.externalClosed.length + c.exposureOpened.length + c.exposureClosed.length +
      e.listeners.added.length + e.listeners.removed.length + e.hostnames.added.length + e.hostnames.removed.length + e.backends.reachable.length + e.backends.unreachable.length + e.shares.length >
    0
  );
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** At most this many guardrail departures are named in the verdict; the rest are counted. */
const NAMED_DEPARTURES = 2;

/**
 * The parts of the verdict that concern who can reach whom and guardrails, risk first: guardrail findings,
 * connections across a base guardrail, what opens, what closes, guardrails added.
 */
function verdictParts(s: Summary, left: readonly GuardrailDeparture[] = []): string[] {
  const parts: string[] = [];
  const add = (n: number, text: string) => n > 0 && parts.push(text);
  const named = [...new Set(left.map((d) => `${d.subject} no longer ${d.side === 'to' ? 'protected' : 'restricted'} by ${d.name}`))];
  parts.push(...named.slice(0, NAMED_DEPARTURES));
  add(named.length - NAMED_DEPARTURES, `${plural(named.length - NAMED_DEPARTURES, 'more guardrail departure')}`);
  add(s.guardrailsRemoved, `${plural(s.guardrailsRemoved, 'guardrail')} removed`);
  add(s.guardrailsViolated, `${plural(s.guardrailsViolated, 'guardrail')} newly violated`);
  add(s.guardrailsChanged, `${plural(s.guardrailsChanged, 'guardrail')} changed`);
  add(s.connectionsCrossingGuardrail, `${plural(s.connectionsCrossingGuardrail, 'connection')} opened across a base guardrail`);
  const others = s.connectionsOpened - s.connectionsCrossingGuardrail;
  add(others, s.connectionsCrossingGuardrail ? `${plural(others, 'other connection')} opened` : `${plural(others, 'connection')} opened`);
  add(s.externalOpened, `${plural(s.externalOpened, 'external destination')} opened`);
  add(s.exposureOpened, `${plural(s.exposureOpened, 'workload')} newly exposed to a gateway`);
  add(s.listenersAdded, `${plural(s.listenersAdded, 'gateway listener')} added`);
  add(s.hostnamesAdded, `${plural(s.hostnamesAdded, 'hostname')} newly served`);
  add(s.backendsReachable, `${plural(s.backendsReachable, 'backend')} newly reachable from a gateway`);
  add(s.sharesChanged, `${plural(s.sharesChanged, 'traffic split', 'traffic splits')} changed`);
  add(s.httpWidened, `${plural(s.httpWidened, 'HTTP restriction')} widened`);
  add(s.connectionsClosed, `${plural(s.connectionsClosed, 'connection')} closed`);
  add(s.externalClosed, `${plural(s.externalClosed, 'external destination')} closed`);
  add(s.exposureClosed, `${plural(s.exposureClosed, 'gateway exposure')} closed`);
  add(s.listenersRemoved, `${plural(s.listenersRemoved, 'gateway listener')} removed`);
  add(s.hostnamesRemoved, `${plural(s.hostnamesRemoved, 'hostname')} no longer served`);
  add(s.backendsUnreachable, `${plural(s.backendsUnreachable, 'backend')} no longer reachable from a gateway`);
  add(s.httpNarrowed, `${plural(s.httpNarrowed, 'HTTP restriction')} narrowed`);
  add(s.guardrailsAdded, `${plural(s.guardrailsAdded, 'guardrail')} added`);
  return parts;
}

function changesLine(s: Summary, clusters: ClusterDiff[], left: readonly GuardrailDeparture[]): string {
  const parts = verdictParts(s, left);
  const resources = s.resourcesAdded + s.resourcesRemoved + s.resourcesChanged;
  if (parts.length) return `bulkhead: ${parts.join(', ')}${s.clusters.length ? ` in ${s.clusters.join(', ')}` : ''}`;
  const renamed = [...new Set(clusters.flatMap((c) => c.workloads.renamed.map((r) => `${r.from} to ${r.to}`)))];
  const moved = [...new Set(clusters.flatMap((c) => c.workloads.moved.map((r) => `${r.from} to ${r.to}`)))];
  const notes = [renamed.length ? `${plural(renamed.length, 'workload')} renamed: ${renamed.join(', ')}` : '', moved.length ? `${plural(moved.length, 'workload')} moved: ${moved.join(', ')}` : ''].filter(Boolean);
  const note = notes.length ? ` (${notes.join('; ')})` : '';
  if (!resources && !s.filesChanged) return `No change in who can reach whom${note}; nothing changed in dist/ or argocd/.`;
  const what = resources ? `${plural(resources, 'resource')} changed` : `${plural(s.filesChanged, 'file')} changed`;
  return `No change in who can reach whom${note}; ${what}.`;
}
