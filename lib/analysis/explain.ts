/**
 * Why one connection is allowed or denied: per side (the source's egress, the destination's ingress), which
 * policies isolate it and which rule/peer allows the traffic, or why each rule of those policies does not.
 */
import { distance } from 'fastest-levenshtein';
import type { Cluster, Workload } from './cluster';
import { resolve } from './engine';
import { AnalysisInputError, formatLocation } from './errors';
import { buildInventory } from './inventory';
import type { SourcedObject } from './load';
import type { CompiledPolicy, CompiledRule, Direction, PolicyRef } from './policy';
import { MAX_PORT, MIN_PORT, Protocol, formatPorts, isProtocol, portsContain } from './ports';

export interface ExplainQuery {
  from: string;
  to: string;
  port: number;
  /** Default TCP. */
  protocol?: Protocol;
}

export interface RuleAllow {
  policy: PolicyRef;
  ruleIndex: number;
  /** null for a rule without peers (it matches everything). */
  peerIndex: number | null;
  peer: string;
}

export interface RuleMiss {
  policy: PolicyRef;
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
  /** Policies selecting the workload for this direction (empty when not isolated). */
  isolatedBy: PolicyRef[];
  allowedBy: RuleAllow[];
  /** The rules of the isolating policies that do not allow this connection, and why. */
  misses: RuleMiss[];
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

export function explain(objects: readonly SourcedObject[], query: ExplainQuery): Explanation {
  const protocol = query.protocol ?? 'TCP';
  if (!isProtocol(protocol)) throw new AnalysisInputError(`protocol must be TCP, UDP or SCTP (got ${JSON.stringify(protocol)})`);
  if (!Number.isInteger(query.port) || query.port < MIN_PORT || query.port > MAX_PORT) {
    throw new AnalysisInputError(`port must be an integer from 1 to 65535 (got ${query.port})`);
  }
  const { cluster, policies } = buildInventory(objects);
  const from = findWorkload(cluster, query.from, 'from');
  const to = findWorkload(cluster, query.to, 'to');
  if (from === to) throw new AnalysisInputError(`from and to are the same workload (${from.id}); traffic to itself is not analyzed`);
  const egress = explainSide(policies, 'egress', from, to, to, query.port, protocol);
  const ingress = explainSide(policies, 'ingress', to, from, to, query.port, protocol);
  return { from: from.id, to: to.id, port: query.port, protocol, allowed: egress.allowed && ingress.allowed, egress, ingress };
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
  const isolating = policies.filter((p) => p.isolates.includes(direction) && contains(p.subjects, subject.index));
  const allowedBy: RuleAllow[] = [];
  const misses: RuleMiss[] = [];
  for (const policy of isolating) {
    for (const rule of policy.rules) {
      if (rule.direction !== direction) continue;
      const portReason = portMiss(rule, dest, port, protocol);
      const matching = rule.peers.filter((p) => p.type === 'any' || contains(p.members, peer.index));
      if (matching.length > 0 && !portReason) {
        for (const p of matching) {
          allowedBy.push({ policy: policy.ref, ruleIndex: rule.index, peerIndex: p.index, peer: p.type === 'any' ? 'any peer (rule has no peers)' : p.description });
        }
        continue;
      }
      const peerReasons = matching.length > 0 ? [] : rule.peers.map((p) => (p.type === 'any' ? '' : `peer ${p.index} (${p.description}): ${p.whyNot(peer)}`));
      misses.push(portReason ? { policy: policy.ref, ruleIndex: rule.index, peerReasons, portReason } : { policy: policy.ref, ruleIndex: rule.index, peerReasons });
    }
  }
  const isolated = isolating.length > 0;
  return {
    direction,
    workload: subject.id,
    allowed: !isolated || allowedBy.length > 0,
    isolated,
    isolatedBy: isolating.map((p) => p.ref),
    allowedBy,
    misses,
  };
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

export function renderExplanation(e: Explanation, style: RenderStyle = PLAIN): string {
  const verdict = e.allowed ? style.good('ALLOWED') : style.bad('DENIED');
  const lines = [`${verdict}: ${e.from} -> ${e.to} ${e.protocol} ${e.port}`];
  for (const side of [e.egress, e.ingress]) {
    const label = `${side.direction} of ${side.workload}`;
    if (!side.isolated) {
      lines.push(`  ${label}: ${style.good('allowed')} (not isolated: no ${side.direction} policy selects it)`);
      continue;
    }
    lines.push(`  ${label}: ${side.allowed ? style.good('allowed') : style.bad('denied')}`);
    lines.push('    isolated by:');
    for (const ref of side.isolatedBy) lines.push(`      - ${formatPolicyRef(ref)}`);
    if (side.allowed) {
      lines.push('    allowed by:');
      for (const a of side.allowedBy) {
        const peer = a.peerIndex === null ? a.peer : `peer ${a.peerIndex} (${a.peer})`;
        lines.push(`      - ${formatPolicyRef(a.policy)} ${side.direction}[${a.ruleIndex}] ${peer}`);
      }
      continue;
    }
    if (side.misses.length === 0) {
      lines.push(`    no rule allows it: the isolating policies have no ${side.direction} rules`);
      continue;
    }
    lines.push('    no rule allows it:');
    for (const m of side.misses) {
      lines.push(`      - ${formatPolicyRef(m.policy)} ${side.direction}[${m.ruleIndex}]:`);
      for (const r of m.peerReasons.filter((x) => x !== '')) lines.push(style.dim(`          ${r}`));
      if (m.peerReasons.length === 0) lines.push(style.dim('          peer matches'));
      if (m.portReason) lines.push(style.dim(`          port: ${m.portReason}`));
    }
  }
  return lines.join('\n');
}
