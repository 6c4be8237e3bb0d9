/**
 * Why one connection is allowed or denied: per side (the source's egress, the destination's ingress), which
 * policies isolate it and which rule/peer allows the traffic, or why each rule of those policies does not.
 */
import { distance } from 'fastest-levenshtein';
import type { Cluster, Workload } from './cluster';
import { mergeHttp, resolve } from './engine';
import { AnalysisInputError, formatLocation } from './errors';
import { buildInventory } from './inventory';
import { describeDestination, explainExternalEgress, parseDestination } from './explain-external';
import type { SourcedObject } from './load';
import type { CompiledPolicy, CompiledRule, Direction, HttpRule, Peer, PolicyRef } from './policy';
import { MAX_PORT, MIN_PORT, Protocol, formatPorts, isProtocol, portsContain } from './ports';

export interface ExplainQuery {
  from: string;
  /** A workload (`namespace/name`); `explainConnection` also takes an address, `fqdn:NAME` or `entity:NAME`. */
  to: string;
  /** A number, or the name of a port the destination workload declares (for the protocol). */
  port: number | string;
  /** Default TCP. */
  protocol?: Protocol;
}

export interface RuleAllow {
  policy: PolicyRef;
  /** The rule list, e.g. `ingress`, `egressDeny`, `specs[1].ingress`. */
  section: string;
  ruleIndex: number;
  /** null for a rule without peers (it matches everything). */
  peerIndex: number | null;
  peer: string;
  /** Cilium L7 rules the allowing part of the rule restricts this port to; absent when L4 only. */
  http?: HttpRule[];
}

/** A deny rule (Cilium `ingressDeny`/`egressDeny`) that matches the connection. */
export type RuleDeny = Omit<RuleAllow, 'http'>;

export interface RuleMiss {
  policy: PolicyRef;
  section: string;
  ruleIndex: number;
  /** Why the peers do not match; empty when a peer matches. */
  peerReasons: string[];
  /** Why the ports do not match; undefined when the port matches. */
  portReason?: string;
}

export interface SideExplanation {
  direction: Direction;
  /** The workload whose side this is: the source for egress, the destination for ingress. */
  workload: string;
  allowed: boolean;
  isolated: boolean;
  /** Policies isolating the workload for this direction (empty when not isolated). */
  isolatedBy: PolicyRef[];
  allowedBy: RuleAllow[];
  /** Deny rules matching the connection: any one blocks it, whatever allows it. */
  deniedBy: RuleDeny[];
  /** The allow rules (of the policies selecting the workload) that do not allow this connection, and why. */
  misses: RuleMiss[];
  /** When every allowing rule carries HTTP rules on this port: the requests that pass (union). */
  http?: HttpRule[];
}

export interface Explanation {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  allowed: boolean;
  egress: SideExplanation;
  ingress: SideExplanation;
}

/** To an outside destination (`to` as given: an address, `fqdn:NAME`, `entity:NAME`): only the source's egress decides. */
export interface ExternalExplanation extends Omit<Explanation, 'ingress'> {
  readonly ingress?: undefined;
}

