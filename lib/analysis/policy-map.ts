/**
 * An estimate of the Cilium BPF policy-map entries each workload's endpoint needs (bpf.policyMapMax defaults
 * to 16384 per endpoint; an overflow silently drops allowed traffic). Method in README.md ("Policy-map
 * estimate"): Cilium keys an entry by (peer identity, protocol, port or port prefix, direction); the estimate
 * builds that key set per workload from every allow and deny rule selecting it, deduplicated exactly.
 */
import type { Cluster } from './cluster';
import { cidrFragments } from './ip';
import { buildInventory } from './inventory';
import type { SourcedObject } from './load';
import type { CompiledPolicy, CompiledRule, Direction, RawPort } from './policy';
import { MAX_PORT, MIN_PORT } from './ports';

export interface PolicyMapEstimate {
  /** `namespace/name` */
  workload: string;
  ingress: number;
  egress: number;
  total: number;
}

/**
 * Entries Cilium installs whatever the policies say: the ingress allow from `reserved:host` (the agent's
 * allow-localhost, on by default under Kubernetes; it shows up in `cilium bpf policy get` as
 * `Allow Ingress reserved:host`).
 */
export const ALWAYS_INSTALLED_ENTRIES: Readonly<Record<Direction, number>> = Object.freeze({ ingress: 1, egress: 0 });

/** Port-key ids stay below this, so `identity * STRIDE + portKey` is one exact number (identities < 2^32). */
const STRIDE = 2 ** 21;

/**
 * A rule with at least this many keys and more than one subject is "large": its keys are unioned once per
 * distinct combination of large rules instead of once per subject (same count, far less work).
 */
const LARGE_RULE_KEYS = 64;

/** One entry per workload, sorted by id. */
export function estimatePolicyMap(objects: readonly SourcedObject[]): PolicyMapEstimate[] {
  const { cluster, policies } = buildInventory(objects);
  return estimateFromPolicies(cluster, policies);
}

