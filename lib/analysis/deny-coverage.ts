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
 */
import { AnalysisInputError } from './errors';
import { DenySet, Sides, buildSides, resolve } from './engine';
import { buildInventory } from './inventory';
import type { SourcedObject } from './load';
import type { PortSpec } from './policy';
import { PortMap, allPorts, portsEqual, unionPorts } from './ports';

export interface DenyCoverage {
  /** Ports on which `from` -> `to` is denied (workload ids as `analyze` reports them). */
  deniedPorts(from: string, to: string): PortMap;
  /** Whether every port of every protocol is denied from `from` to `to`. */
  deniesEverything(from: string, to: string): boolean;
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
  const specs = (deny: DenySet | undefined, peer: number): PortSpec[] => (deny ? [...deny.wildcard, ...(deny.perPeer.get(peer) ?? [])] : []);
  const deniedSpecs = (s: number, d: number) => [...specs(sides.egress[s].deny, d), ...specs(sides.ingress[d].deny, s)];

  return {
    deniedPorts(from, to) {
      const s = numberOf(from);
      const d = numberOf(to);
      return resolve(deniedSpecs(s, d), cluster.workloads[d]);
    },
    deniesEverything(from, to) {
      const s = numberOf(from);
      const d = numberOf(to);
      const list = deniedSpecs(s, d);
      // Guardrail denies cover all ports in one spec: answer those without resolving.
      if (list.some(isFull)) return true;
      return list.length > 0 && portsEqual(resolve(list, cluster.workloads[d]), everything);
    },
  };
}
