/**
 * Port sets as sorted, merged, inclusive ranges per protocol.
 *
 * Ranges are always kept normalized (sorted, non-overlapping, non-adjacent) so that equality is structural
 * and every operation is a linear merge instead of a per-port set.
 */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export type PortRange = [number, number];
/** A protocol with nothing allowed is omitted; all ports of a protocol is `[[1, 65535]]`. */
export type PortMap = { [P in Protocol]?: PortRange[] };

export function isProtocol(value: unknown): value is Protocol {
  return value === 'TCP' || value === 'UDP' || value === 'SCTP';
}

/** Sorts and merges overlapping or adjacent ranges; drops empty ones and clamps to 1..65535. */
export function normalizeRanges(ranges: readonly (readonly [number, number])[]): PortRange[] {
  const clean = ranges
    .map(([lo, hi]): PortRange => [Math.max(lo, MIN_PORT), Math.min(hi, MAX_PORT)])
    .filter(([lo, hi]) => lo <= hi)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: PortRange[] = [];
  for (const [lo, hi] of clean) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) {
      last[1] = Math.max(last[1], hi);
    } else {
      out.push([lo, hi]);
    }
  }
  return out;
}

export function unionRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  if (a.length === 0) return b.map(copy);
  if (b.length === 0) return a.map(copy);
  return normalizeRanges([...a, ...b]);
}

export function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

export function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let j = 0;
  for (const [lo0, hi] of a) {
    let lo = lo0;
    while (j < b.length && b[j][1] < lo) j++;
    let k = j;
    while (k < b.length && b[k][0] <= hi && lo <= hi) {
      if (b[k][0] > lo) out.push([lo, b[k][0] - 1]);
      lo = b[k][1] + 1;
      k++;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

export function rangesContain(ranges: readonly PortRange[], port: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (port < ranges[mid][0]) hi = mid - 1;
    else if (port > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export function allPorts(): PortMap {
  return { TCP: [[MIN_PORT, MAX_PORT]], UDP: [[MIN_PORT, MAX_PORT]], SCTP: [[MIN_PORT, MAX_PORT]] };
}

export function isEmptyPorts(map: PortMap): boolean {
  return PROTOCOLS.every((p) => !map[p] || map[p]!.length === 0);
}

export function isAllPorts(map: PortMap): boolean {
  return PROTOCOLS.every((p) => isFullRange(map[p]));
}

export function unionPorts(a: PortMap, b: PortMap): PortMap {
  return combine(a, b, unionRanges);
}

export function intersectPorts(a: PortMap, b: PortMap): PortMap {
  return combine(a, b, intersectRanges);
}

export function subtractPorts(a: PortMap, b: PortMap): PortMap {
  return combine(a, b, subtractRanges);
}

export function portsContain(map: PortMap, port: number, protocol: Protocol): boolean {
  const ranges = map[protocol];
  return ranges !== undefined && rangesContain(ranges, port);
}

export function portsEqual(a: PortMap, b: PortMap): boolean {
  return PROTOCOLS.every((p) => JSON.stringify(a[p] ?? []) === JSON.stringify(b[p] ?? []));
}

/** `TCP 80, 8080-8090, UDP 53`; `all ports` when every protocol is fully open; `none` when empty. */
export function formatPorts(map: PortMap): string {
  if (isAllPorts(map)) return 'all ports';
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const ranges = map[p];
    if (!ranges || ranges.length === 0) continue;
    parts.push(`${p} ${ranges.map(formatRange).join(', ')}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function formatRange([lo, hi]: readonly [number, number]): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

function isFullRange(ranges: readonly PortRange[] | undefined): boolean {
  return ranges !== undefined && ranges.length === 1 && ranges[0][0] === MIN_PORT && ranges[0][1] === MAX_PORT;
}

function copy(r: PortRange): PortRange {
  return [r[0], r[1]];
}

function combine(
  a: PortMap,
  b: PortMap,
  op: (x: readonly PortRange[], y: readonly PortRange[]) => PortRange[],
): PortMap {
  const out: PortMap = {};
  for (const p of PROTOCOLS) {
    const r = op(a[p] ?? [], b[p] ?? []);
    if (r.length > 0) out[p] = r;
  }
  return out;
}
