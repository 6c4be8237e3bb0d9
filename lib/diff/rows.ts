/**
 * The changes in who can reach whom as rows, merged across clusters (the same opened flow in dev and prod
 * is one row naming both), risk first, for the Markdown tables, the Mermaid edges and the text output.
 */
import { HttpRule, formatHttp, formatPorts } from '../analysis';
import { DiffReport, exposureChangeKey, externalChangeKey, httpChangeKey, itemKey, portChangeKey } from './diff';
import { formatListener } from './exposure';
import type { GuardrailCrossing } from './guardrails';
import type { IntentRef } from './intents';

export type RowKind = 'opened' | 'closed' | 'http-widened' | 'http-narrowed';

export interface Row {
  readonly kind: RowKind;
  /** What the row is: `connection`, `egress`, `ingress` (from outside), `gateway`, `http`. */
  readonly subject: 'connection' | 'egress' | 'ingress' | 'gateway' | 'http';
  readonly from: string;
  readonly to: string;
  /** Ports, with the HTTP rules before and after for `http` rows. */
  readonly ports: string;
  /** The pair (or target) had nothing open before (opened) or has nothing left (closed). */
  readonly whole: boolean;
  readonly clusters: string[];
  /** opened and http rows: the head's intents behind them (empty: none declares it). */
  readonly intents: IntentRef[];
  /** closed and http rows: the base's flows behind them. */
  readonly baseIntents: IntentRef[];
  /** opened connections: the base guardrails it crosses. */
  readonly crosses: GuardrailCrossing[];
}

/** Opened and widened rows are risks (warnings); closed and narrowed ones are not. */
export const isRisk = (r: Row): boolean => r.kind === 'opened' || r.kind === 'http-widened';

/** Risk order: across a base guardrail, opened connections, external, gateway, HTTP widened, then closed and narrowed. */
export function rowRank(r: Row): number {
  if (r.kind === 'opened') return r.crosses.length ? 0 : r.subject === 'connection' ? 1 : r.subject === 'gateway' ? 3 : 2;
  return r.kind === 'http-widened' ? 4 : r.kind === 'closed' ? 5 : 6;
}

const external = (kind: string, target: string, except: readonly string[]) =>
  kind === 'fqdn' ? `fqdn:${target}` : kind === 'entity' ? `entity:${target}` : except.length ? `${target} except ${except.join(', ')}` : target;

const http = (rules: HttpRule[] | null) => (rules ? formatHttp(rules) : 'every request');

type Mutable = Row & { clusters: string[]; intents: IntentRef[]; baseIntents: IntentRef[]; crosses: GuardrailCrossing[] };

