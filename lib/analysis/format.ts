/** Text renderings of a Connectivity result, shared by the CLI and anyone else who prints one. */
import type { Connectivity, ExternalConnection } from './engine';
import { formatPorts } from './ports';

/**
 * The stable JSON contract: workloads carry only id and kind; keys in this order; 2-space indent.
 * Build the objects explicitly so extra fields added to Connectivity later do not leak into the contract.
 */
export function connectivityToJson(conn: Connectivity): string {
  const doc = {
    workloads: conn.workloads.map((w) => ({ id: w.id, kind: w.kind })),
    connections: conn.connections.map((c) => ({ from: c.from, to: c.to, ports: c.ports })),
    external: conn.external.map((e) => ({ direction: e.direction, workload: e.workload, cidr: e.cidr, except: e.except, ports: e.ports })),
  };
  return JSON.stringify(doc, null, 2);
}

/** One line per allowed pair, as np-guard's netpol-analyzer prints them: `x/a => y/b : TCP 80, UDP 53`. */
export function connectivityToText(conn: Connectivity): string {
  const lines = conn.connections.map((c) => `${c.from} => ${c.to} : ${formatPorts(c.ports)}`);
  lines.push(...conn.external.map((e) => `${externalEnds(e)} : ${formatPorts(e.ports)}`));
  return lines.join('\n');
}

export function connectivityToMarkdown(conn: Connectivity): string {
  const lines = ['| from | to | ports |', '| --- | --- | --- |'];
  for (const c of conn.connections) lines.push(`| ${cell(c.from)} | ${cell(c.to)} | ${cell(formatPorts(c.ports))} |`);
  for (const e of conn.external) {
    const [from, to] = externalEnds(e).split(' => ');
    lines.push(`| ${cell(from)} | ${cell(to)} | ${cell(formatPorts(e.ports))} |`);
  }
  return lines.join('\n');
}

function externalEnds(e: ExternalConnection): string {
  const addr = e.except.length > 0 ? `${e.cidr} except ${e.except.join(', ')}` : e.cidr;
  return e.direction === 'egress' ? `${e.workload} => ${addr}` : `${addr} => ${e.workload}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
