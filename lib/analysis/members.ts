/**
 * Shared workload sets for deny rules. A deny rule's peers (a guardrail's "every workload in these
 * namespaces") are turned into one set per rule, shared by every subject the rule applies to, instead of
 * being copied into each subject's side: a namespace-wide deny between 1,666 and 1,666 workloads is then
 * one set of 1,666 members, not 2.8 million (subject, peer) entries.
 */
import type { CompiledRule, MatchPeer } from './policy';

/** Below this many members a sorted array with binary search; from it on a bitset over all workloads. */
const BITSET_FROM = 64;

/** An immutable set of workload numbers. */
export class MemberSet {
  /** Ascending, without duplicates. */
  readonly list: Int32Array;
  private readonly bits: Uint32Array | undefined;

  private constructor(list: Int32Array) {
    this.list = list;
    if (list.length >= BITSET_FROM) {
      const bits = new Uint32Array((list[list.length - 1] >>> 5) + 1);
      for (const w of list) bits[w >>> 5] |= 1 << (w & 31);
      this.bits = bits;
    }
  }

  static of(members: Iterable<number>): MemberSet {
    const list = Int32Array.from(new Set(members)).sort();
    return new MemberSet(list);
  }

  get size(): number {
    return this.list.length;
  }

  has(w: number): boolean {
    if (this.bits) {
      const word = w >>> 5;
      return word < this.bits.length && (this.bits[word] & (1 << (w & 31))) !== 0;
    }
    const list = this.list;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = list[mid];
      if (v === w) return true;
      if (v < w) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Whether every workload of `ws` is a member. */
  hasAll(ws: readonly number[]): boolean {
    if (ws.length > this.list.length) {
      // More distinct workloads than members cannot all be members (`ws` may repeat, so check anyway).
      if (new Set(ws).size > this.list.length) return false;
    }
    for (const w of ws) if (!this.has(w)) return false;
    return true;
  }
}

/** The workloads a deny rule's peers match, as one set (undefined when no peer matches a workload). */
export interface RuleMembers {
  /** A peer without restriction (`any`): every workload. */
  any: boolean;
  members: MemberSet | undefined;
}

const byRule = new WeakMap<CompiledRule, RuleMembers>();

/** The union of a rule's peers' members, computed once per compiled rule. */
export function ruleMembers(rule: CompiledRule): RuleMembers {
  let out = byRule.get(rule);
  if (out) return out;
  let any = false;
  const matched: (readonly number[])[] = [];
  for (const peer of rule.peers) {
    if (peer.type === 'any') any = true;
    else if ((peer as MatchPeer).members.length > 0) matched.push((peer as MatchPeer).members);
  }
  const members = matched.length === 0 ? undefined : MemberSet.of(matched.length === 1 ? matched[0] : matched.flat());
  out = { any, members };
  byRule.set(rule, out);
  return out;
}
