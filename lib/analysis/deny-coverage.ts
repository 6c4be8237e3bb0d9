/**
 * What deny rules alone guarantee, whatever allows are added later: `deniedPorts(a, b)` are the ports
 * on which a -> b stays closed even if both ends allowed everything. Cilium evaluates deny rules at
 * each end before any allow (NetworkPolicy included), so the guarantee is the union of the source's
 * egress denies toward b and the destination's ingress denies from a.
 *
 * This is the question "can a tenant's own policy open the path?" answered without building the
 * quadratic connectivity of a cluster where everything is allowed.
 *
 *   const denies = denyCoverage(objects);
 *   denies.deniesEverything('billing/invoicer', 'patient-data/records-api'); // true under a guardrail
 *   denies.deniesEverythingBetween(billingIds, patientDataIds, 5);           // { open: [], openCount: 0 }
 *
 * Whole blocks (every workload of some tenants to every workload of others) are answered per (source, deny
 * rule) where possible: a deny rule of all ports whose shared member set contains the whole target set
 * closes every pair of that source at once (likewise an ingress deny containing every source). Only the
 * pairs no such rule closes are checked one by one, exactly as `deniesEverything` does.
 */
import { AnalysisInputError } from './errors';
import { DenyRule, DenySet, Sides, buildSides, deniedSpecs, resolve } from './engine';
import { buildInventory } from './inventory';
import type { SourcedObject } from './load';
import type { PortSpec } from './policy';
import { PortMap, allPorts, portsEqual, unionPorts } from './ports';

/** A pair `from` -> `to` on which some port is not denied. */
export interface OpenPair {
  from: string;
  to: string;
}

export interface BlockCoverage {
  /** The first `limit` open pairs, in `from` x `to` order (a workload to itself is never a pair). */
  open: OpenPair[];
  /** How many pairs are open in all. */
  openCount: number;
}

export interface DenyCoverage {
  /** Ports on which `from` -> `to` is denied (workload ids as `analyze` reports them). */
  deniedPorts(from: string, to: string): PortMap;
  /** Whether every port of every protocol is denied from `from` to `to`. */
  deniesEverything(from: string, to: string): boolean;
  /**
   * `deniesEverything` for every pair of `fromIds` x `toIds` (pairs of a workload with itself skipped): the
   * pairs that stay open, at most `limit` of them listed (default 100), and their count. Everything closed
   * when `openCount` is 0.
   */
  deniesEverythingBetween(fromIds: readonly string[], toIds: readonly string[], limit?: number): BlockCoverage;
}

export function denyCoverage(objects: readonly SourcedObject[]): DenyCoverage {
  const { cluster, policies } = buildInventory(objects);
  const sides: Sides = buildSides(cluster, policies);
  const index = new Map(cluster.workloads.map((w) => [w.id, w.index]));
  const everything = allPorts();
  const full = new WeakMap<PortSpec, boolean>();
  const isFull = (spec: PortSpec) => {
    let f = full.get(spec);
    if (f === undefined) full.set(spec, (f = portsEqual(unionPorts({}, spec.ranges), everything)));
    return f;
  };
  const numberOf = (id: string) => {
    const n = index.get(id);
    if (n === undefined) throw new AnalysisInputError(`no workload "${id}" in the manifests`);
    return n;
  };
  /** One spec of the side denies every port toward `peer`. */
  const fullFor = (deny: DenySet | undefined, peer: number): boolean =>
    deny !== undefined && (deny.wildcard.some(isFull) || deny.rules.some((r) => isFull(r.spec) && r.members.has(peer)));
  const pairDeniesEverything = (s: number, d: number): boolean => {
    const egress = sides.egress[s].deny;
    const ingress = sides.ingress[d].deny;
    // Guardrail denies cover all ports in one spec: answer those without resolving.
    if (fullFor(egress, d) || fullFor(ingress, s)) return true;
    const list = [...deniedSpecs(egress, d), ...deniedSpecs(ingress, s)];
    return list.length > 0 && portsEqual(resolve(list, cluster.workloads[d]), everything);
  };

  return {
    deniedPorts(from, to) {
      const s = numberOf(from);
      const d = numberOf(to);
      return resolve([...deniedSpecs(sides.egress[s].deny, d), ...deniedSpecs(sides.ingress[d].deny, s)], cluster.workloads[d]);
    },
    deniesEverything(from, to) {
      return pairDeniesEverything(numberOf(from), numberOf(to));
    },
    deniesEverythingBetween(fromIds, toIds, limit = 100) {
      const sources = fromIds.map(numberOf);
      const targets = toIds.map(numberOf);
      // Per deny rule, once per call: do its members hold every target (every source)?
      const holdsAll = (workloads: readonly number[]) => {
        const cache = new Map<DenyRule, boolean>();
        return (r: DenyRule) => {
          let v = cache.get(r);
          if (v === undefined) cache.set(r, (v = r.members.hasAll(workloads)));
          return v;
        };
      };
      const holdsAllTargets = holdsAll(targets);
      const holdsAllSources = holdsAll(sources);
      const closesAll = (deny: DenySet | undefined, holds: (r: DenyRule) => boolean) =>
        deny !== undefined && (deny.wildcard.some(isFull) || deny.rules.some((r) => isFull(r.spec) && holds(r)));
      // Targets whose own ingress denies closes them to every source.
      const targetClosed = targets.map((d) => closesAll(sides.ingress[d].deny, holdsAllSources));
      const open: OpenPair[] = [];
      let openCount = 0;
      sources.forEach((s, i) => {
        const egress = sides.egress[s].deny;
        if (closesAll(egress, holdsAllTargets)) return;
        targets.forEach((d, j) => {
          if (s === d || targetClosed[j] || pairDeniesEverything(s, d)) return;
          openCount++;
          if (open.length < limit) open.push({ from: fromIds[i], to: toIds[j] });
        });
      });
      return { open, openCount };
    },
  };
}