export function rowsOf(report: DiffReport): Row[] {
  const rows = new Map<string, Mutable>();
  const add = (key: string, cluster: string, row: Omit<Row, 'clusters' | 'baseIntents' | 'crosses'> & Partial<Pick<Row, 'baseIntents' | 'crosses'>>) => {
    const existing = rows.get(key);
    if (!existing) {
      rows.set(key, { ...row, clusters: [cluster], intents: [...row.intents], baseIntents: [...(row.baseIntents ?? [])], crosses: [...(row.crosses ?? [])] });
      return;
    }
    existing.clusters.push(cluster);
    const merge = <T extends { at: string }>(into: T[], from: readonly T[] = []) => from.forEach((i) => !into.some((x) => x.at === i.at) && into.push(i));
    merge(existing.intents, row.intents);
    merge(existing.baseIntents, row.baseIntents);
    merge(existing.crosses, row.crosses);
  };
  for (const c of report.clusters) {
    for (const o of c.opened) {
      const l7 = (o.l7 ?? []).map((l) => ` (HTTP ${l.direction === 'ingress' ? 'at the destination' : 'at the source'} on ${formatPorts(l.ports)}: only ${formatHttp(l.http)})`).join('');
      add(`o ${portChangeKey(o)}\0${l7}`, c.name, { kind: 'opened', subject: 'connection', from: o.from, to: o.to, ports: `${formatPorts(o.ports)}${l7}`, whole: o.whole, intents: o.flows, crosses: o.crosses });
    }
    for (const e of c.externalOpened) {
      const [from, to] = e.direction === 'egress' ? [e.workload, external(e.kind, e.target, e.except)] : [external(e.kind, e.target, e.except), e.workload];
      add(`oe ${externalChangeKey(e)}`, c.name, { kind: 'opened', subject: e.direction, from, to, ports: formatPorts(e.ports), whole: e.whole, intents: e.egress });
    }
    for (const e of c.exposureOpened) add(`og ${exposureChangeKey(e)}`, c.name, { kind: 'opened', subject: 'gateway', from: 'gateway', to: e.workload, ports: formatPorts(e.ports), whole: e.whole, intents: e.routes });
    for (const h of c.http)
      add(`h ${httpChangeKey(h)}`, c.name, {
        kind: h.widened ? 'http-widened' : 'http-narrowed',
        subject: 'http',
        from: h.from,
        to: h.to,
        ports: `${formatPorts(h.ports)} (${h.direction}): ${http(h.base)} → ${http(h.head)}`,
        whole: false,
        intents: h.flows,
        baseIntents: h.baseFlows,
      });
    for (const o of c.closed)
      add(`c ${portChangeKey(o)}`, c.name, { kind: 'closed', subject: 'connection', from: o.from, to: o.to, ports: formatPorts(o.ports), whole: o.whole, intents: [], baseIntents: o.baseFlows });
    for (const e of c.externalClosed) {
      const [from, to] = e.direction === 'egress' ? [e.workload, external(e.kind, e.target, e.except)] : [external(e.kind, e.target, e.except), e.workload];
      add(`ce ${externalChangeKey(e)}`, c.name, { kind: 'closed', subject: e.direction, from, to, ports: formatPorts(e.ports), whole: e.whole, intents: [] });
    }
    for (const e of c.exposureClosed) add(`cg ${exposureChangeKey(e)}`, c.name, { kind: 'closed', subject: 'gateway', from: 'gateway', to: e.workload, ports: formatPorts(e.ports), whole: e.whole, intents: [] });
  }
  return [...rows.values()].map((r, i) => ({ r, i })).sort((a, b) => rowRank(a.r) - rowRank(b.r) || a.i - b.i).map(({ r }) => r);
}

export type ExposureKind = 'listener added' | 'hostname added' | 'backend newly reachable' | 'traffic split changed' | 'listener removed' | 'hostname removed' | 'backend no longer reachable';

export interface ExposureRow {
  readonly kind: ExposureKind;
  /** Listeners and hostnames added, backends newly reachable and changed splits are warnings. */
  readonly risk: boolean;
  /** `namespace/name` of the gateways concerned. */
  readonly gateways: string[];
  /** The listener, hostname, backend, or the split (`web/portal /: web/frontend:8080 90% → 50%, ...`). */
  readonly what: string;
  /** The routes concerned. */
  readonly routes: string[];
  readonly clusters: string[];
}

const pct = (x: number | null) => (x === null ? '–' : `${x}%`);

