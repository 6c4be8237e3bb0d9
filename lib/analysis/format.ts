/** Text renderings of a Connectivity result, shared by the CLI and anyone else who prints one. */
import type { Connection, Connectivity, ExternalConnection } from './engine';
import { externalDestination } from './engine';
import { formatHttp } from './explain';
import { formatPorts } from './ports';

/**
 * The stable JSON contract: workloads carry only id and kind; keys in this order; 2-space indent.
 * Build the objects explicitly so extra fields added to Connectivity later do not leak into the contract.
 * CIDR entries keep their original shape (no `kind` key: absent means `cidr`), so existing consumers of the
 * JSON read them unchanged; FQDN and entity entries carry `kind`. `l7` appears only on connections that have
 * HTTP-restricted ports.
 */
export function connectivityToJson(conn: Connectivity): string {
  const doc = {
    workloads: conn.workloads.map((w) => ({ id: w.id, kind: w.kind })),
    connections: conn.connections.map((c) =>
      c.l7 ? { from: c.from, to: c.to, ports: c.ports, l7: c.l7.map((l) => ({ direction: l.direction, ports: l.ports, http: l.http })) } : { from: c.from, to: c.to, ports: c.ports },
    ),
    external: conn.external.map((e) => {
      if (e.kind === 'cidr') return { direction: e.direction, workload: e.workload, cidr: e.cidr, except: e.except, ports: e.ports };
      if (e.kind === 'fqdn') return { direction: e.direction, workload: e.workload, kind: e.kind, fqdn: e.fqdn, ports: e.ports };
      return { direction: e.direction, workload: e.workload, kind: e.kind, entity: e.entity, ports: e.ports };
    }),
  };
  return JSON.stringify(doc, null, 2);
}

/** One line per allowed pair, as np-guard's netpol-analyzer prints them: `x/a => y/b : TCP 80, UDP 53`. */
export function connectivityToText(conn: Connectivity): string {
  const lines = conn.connections.map((c) => `${c.from} => ${c.to} : ${formatPorts(c.ports)}${l7Note(c)}`);
  lines.push(...conn.external.map((e) => `${externalEnds(e)} : ${formatPorts(e.ports)}`));
  return lines.join('\n');
}

export function connectivityToMarkdown(conn: Connectivity): string {
  const lines = ['| from | to | ports |', '| --- | --- | --- |'];
  for (const c of conn.connections) lines.push(`| ${cell(c.from)} | ${cell(c.to)} | ${cell(formatPorts(c.ports) + l7Note(c))} |`);
  for (const e of conn.external) {
    const [from, to] = externalEnds(e).split(' => ');
    lines.push(`| ${cell(from)} | ${cell(to)} | ${cell(formatPorts(e.ports))} |`);
  }
  return lines.join('\n');
}

/** ` [HTTP on TCP 80 (ingress): GET /api]`, one bracket per restriction; empty without L7. */
function l7Note(c: Connection): string {
  return (c.l7 ?? []).map((l) => ` [HTTP on ${formatPorts(l.ports)} (${l.direction}): ${formatHttp(l.http)}]`).join('');
}

/** The outside end as text: `203.0.113.0/24 except ...`, `fqdn:api.example.com`, `entity:kube-apiserver`. */
export function externalAddress(e: ExternalConnection): string {
  const { value, except } = externalDestination(e);
  return e.kind === 'cidr' ? (except.length > 0 ? `${value} except ${except.join(', ')}` : value) : `${e.kind}:${value}`;
}

function externalEnds(e: ExternalConnection): string {
  const addr = externalAddress(e);
  return e.direction === 'egress' ? `${e.workload} => ${addr}` : `${addr} => ${e.workload}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
