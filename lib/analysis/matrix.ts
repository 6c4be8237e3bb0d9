/** Pair lookups over a computed Connectivity (what a verifier asks: "may A reach B on port P?"). */
import type { Connectivity } from './engine';
import { PortMap, Protocol, portsContain } from './ports';

export class ConnectivityMatrix {
  private readonly pairs = new Map<string, PortMap>();
  private readonly ids: Set<string>;

  constructor(readonly connectivity: Connectivity) {
    for (const c of connectivity.connections) this.pairs.set(pairKey(c.from, c.to), c.ports);
    this.ids = new Set(connectivity.workloads.map((w) => w.id));
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Allowed ports from `from` to `to`; `{}` when nothing is allowed (or for a workload to itself). */
  allowedPorts(from: string, to: string): PortMap {
    const ports = this.pairs.get(pairKey(from, to));
    return ports ? structuredClone(ports) : {};
  }

  isAllowed(from: string, to: string, port: number, protocol: Protocol = 'TCP'): boolean {
    const ports = this.pairs.get(pairKey(from, to));
    return ports !== undefined && portsContain(ports, port, protocol);
  }
}

const matrices = new WeakMap<Connectivity, ConnectivityMatrix>();

/** The (cached) matrix for a connectivity result, so repeated free-function calls stay O(1). */
export function matrixOf(conn: Connectivity): ConnectivityMatrix {
  let m = matrices.get(conn);
  if (!m) {
    m = new ConnectivityMatrix(conn);
    matrices.set(conn, m);
  }
  return m;
}

export function allowedPorts(conn: Connectivity, from: string, to: string): PortMap {
  return matrixOf(conn).allowedPorts(from, to);
}

export function isAllowed(conn: Connectivity, from: string, to: string, port: number, protocol: Protocol = 'TCP'): boolean {
  return matrixOf(conn).isAllowed(from, to, port, protocol);
}

function pairKey(from: string, to: string): string {
  return `${from}\0${to}`;
}
