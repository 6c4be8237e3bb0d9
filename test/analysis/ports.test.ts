import fc from 'fast-check';
import {
  PortRange,
  formatPorts,
  intersectRanges,
  normalizeRanges,
  rangesContain,
  subtractRanges,
  unionRanges,
} from '../../lib/analysis/ports';

/** Ports 1..U: small enough to compare with plain sets, big enough for gaps and adjacency. */
const U = 40;
const range = fc.tuple(fc.integer({ min: 1, max: U }), fc.integer({ min: 1, max: U })).map(([a, b]): PortRange => [Math.min(a, b), Math.max(a, b)]);
const rawRanges = fc.array(range, { maxLength: 6 });

function toSet(ranges: readonly PortRange[]): Set<number> {
  const s = new Set<number>();
  for (const [lo, hi] of ranges) for (let p = lo; p <= hi; p++) s.add(p);
  return s;
}

function isNormalized(ranges: readonly PortRange[]): boolean {
  return ranges.every(([lo, hi], i) => lo <= hi && (i === 0 || lo > ranges[i - 1][1] + 1));
}

function sorted(s: Set<number>): number[] {
  return [...s].sort((a, b) => a - b);
}

describe('port range utilities agree with brute-force sets', () => {
  test('normalize keeps the same ports, sorted, merged and non-adjacent', () => {
    fc.assert(
      fc.property(rawRanges, (r) => {
        const n = normalizeRanges(r);
        expect(isNormalized(n)).toBe(true);
        expect(sorted(toSet(n))).toEqual(sorted(toSet(r)));
      }),
    );
  });

  test('union, intersect and subtract', () => {
    fc.assert(
      fc.property(rawRanges, rawRanges, (ra, rb) => {
        const a = normalizeRanges(ra);
        const b = normalizeRanges(rb);
        const sa = toSet(a);
        const sb = toSet(b);
        const union = unionRanges(a, b);
        const inter = intersectRanges(a, b);
        const diff = subtractRanges(a, b);
        for (const r of [union, inter, diff]) expect(isNormalized(r)).toBe(true);
        expect(sorted(toSet(union))).toEqual(sorted(new Set([...sa, ...sb])));
        expect(sorted(toSet(inter))).toEqual([...sa].filter((p) => sb.has(p)).sort((x, y) => x - y));
        expect(sorted(toSet(diff))).toEqual([...sa].filter((p) => !sb.has(p)).sort((x, y) => x - y));
      }),
    );
  });

  test('contains', () => {
    fc.assert(
      fc.property(rawRanges, fc.integer({ min: 0, max: U + 1 }), (r, port) => {
        const n = normalizeRanges(r);
        expect(rangesContain(n, port)).toBe(toSet(n).has(port));
      }),
    );
  });
});

describe('normalizeRanges', () => {
  test('merges adjacent ranges and clamps to 1..65535', () => {
    expect(normalizeRanges([[80, 80], [81, 90], [0, 5], [65000, 70000]])).toEqual([[1, 5], [80, 90], [65000, 65535]]);
  });
});

describe('formatPorts', () => {
  test('lists protocols in TCP, UDP, SCTP order with single ports and ranges', () => {
    expect(formatPorts({ UDP: [[53, 53]], TCP: [[80, 80], [8080, 8090]] })).toBe('TCP 80, 8080-8090, UDP 53');
  });
  test('names the two extremes', () => {
    expect(formatPorts({})).toBe('none');
    expect(formatPorts({ TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] })).toBe('all ports');
    expect(formatPorts({ TCP: [[1, 65535]] })).toBe('TCP 1-65535');
  });
});