/** `largeRuleKeys`: the threshold for sharing a rule's keys (tests vary it: the counts must not change). */
export function estimateFromPolicies(cluster: Cluster, policies: readonly CompiledPolicy[], { largeRuleKeys = LARGE_RULE_KEYS } = {}): PolicyMapEstimate[] {
  const identities = new Map<string, number>();
  // Identity 0 is the wildcard (a rule without peers, or Cilium's `all` entity): one entry for every peer.
  const identity = (key: string): number => {
    let id = identities.get(key);
    if (id === undefined) identities.set(key, (id = identities.size + 1));
    return id;
  };
  // Workloads with the same labels in the same namespace share one security identity.
  const workloadIdentity = Int32Array.from(cluster.workloads, (w) => {
    const labels = Object.keys(w.labels)
      .sort()
      .map((k) => [k, w.labels[k]]);
    return identity(`pod ${w.namespace}\0${JSON.stringify(labels)}`);
  });
  const portKeys = new Map<string, number>();
  const portKey = (key: string): number => {
    let id = portKeys.get(key);
    if (id === undefined) portKeys.set(key, (id = portKeys.size));
    if (id >= STRIDE) throw new Error('internal: too many distinct port keys for the policy-map estimate');
    return id;
  };

  const keysOf = (rule: CompiledRule): number[] => {
    const peers = new Set<number>();
    for (const peer of rule.peers) {
      if (peer.type === 'any') {
        peers.add(0);
        continue;
      }
      for (const m of peer.members) peers.add(workloadIdentity[m]);
      for (const t of peer.external) {
        if (t.kind === 'fqdn') peers.add(identity(`fqdn ${t.fqdn}`));
        else if (t.kind === 'entity') peers.add(identity(`entity:${t.entity}`));
        else for (const f of cidrFragments(t.cidr, t.except)) peers.add(identity(f === '0.0.0.0/0' || f === '::/0' ? 'entity:world' : `cidr ${f}`));
      }
      for (const key of peer.identities ?? []) peers.add(identity(key));
    }
    const ports = new Set<number>();
    for (const k of collapseWildcard(rule.rawPorts.flatMap(rawPortKeys))) ports.add(portKey(k));
    const keys: number[] = [];
    for (const id of peers) for (const pk of ports) keys.push(id * STRIDE + pk);
    return keys;
  };

  // Small rules: their keys go into the subject's own set, as Cilium would install them. Large rules shared by
  // several subjects (a guardrail's namespace-wide peers: thousands of identities x ports) are not copied into
  // every subject's set: each subject records which of them select it, the union of each distinct combination
  // of large rules is built once, and a subject's count is that union's size plus its own keys outside it.
  // The same exact count, without the per-subject expansion.
  const sets: Record<Direction, (Set<number> | undefined)[]> = { ingress: [], egress: [] };
  const largeOf: Record<Direction, (number[] | undefined)[]> = { ingress: [], egress: [] };
  const largeKeys: number[][] = [];
  for (const p of policies) {
    for (const rule of p.rules) {
      if (p.subjects.length === 0) break;
      const keys = keysOf(rule);
      if (keys.length === 0) continue;
      if (keys.length >= largeRuleKeys && p.subjects.length > 1) {
        const id = largeKeys.push(keys) - 1;
        const byWorkload = largeOf[rule.direction];
        for (const s of p.subjects) (byWorkload[s] ??= []).push(id);
        continue;
      }
      const byWorkload = sets[rule.direction];
      for (const s of p.subjects) {
        const set = (byWorkload[s] ??= new Set<number>());
        for (const k of keys) set.add(k);
      }
    }
  }
  const counts: Record<Direction, Int32Array> = { ingress: new Int32Array(cluster.workloads.length), egress: new Int32Array(cluster.workloads.length) };
  for (const dir of ['ingress', 'egress'] as const) {
    const bySignature = new Map<string, number[]>();
    cluster.workloads.forEach((w) => {
      const large = largeOf[dir][w.index];
      if (!large) {
        counts[dir][w.index] = sets[dir][w.index]?.size ?? 0;
        return;
      }
      const signature = [...new Set(large)].sort((a, b) => a - b).join(' ');
      const group = bySignature.get(signature);
      if (group) group.push(w.index);
      else bySignature.set(signature, [w.index]);
    });
    for (const [signature, subjects] of bySignature) {
      const union = new Set<number>();
      for (const id of signature.split(' ')) for (const k of largeKeys[Number(id)]) union.add(k);
      for (const s of subjects) {
        let n = union.size;
        for (const k of sets[dir][s] ?? []) if (!union.has(k)) n++;
        counts[dir][s] = n;
      }
    }
  }
  return cluster.workloads
    .map((w) => {
      const ingress = counts.ingress[w.index] + ALWAYS_INSTALLED_ENTRIES.ingress;
      const egress = counts.egress[w.index] + ALWAYS_INSTALLED_ENTRIES.egress;
      return { workload: w.id, ingress, egress, total: ingress + egress };
    })
    .sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
}

/**
 * The policy-map port keys one written port needs: a single port 1, a range one per power-of-two prefix
 * covering it exactly (Cilium 1.16+ stores ranges as port prefixes), a whole protocol 1, a named port 1.
 */
/**
 * Every port of every protocol is one entry, not one per protocol: an L3-only rule installs a single
 * key with protocol and port 0 (the wildcard), as does a rule whose ports cover TCP, UDP and SCTP whole.
 */
export function collapseWildcard(keys: readonly string[]): string[] {
  // Narrower keys of the same rule add nothing next to the wildcard: it already covers them.
  return ['TCP *', 'UDP *', 'SCTP *'].every((k) => keys.includes(k)) ? ['ANY *'] : [...keys];
}

export function rawPortKeys(raw: RawPort): string[] {
  if (raw.name !== undefined) return [`${raw.protocol} name ${raw.name}`];
  if (!raw.range || (raw.range[0] <= MIN_PORT && raw.range[1] >= MAX_PORT)) return [`${raw.protocol} *`];
  return portPrefixes(raw.range[0], raw.range[1]).map(([base, len]) => `${raw.protocol} ${base}/${len}`);
}

/** The fewest aligned power-of-two blocks that cover lo..hi exactly, as (base, prefix length of 16 bits). */
export function portPrefixes(lo: number, hi: number): [number, number][] {
  const out: [number, number][] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 1;
    let bits = 0;
    while (bits < 16 && cur % (size * 2) === 0 && cur + size * 2 - 1 <= hi) {
      size *= 2;
      bits++;
    }
    out.push([cur, 16 - bits]);
    cur += size;
  }
  return out;
}
