/**
 * The changes in who can reach whom as rows, merged across clusters (the same opened flow in dev and prod
 * is one row naming both), for the Markdown table, the Mermaid edges and the text output.
 */
import { HttpRule, formatHttp, formatPorts } from '../analysis';
import type { IntentRef } from './intents';
import { DiffReport, exposureChangeKey, externalChangeKey, httpChangeKey, portChangeKey } from './diff';

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
  /** opened rows: the intents behind them (empty: none declares it). */
  readonly intents: IntentRef[];
}

const external = (kind: string, target: string, except: readonly string[]) =>
  kind === 'fqdn' ? `fqdn:${target}` : kind === 'entity' ? `entity:${target}` : except.length ? `${target} except ${except.join(', ')}` : target;

const http = (rules: HttpRule[] | null) => (rules ? formatHttp(rules) : 'every request');

export function rowsOf(report: DiffReport): Row[] {
  const rows = new Map<string, Row & { clusters: string[]; intents: IntentRef[] }>();
  const add = (key: string, cluster: string, row: Omit<Row, 'clusters'>) => {
    const existing = rows.get(key);
    if (!existing) {
      rows.set(key, { ...row, clusters: [cluster], intents: [...row.intents] });
      return;
    }
    existing.clusters.push(cluster);
    for (const i of row.intents) if (!existing.intents.some((x) => x.at === i.at)) existing.intents.push(i);
  };
  for (const c of report.clusters) {
    for (const o of c.opened) {
      const l7 = (o.l7 ?? []).map((l) => ` (HTTP ${l.direction === 'ingress' ? 'at the destination' : 'at the source'} on ${formatPorts(l.ports)}: only ${formatHttp(l.http)})`).join('');
      add(`o ${portChangeKey(o)}\0${l7}`, c.name, { kind: 'opened', subject: 'connection', from: o.from, to: o.to, ports: `${formatPorts(o.ports)}${l7}`, whole: o.whole, intents: o.flows });
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
        intents: [],
      });
    for (const o of c.closed) add(`c ${portChangeKey(o)}`, c.name, { kind: 'closed', subject: 'connection', from: o.from, to: o.to, ports: formatPorts(o.ports), whole: o.whole, intents: [] });
    for (const e of c.externalClosed) {
      const [from, to] = e.direction === 'egress' ? [e.workload, external(e.kind, e.target, e.except)] : [external(e.kind, e.target, e.except), e.workload];
      add(`ce ${externalChangeKey(e)}`, c.name, { kind: 'closed', subject: e.direction, from, to, ports: formatPorts(e.ports), whole: e.whole, intents: [] });
    }
    for (const e of c.exposureClosed) add(`cg ${exposureChangeKey(e)}`, c.name, { kind: 'closed', subject: 'gateway', from: 'gateway', to: e.workload, ports: formatPorts(e.ports), whole: e.whole, intents: [] });
  }
  const order: Record<RowKind, number> = { opened: 0, 'http-widened': 1, closed: 2, 'http-narrowed': 3 };
  return [...rows.values()].sort((a, b) => order[a.kind] - order[b.kind]);
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
  return `${what}${r.kind}${partial}`;
}