/** Gateway and route changes, merged across clusters, warnings first. */
export function exposureRowsOf(report: DiffReport): ExposureRow[] {
  const rows = new Map<string, ExposureRow & { clusters: string[] }>();
  const add = (key: string, cluster: string, row: Omit<ExposureRow, 'clusters'>) => {
    const existing = rows.get(key);
    if (existing) existing.clusters.push(cluster);
    else rows.set(key, { ...row, clusters: [cluster] });
  };
  for (const c of report.clusters) {
    const e = c.exposure;
    for (const l of e.listeners.added) add(`la ${itemKey(l)}`, c.name, { kind: 'listener added', risk: true, gateways: [l.gateway], what: formatListener(l).slice(l.gateway.length + 1), routes: [] });
    for (const h of e.hostnames.added) add(`ha ${itemKey(h)}`, c.name, { kind: 'hostname added', risk: true, gateways: [h.gateway], what: h.hostname === '*' ? 'any host' : h.hostname, routes: h.routes });
    for (const b of e.backends.reachable) add(`ba ${itemKey(b)}`, c.name, { kind: 'backend newly reachable', risk: true, gateways: [b.gateway], what: `${b.workload}:${b.port}`, routes: [b.route] });
    for (const s of e.shares)
      add(`s ${itemKey(s)}`, c.name, { kind: 'traffic split changed', risk: true, gateways: s.gateways, what: `${s.match}: ${s.backends.map((b) => `${b.backend} ${pct(b.before)} → ${pct(b.after)}`).join(', ')}`, routes: [s.route] });
    for (const l of e.listeners.removed) add(`lr ${itemKey(l)}`, c.name, { kind: 'listener removed', risk: false, gateways: [l.gateway], what: formatListener(l).slice(l.gateway.length + 1), routes: [] });
    for (const h of e.hostnames.removed) add(`hr ${itemKey(h)}`, c.name, { kind: 'hostname removed', risk: false, gateways: [h.gateway], what: h.hostname === '*' ? 'any host' : h.hostname, routes: h.routes });
    for (const b of e.backends.unreachable) add(`br ${itemKey(b)}`, c.name, { kind: 'backend no longer reachable', risk: false, gateways: [b.gateway], what: `${b.workload}:${b.port}`, routes: [b.route] });
  }
  return [...rows.values()];
}

/** A removed guardrail's head crossings, clusters with the same crossings merged: `[{ connections, clusters }]`. */
export function groupCrossings(list: ReadonlyArray<{ cluster: string; connections: string[] }>): Array<{ connections: string[]; clusters: string[] }> {
  const groups = new Map<string, { connections: string[]; clusters: string[] }>();
  for (const x of list) {
    const key = JSON.stringify(x.connections);
    const g = groups.get(key);
    if (g) g.clusters.push(x.cluster);
    else groups.set(key, { connections: x.connections, clusters: [x.cluster] });
  }
  return [...groups.values()];
}

/** `opened`, `opened (more ports)`, `egress opened`, `gateway exposure closed`, `HTTP widened`, ... */
export function rowLabel(r: Row): string {
  if (r.kind === 'http-widened') return 'HTTP widened';
  if (r.kind === 'http-narrowed') return 'HTTP narrowed';
  const what = r.subject === 'connection' ? '' : r.subject === 'gateway' ? 'gateway exposure ' : r.subject === 'egress' ? 'egress ' : 'ingress from outside ';
  const partial = r.whole ? '' : r.kind === 'opened' ? ' (more ports)' : ' (some ports)';
  const across = r.crosses.length ? ` across ${r.crosses.map((g) => g.name).join(', ')}` : '';
  return `${what}${r.kind}${partial}${across}`;
}

export interface WorkloadMove {
  readonly from: string;
  readonly to: string;
  readonly kind: 'renamed' | 'moved';
  readonly clusters: string[];
  /** What the reviewer must know: the Deployment is recreated, the Service's DNS name changes. */
  readonly note: string;
}

const dns = (id: string) => `${id.slice(id.indexOf('/') + 1)}.${id.slice(0, id.indexOf('/'))}.svc`;

/** Renames and moves across clusters, with what they cost at run time. */
export function movesOf(report: DiffReport): WorkloadMove[] {
  const out = new Map<string, WorkloadMove & { clusters: string[] }>();
  for (const c of report.clusters)
    for (const [kind, list] of [['renamed', c.workloads.renamed], ['moved', c.workloads.moved]] as const)
      for (const m of list) {
        const key = `${kind}\0${m.from}\0${m.to}`;
        const existing = out.get(key);
        if (existing) {
          existing.clusters.push(c.name);
          continue;
        }
        const what = kind === 'renamed' ? 'renamed, same connections' : `moved to tenant ${m.to.slice(0, m.to.indexOf('/'))}`;
        const note = `${what}; the Deployment is recreated (new pods) and the Service's DNS name changes from ${dns(m.from)} to ${dns(m.to)}, so clients calling it by name must follow`;
        out.set(key, { from: m.from, to: m.to, kind, clusters: [c.name], note });
      }
  return [...out.values()];
}
