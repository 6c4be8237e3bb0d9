/**
 * Allowed ports as a person writes them in platform.yaml. A connection's port set on one destination splits
 * into "atoms": a port name where the destination names every port of a range (`http`), otherwise the range
 * as it is (`8080`, `{port: 9000, endPort: 9010}`, `{port: 53, protocol: UDP}`). Atoms are what flows group
 * on: the same atom to several destinations (or from several sources) can share one flow.
 */
import { PROTOCOLS, PortMap, normalizeRanges, unionPorts } from '../analysis';
import type { HttpRuleSpec, PortRefSpec, Protocol } from '../intent/types';
import type { PlatformPort } from './workloads';

export interface Atom {
  /** Identity across destinations: `n:<name>` or `r:<protocol>:<lo>-<hi>`, plus `|<http>` when HTTP-restricted. */
  readonly key: string;
  readonly ref: PortRefSpec;
  /** Only these requests pass (Cilium L7); the port is then a single TCP port. */
  readonly http?: readonly HttpRuleSpec[];
  /** `''` for plain L4. */
  readonly httpKey: string;
  /** Names first (alphabetically), then ranges by protocol and number. */
  readonly order: string;
}

/** A numeric port reference: a TCP number, or a range / another protocol as an object. */
export function rangeRef(protocol: Protocol, lo: number, hi: number): number | { port: number; endPort?: number; protocol?: Protocol } {
  if (lo === hi && protocol === 'TCP') return lo;
  return { port: lo, ...(hi > lo ? { endPort: hi } : {}), ...(protocol !== 'TCP' ? { protocol } : {}) };
}

/** The numeric references covering `ports` exactly (egress to addresses has no names). */
export function rangeRefs(ports: PortMap): Array<number | { port: number; endPort?: number; protocol?: Protocol }> {
  return PROTOCOLS.flatMap((protocol) => (ports[protocol] ?? []).map(([lo, hi]) => rangeRef(protocol, lo, hi)));
}

/** Atoms covering `ports` exactly on a destination with these platform ports. */
export function atomsOn(dest: readonly PlatformPort[], ports: PortMap, http?: readonly HttpRuleSpec[]): Atom[] {
  const httpKey = http ? JSON.stringify(http) : '';
  const suffix = httpKey ? `|${httpKey}` : '';
  const out: Atom[] = [];
  PROTOCOLS.forEach((protocol, pi) => {
    for (const [lo, hi] of ports[protocol] ?? []) {
      const named = dest.filter((p) => p.protocol === protocol && p.port >= lo && p.port <= hi);
      // Every port of the range is named on the destination: the names say it better than numbers.
      if (named.length === hi - lo + 1) {
        for (const p of named) out.push({ key: `n:${p.name}${suffix}`, ref: p.name, ...(http ? { http } : {}), httpKey, order: `0 ${p.name}` });
      } else {
        const order = `1 ${pi} ${String(lo).padStart(5, '0')}`;
        out.push({ key: `r:${protocol}:${lo}-${hi}${suffix}`, ref: rangeRef(protocol, lo, hi), ...(http ? { http } : {}), httpKey, order });
      }
    }
  });
  return out;
}

/** The ports an atom opens on one destination (a name resolves there, with its protocol). */
export function portsOf(atom: Atom, dest: readonly PlatformPort[]): PortMap {
  const ref = atom.ref;
  if (typeof ref === 'string') {
    const p = dest.find((x) => x.name === ref);
    return p ? { [p.protocol]: [[p.port, p.port]] } : {};
  }
  if (typeof ref === 'number') return { TCP: [[ref, ref]] };
  return { [ref.protocol ?? 'TCP']: normalizeRanges([[ref.port, ref.endPort ?? ref.port]]) };
}

export function portsOfAll(atoms: readonly Atom[], dest: readonly PlatformPort[]): PortMap {
  return atoms.reduce<PortMap>((acc, a) => unionPorts(acc, portsOf(a, dest)), {});
}