export function explain(objects: readonly SourcedObject[], query: ExplainQuery): Explanation {
  const protocol = checkedProtocol(query.protocol);
  const { cluster, policies } = buildInventory(objects);
  const from = findWorkload(cluster, query.from, 'from');
  const to = findWorkload(cluster, query.to, 'to');
  const port = typeof query.port === 'string' ? namedPort(to, query.port, protocol) : checkedPort(query.port);
  // from === to asks about a workload's replicas reaching each other, which policies govern like any peer.
  const egress = explainSide(policies, 'egress', from, to, to, port, protocol);
  const ingress = explainSide(policies, 'ingress', to, from, to, port, protocol);
  return { from: from.id, to: to.id, port, protocol, allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** `explain`, or, when `to` is an address, `fqdn:NAME` or `entity:NAME`, the source's egress to it (explain-external.ts). */
export function explainConnection(objects: readonly SourcedObject[], query: ExplainQuery): Explanation | ExternalExplanation {
  const dest = parseDestination(query.to);
  if (!dest) return explain(objects, query);
  const protocol = checkedProtocol(query.protocol);
  if (typeof query.port === 'string')
    throw new AnalysisInputError(`port ${JSON.stringify(query.port)} is a name, and ${query.to} is outside the cluster: named ports resolve on a destination workload; give the number`);
  const port = checkedPort(query.port);
  const { cluster, policies } = buildInventory(objects);
  const from = findWorkload(cluster, query.from, 'from');
  const egress = explainExternalEgress(policies, from, dest, port, protocol);
  return { from: from.id, to: describeDestination(dest), port, protocol, allowed: egress.allowed, egress };
}

function checkedProtocol(protocol: string | undefined): Protocol {
  const p = protocol ?? 'TCP';
  if (!isProtocol(p)) throw new AnalysisInputError(`protocol must be TCP, UDP or SCTP (got ${JSON.stringify(p)})`);
  return p;
}

function checkedPort(port: number): number {
  if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) throw new AnalysisInputError(`port must be an integer from 1 to 65535 (got ${port})`);
  return port;
}

/** The number of the port `dest` declares with this name and protocol. */
function namedPort(dest: Workload, name: string, protocol: Protocol): number {
  const hits = [...new Set(dest.ports.filter((p) => p.name === name && p.protocol === protocol).map((p) => p.port))];
  if (hits.length === 1) return hits[0];
  const declared = dest.ports.filter((p) => p.name).map((p) => `${p.name} (${p.protocol} ${p.port})`);
  if (hits.length > 1) throw new AnalysisInputError(`${dest.id} declares port ${name}/${protocol} more than once (${hits.join(', ')}); give the number`);
  throw new AnalysisInputError(`${dest.id} declares no ${protocol} port named ${JSON.stringify(name)}${declared.length ? ` (named ports: ${declared.join(', ')})` : ' (it names no port)'}`);
}

function explainSide(
  policies: readonly CompiledPolicy[],
  direction: Direction,
  subject: Workload,
  peer: Workload,
  dest: Workload,
  port: number,
  protocol: Protocol,
): SideExplanation {
  const selecting = policies.filter((p) => contains(p.subjects, subject.index));
  const isolating = selecting.filter((p) => p.isolates.includes(direction));
  const isolated = isolating.length > 0;
  const allowedBy: RuleAllow[] = [];
  const deniedBy: RuleDeny[] = [];
  const misses: RuleMiss[] = [];
  let l4Only = false;
  const http: HttpRule[] = [];
  for (const policy of selecting) {
    for (const rule of policy.rules) {
      if (rule.direction !== direction) continue;
      // Allow rules only count on an isolated side (an open side allows everything anyway).
      if (rule.effect === 'allow' && !isolated) continue;
      const portReason = portMiss(rule, dest, port, protocol);
      const matching = rule.peers.filter((p) => p.type === 'any' || contains(p.members, peer.index));
      if (matching.length > 0 && !portReason) {
        const grants = rule.grants.filter((g) => portsContain(resolve([g], dest), port, protocol));
        const ruleHttp = grants.every((g) => g.http) ? mergeHttp(grants.flatMap((g) => g.http!)) : undefined;
        for (const p of matching) {
          const hit = { policy: policy.ref, section: rule.section, ruleIndex: rule.index, peerIndex: p.index, peer: describePeer(p) };
          if (rule.effect === 'deny') deniedBy.push(hit);
          else allowedBy.push(ruleHttp ? { ...hit, http: ruleHttp } : hit);
        }
        if (rule.effect === 'allow') {
          if (ruleHttp) http.push(...ruleHttp);
          else l4Only = true;
        }
        continue;
      }
      if (rule.effect === 'deny') continue;
      const peerReasons = matching.length > 0 ? [] : rule.peers.map((p) => (p.type === 'any' ? '' : `peer ${p.index} (${p.description}): ${p.whyNot(peer)}`));
      const base = { policy: policy.ref, section: rule.section, ruleIndex: rule.index, peerReasons };
      misses.push(portReason ? { ...base, portReason } : base);
    }
  }
  const allowed = (!isolated || allowedBy.length > 0) && deniedBy.length === 0;
  const side: SideExplanation = {
    direction,
    workload: subject.id,
    allowed,
    isolated,
    isolatedBy: isolating.map((p) => p.ref),
    allowedBy,
    deniedBy,
    misses,
  };
  if (allowed && isolated && !l4Only && http.length > 0) side.http = mergeHttp(http);
  return side;
}

function describePeer(p: Peer): string {
  return p.type === 'any' ? (p.description ?? 'any peer (rule has no peers)') : p.description;
}

function portMiss(rule: CompiledRule, dest: Workload, port: number, protocol: Protocol): string | undefined {
  const ports = resolve([rule.ports], dest);
  if (portsContain(ports, port, protocol)) return undefined;
  const missingNames = rule.ports.named
    .filter((n) => !dest.ports.some((p) => p.name === n.name && p.protocol === n.protocol))
    .map((n) => `${n.name}/${n.protocol}`);
  const note = missingNames.length > 0 ? ` (named port ${missingNames.join(', ')} not declared by ${dest.id})` : '';
  return `${protocol} ${port} is not in the rule's ports on ${dest.id}: ${formatPorts(ports)}${note}`;
}

function findWorkload(cluster: Cluster, id: string, role: string): Workload {
  const w = cluster.workload(id);
  if (w) return w;
  const ids = cluster.workloads.map((x) => x.id);
  const near = ids
    .map((candidate) => ({ candidate, d: distance(id, candidate) }))
    .filter(({ candidate, d }) => d <= Math.max(2, Math.floor(id.length / 3)) || candidate.includes(id) || (id.includes('/') ? false : candidate.endsWith(`/${id}`)))
    .sort((a, b) => a.d - b.d || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, 5)
    .map((x) => x.candidate);
  const hint = near.length > 0 ? `; did you mean ${near.join(', ')}?` : ids.length === 0 ? '; the input has no workloads' : '';
  throw new AnalysisInputError(`unknown ${role} workload ${JSON.stringify(id)} (ids are namespace/name)${hint}`);
}

function contains(sorted: readonly number[], value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === value) return true;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function formatPolicyRef(ref: PolicyRef): string {
  const name = ref.namespace !== undefined ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${ref.kind} ${name} (${formatLocation(ref.source)})`;
}

export interface RenderStyle {
  good: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
}

const PLAIN: RenderStyle = { good: (s) => s, bad: (s) => s, dim: (s) => s };

export function renderExplanation(e: Explanation | ExternalExplanation, style: RenderStyle = PLAIN): string {
  const verdict = e.allowed ? style.good('ALLOWED') : style.bad('DENIED');
  const lines = [`${verdict}: ${e.from} -> ${e.to} ${e.protocol} ${e.port}`];
  if (!e.ingress) lines.push(style.dim(`  (${e.to} is outside the cluster: only the egress of ${e.from} decides)`));
  for (const side of e.ingress ? [e.egress, e.ingress] : [e.egress]) {
    const label = `${side.direction} of ${side.workload}`;
    if (side.deniedBy.length > 0) {
      // A deny wins over every allow: say so first.
      lines.push(`  ${label}: ${style.bad('denied')}`);
      for (const d of side.deniedBy) lines.push(`    denied by ${formatPolicyRef(d.policy)} ${d.section}[${d.ruleIndex}] ${formatPeer(d)}`);
      if (side.allowedBy.length > 0) {
        lines.push(style.dim('    (deny rules win over these allows:)'));
        for (const a of side.allowedBy) lines.push(style.dim(`      - ${formatPolicyRef(a.policy)} ${a.section}[${a.ruleIndex}] ${formatPeer(a)}`));
      }
      continue;
    }
    if (!side.isolated) {
      lines.push(`  ${label}: ${style.good('allowed')} (not isolated: no ${side.direction} policy selects it)`);
      continue;
    }
    lines.push(`  ${label}: ${side.allowed ? style.good('allowed') : style.bad('denied')}`);
    lines.push('    isolated by:');
    for (const ref of side.isolatedBy) lines.push(`      - ${formatPolicyRef(ref)}`);
    if (side.allowed) {
      lines.push('    allowed by:');
      for (const a of side.allowedBy) lines.push(`      - ${formatPolicyRef(a.policy)} ${a.section}[${a.ruleIndex}] ${formatPeer(a)}${a.http ? ` (HTTP only: ${formatHttp(a.http)})` : ''}`);
      if (side.http) lines.push(`    L7: only HTTP ${formatHttp(side.http)} passes`);
      continue;
    }
    if (side.misses.length === 0) {
      lines.push(`    no rule allows it: the policies selecting it have no ${side.direction} allow rules`);
      continue;
    }
    lines.push('    no rule allows it:');
    for (const m of side.misses) {
      lines.push(`      - ${formatPolicyRef(m.policy)} ${m.section}[${m.ruleIndex}]:`);
      for (const r of m.peerReasons.filter((x) => x !== '')) lines.push(style.dim(`          ${r}`));
      if (m.peerReasons.length === 0) lines.push(style.dim('          peer matches'));
      if (m.portReason) lines.push(style.dim(`          port: ${m.portReason}`));
    }
  }
  return lines.join('\n');
}

function formatPeer(a: RuleDeny): string {
  return a.peerIndex === null ? a.peer : `peer ${a.peerIndex} (${a.peer})`;
}

export function formatHttp(rules: readonly HttpRule[]): string {
  return rules.map((r) => [r.method ?? '*', r.path ?? '*', r.host !== undefined ? `host ${r.host}` : ''].filter((x) => x !== '').join(' ')).join('; ');
}
