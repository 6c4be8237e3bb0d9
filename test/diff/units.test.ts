/** The pieces of `bulkhead diff` that need no repository: the unified diff and changed field paths. */
import { changedFields, formatFieldPath } from '../../lib/diff/resources';
import { diffLines, unifiedDiff } from '../../lib/diff/unified';

test('unified diff: git-style headers and hunks as `diff -u` prints them, /dev/null for an added file', () => {
  const lines = (...l: string[]) => `${l.join('\n')}\n`;
  // Changes 6 lines apart share one hunk; further apart they get their own (3 lines of context each).
  expect(unifiedDiff('dist/x.yaml', lines(...'abcdefghij'), lines(...'abcdEfghijk'))).toBe(
    lines('--- a/dist/x.yaml', '+++ b/dist/x.yaml', '@@ -2,9 +2,10 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', ' j', '+k'),
  );
  expect(unifiedDiff('y', lines(...'abcdefghijklmn'), lines(...'aBcdefghijklMn'))).toBe(
    lines('--- a/y', '+++ b/y', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '@@ -10,5 +10,5 @@', ' j', ' k', ' l', '-m', '+M', ' n'),
  );
  expect(unifiedDiff('new.yaml', undefined, 'x\n')).toBe(lines('--- /dev/null', '+++ b/new.yaml', '@@ -0,0 +1 @@', '+x'));
  expect(unifiedDiff('same.yaml', 'x\n', 'x\n')).toBe('');
});

test('the edit script is minimal and rebuilds both sides (pseudo-random cases)', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let t = 0; t < 200; t++) {
    const a = Array.from({ length: Math.floor(rnd() * 30) }, () => `l${Math.floor(rnd() * 5)}`);
    const b = a.filter(() => rnd() > 0.2).flatMap((x) => (rnd() < 0.15 ? [x, `n${Math.floor(rnd() * 4)}`] : [x]));
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.kind !== '+').map((o) => o.line)).toEqual(a);
    expect(ops.filter((o) => o.kind !== '-').map((o) => o.line)).toEqual(b);
    // Minimal: edits = |a| + |b| - 2 * LCS.
    const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    expect(ops.filter((o) => o.kind !== ' ')).toHaveLength(a.length + b.length - 2 * lcs[0][0]);
  }
});

test('changed fields: down to the differing field, arrays of another length as a whole, odd keys quoted', () => {
  const before = { spec: { ingress: [{ from: [{ podSelector: { matchLabels: { 'bulkhead.dev/workload': 'a' } } }], ports: [{ port: 80 }] }], podSelector: {} }, metadata: { name: 'x' } };
  const after = { spec: { ingress: [{ from: [{ podSelector: { matchLabels: { 'bulkhead.dev/workload': 'b' } } }], ports: [{ port: 80 }, { port: 81 }] }], podSelector: {} }, metadata: { name: 'x' } };
  expect(changedFields(before, after)).toEqual(['spec.ingress[0].from[0].podSelector.matchLabels["bulkhead.dev/workload"]', 'spec.ingress[0].ports']);
  expect(changedFields({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } }, { a: { b: { c: { d: { e: { f: { g: 2 } } } } } } })).toEqual(['a.b.c.d.e.f']);
  expect(changedFields('x', 'y')).toEqual(['.']);
  expect(formatFieldPath(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('spec.template.spec.containers[0].image');
});
