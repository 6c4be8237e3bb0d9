import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisInputError, analyze, loadManifestPaths } from '../../lib/analysis';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-load-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('loadManifestPaths', () => {
  test('walks directories recursively in sorted order, taking .yaml/.yml/.json and multi-document YAML', () => {
    write('b/z.yml', 'kind: Pod\nmetadata: {name: z}\n');
    write('a.yaml', '---\nkind: Pod\nmetadata: {name: one}\n---\n# only a comment\n---\nkind: Pod\nmetadata: {name: two}\n');
    write('c.json', JSON.stringify({ kind: 'Pod', metadata: { name: 'j' } }));
    write('notes.txt', 'kind: Pod\n');
    const objects = loadManifestPaths([dir]);
    expect(objects.map((o) => [path.relative(dir, o.file), o.index, o.line])).toEqual([
      ['a.yaml', 0, 2],
      ['a.yaml', 2, 7],
      ['b/z.yml', 0, 1],
      ['c.json', 0, 1],
    ]);
    expect(analyze(objects).workloads.map((w) => w.id)).toEqual(['default/j', 'default/one', 'default/two', 'default/z']);
  });

  test('a YAML syntax error names file, line and column', () => {
    const file = write('bad.yaml', 'kind: Pod\n---\nmetadata:\n  name: [a\n');
    expect(() => loadManifestPaths([file])).toThrow(AnalysisInputError);
    expect(() => loadManifestPaths([file])).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: YAML syntax error`));
  });

  test('a JSON syntax error names the file and position', () => {
    const file = write('bad.json', '{\n  "kind": "Pod",\n  "metadata": }\n');
    expect(() => loadManifestPaths([file])).toThrow(/bad\.json:3:\d+: JSON syntax error/);
  });

  test('a missing path is an input error', () => {
    expect(() => loadManifestPaths([path.join(dir, 'nope')])).toThrow(/nope: no such file or directory/);
  });
});

describe('JSON error positions', () => {
  test.each([
    ['{\n  "kind": "Pod",\n  "metadata": }\n', 3, 15],
    ['{"a": 1', 1, 8],
    ['{\n  "a": tru }', 2, 11],
    ['[1, 2,]', 1, 7],
    ['{"a": "x\\q"}', 1, 10],
    ['{"a": 1} x', 1, 10],
  ])('%j fails at %i:%i', (text, line, column) => {
    const file = write('x.json', text);
    expect(() => loadManifestPaths([file])).toThrow(`${file}:${line}:${column}: JSON syntax error`);
  });
});
