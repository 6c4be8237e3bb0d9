/**
 * Which rules allowed what, from the analyzer's compiled policies: flows name the policies behind them,
 * and what cannot be expressed is listed by policy and rule. A side no policy isolates allows everything;
 * it is reported as `open` instead of a rule.
 */
import { intersectPorts, isEmptyPorts, resolveOnDestination } from '../analysis';
import type { CompiledPolicy, CompiledRule, Direction, ExternalTarget, Inventory, PortMap } from '../analysis';
import { compare } from './inventory';

export interface RuleRef {
  readonly policy: CompiledPolicy['ref'];
  readonly section: string;
  readonly index: number;
}

export type SideRules = readonly RuleRef[] | 'open';

export class Attribution {
  private readonly selecting: CompiledPolicy[][];

  constructor(private readonly inventory: Inventory) {
    this.selecting = inventory.cluster.workloads.map(() => []);
    for (const p of inventory.policies) for (const s of p.subjects) this.selecting[s].push(p);
  }

  isolated(direction: Direction, workload: number): boolean {
    return this.selecting[workload].some((p) => p.isolates.includes(direction));
  }

  /**
   * The allow rules on `subject`'s side that admit workload `peer` on some of `ports` (resolved on `dest`).
   * `http`: count only the parts of rules with HTTP rules (true) or without (false), i.e. the rules that
   * gave the traffic its shape: an HTTP rule next to a plain one on the same port restricts nothing.
   */
  peerRules(direction: Direction, subject: number, peer: number, dest: number, ports: PortMap, http?: boolean): SideRules {
    if (!this.isolated(direction, subject)) return 'open';
    const target = this.inventory.cluster.workloads[dest];
    return this.rules(direction, subject, (rule) => {
      if (!rule.peers.some((p) => p.type === 'any' || includes(p.members, peer))) return false;
      const grants = http === undefined ? [rule.ports] : rule.grants.filter((g) => (g.http !== undefined) === http);
      return !isEmptyPorts(intersectPorts(resolveOnDestination(grants, target), ports));
    });
  }

  /** The allow rules on `subject`'s side whose peers reach an outside target `matches` accepts, on some of `ports`. */
  externalRules(direction: Direction, subject: number, matches: (t: ExternalTarget) => boolean, ports: PortMap): SideRules {
    if (!this.isolated(direction, subject)) return 'open';
    const self = this.inventory.cluster.workloads[subject];
    return this.rules(direction, subject, (rule) => {
      if (!rule.peers.some((p) => p.type === 'any' || p.external.some(matches))) return false;
      const opened = direction === 'egress' ? rule.ports.ranges : resolveOnDestination([rule.ports], self);
      return !isEmptyPorts(intersectPorts(opened, ports));
    });
  }

  /** Deny rules of the policies selecting any of `workloads`, each with the workloads it applies to. */
  denyRules(workloads: ReadonlySet<number>): Array<{ rule: RuleRef; subjects: number[] }> {
    const out: Array<{ rule: RuleRef; subjects: number[] }> = [];
    for (const p of this.inventory.policies) {
      const subjects = p.subjects.filter((s) => workloads.has(s));
      if (subjects.length === 0) continue;
      for (const r of p.rules) if (r.effect === 'deny') out.push({ rule: { policy: p.ref, section: r.section, index: r.index }, subjects });
    }
    return out;
  }

  private rules(direction: Direction, subject: number, admits: (rule: CompiledRule) => boolean): RuleRef[] {
    const out: RuleRef[] = [];
    for (const p of this.selecting[subject]) {
      for (const r of p.rules) if (r.direction === direction && r.effect === 'allow' && admits(r)) out.push({ policy: p.ref, section: r.section, index: r.index });
    }
    return out;
  }
}

/** `NetworkPolicy shop/web`, `CiliumClusterwideNetworkPolicy guard`. */
export function policyName(ref: CompiledPolicy['ref']): string {
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `NetworkPolicy shop/web ingress[0]`. */
export function ruleName(rule: RuleRef): string {
  return `${policyName(rule.policy)} ${rule.section}[${rule.index}]`;
}

/**
 * A flow's or egress entry's description: the policies that allowed what it stands for, and the sides no
 * policy isolated. `sides` holds one entry per connection it stands for.
 */
export function describeAllowed(sides: ReadonlyArray<{ egress: SideRules; ingress?: SideRules }>): string {
  const names = new Set<string>();
  let egressOpen = 0;
  let ingressOpen = 0;
  for (const s of sides) {
    if (s.egress === 'open') egressOpen++;
    else for (const r of s.egress) names.add(policyName(r.policy));
    if (s.ingress === 'open') ingressOpen++;
    else for (const r of s.ingress ?? []) names.add(policyName(r.policy));
  }
  if (!names.size && egressOpen === sides.length && (ingressOpen === sides.length || sides.every((s) => s.ingress === undefined))) {
    return sides.every((s) => s.ingress === undefined) ? 'No egress policy isolates the source.' : 'No policy isolates either side.';
  }
  const parts: string[] = [];
  if (names.size) parts.push(`allowed by ${listSome([...names].sort(compare))}`);
  if (egressOpen) parts.push(egressOpen === sides.length ? "the source's egress is not isolated" : "some sources' egress is not isolated");
  if (ingressOpen) parts.push(ingressOpen === sides.length ? "the destination's ingress is not isolated" : "some destinations' ingress is not isolated");
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Where a finding about one side goes: each rule that allowed it, or the workload when nothing isolates that side. */
export function whereOf(rules: SideRules, workload: string, direction: 'ingress' | 'egress'): string[] {
  if (rules === 'open') return [`${workload} (no ${direction} policy)`];
  return rules.length ? rules.map(ruleName) : [`${workload} ${direction}`];
}

/** At most four items, then how many more. */
export function listSome(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : (items[0] ?? '');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Binary search in an ascending list (the analyzer keeps subjects and members sorted). */
export function includes(sorted: readonly number[], x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return true;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
