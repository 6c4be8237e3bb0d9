/**
 * The loader's fast path (js-yaml, for plain multi-document YAML) must read exactly what the careful
 * path (the `yaml` library, which also bounds alias expansion and positions errors) reads: the same
 * objects, document indexes and start lines, on any text the fast path accepts.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseManifestText, parseYamlCarefully, parseYamlFast } from '../../lib/analysis/load';

const key = fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,12}$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('yes', 'no', 'on', 'off', 'null', '~', 'true', 'True', '0x1F', '0o17', '017', '1e3', '.inf', '-.nan', '2026-12-01', '12:30', '- x', '# not a comment', '*star', '&amp', '"q"', "'s'", ''),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const manifest = fc.record({ apiVersion: fc.constantFrom('v1', 'apps/v1'), kind: fc.constantFrom('Pod', 'ConfigMap'), metadata: fc.record({ name: key }), data: value });

/** A multi-document text as people and tools write them: separators with or without comments, blank docs, leading comments. */
const stream = fc
  .array(
    fc.record({
      doc: fc.option(manifest, { nil: undefined }),
      separator: fc.constantFrom('---\n', '--- # next\n', '---\n# comment\n\n', '---\r\n'),
      style: fc.constantFrom<'block' | 'flow'>('block', 'flow'),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .chain((docs) => fc.record({ docs: fc.constant(docs), leading: fc.constantFrom('', '# header\n', '\n', '---\n'), trailing: fc.constantFrom('', '\n', '---\n') }))
  .map(({ docs, leading, trailing }) =>
    leading +
    docs
      .map((d, i) => (i ? d.separator : '') + (d.doc === undefined ? '' : stringify(d.doc, d.style === 'flow' ? { collectionStyle: 'flow', lineWidth: 0 } : { lineWidth: 0 })))
      .join('') +
    trailing,
  );

test('the fast path reads what the careful path reads, whenever it takes the text', () => {
  let taken = 0;
  fc.assert(
    fc.property(stream, (text) => {
      const fast = parseYamlFast(text, 'f.yaml');
      // Plain text (no anchor, alias, directive or end-marker characters at all) is always taken.
      if (!/[&*%]|\.\.\./.test(text)) expect(fast).toBeDefined();
      if (fast === undefined) return;
      taken++;
      expect(fast).toEqual(parseYamlCarefully(text, 'f.yaml'));
    }),
    { numRuns: 300, seed: 20261201 },
  );
  expect(taken).toBeGreaterThan(100);
});

test('anchors, aliases, directives and syntax errors take the careful path, with its messages and bounds', () => {
  const withAlias = 'a: &x [1, 2]\nb: *x\n';
  expect(parseManifestText(withAlias, 'f.yaml')).toEqual([{ file: 'f.yaml', index: 0, line: 1, object: { a: [1, 2], b: [1, 2] } }]);
  expect(() => parseManifestText('kind: Pod\nmetadata: {name: [x\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: YAML syntax error/);
  expect(() => parseManifestText('a: 1\na: 2\n', 'dup.yaml')).toThrow(/^dup\.yaml:2:1: YAML syntax error: Map keys must be unique/);
  expect(parseManifestText('%YAML 1.2\n---\na: 1\n', 'd.yaml')).toEqual([{ file: 'd.yaml', index: 0, line: 3, object: { a: 1 } }]);
  expect(parseManifestText('a: 1\n...\n---\nb: 2\n', 'e.yaml').map((d) => [d.index, d.line])).toEqual([[0, 1], [1, 4]]);
});
