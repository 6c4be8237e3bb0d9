/** MemberSet: the shared member sets of deny rules, as a sorted array (small) or a bitset (64 members and up). */
import fc from 'fast-check';
import { MemberSet } from '../../lib/analysis/members';

test('has and hasAll equal a plain Set, below and above the bitset size', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(300), { maxLength: 200 }), fc.array(fc.nat(400), { maxLength: 20 }), (members, probes) => {
      const set = MemberSet.of(members);
      const plain = new Set(members);
      expect(set.size).toBe(plain.size);
      expect([...set.list]).toEqual([...plain].sort((a, b) => a - b));
      for (const p of [...probes, ...members]) expect(set.has(p)).toBe(plain.has(p));
      expect(set.hasAll(probes)).toBe(probes.every((p) => plain.has(p)));
      expect(set.hasAll(members)).toBe(true);
    }),
    { numRuns: 300 },
  );
});

test('sizes at the bitset threshold, and workload numbers past 31 bits of a word', () => {
  for (const n of [0, 1, 63, 64, 65, 1000]) {
    const members = Array.from({ length: n }, (_, i) => i * 3 + 31);
    const set = MemberSet.of(members);
    expect(members.every((m) => set.has(m))).toBe(true);
    expect(set.has(30)).toBe(false);
    expect(set.has(32)).toBe(false);
    expect(set.has(n * 3 + 31)).toBe(false);
    expect(set.hasAll([])).toBe(true);
  }
});
