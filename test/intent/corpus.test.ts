/**
 * The malformed-input corpus (test/intent/corpus/, one mistake per file, see its README): each gives one
 * positioned error saying what is wrong, exit 1, no stack trace, in well under 5 seconds, and leaves the
 * previous dist/ and argocd/ byte for byte as they were. valid.yaml is the good platform they start from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synth, treeDigest, workspace } from '../support/workspace';

const CORPUS = path.join(__dirname, 'corpus');
const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.yaml') && f !== 'valid.yaml').sort();

const ws = workspace(fs.readFileSync(path.join(CORPUS, 'valid.yaml'), 'utf8'));
const argocd = path.join(ws.dir, 'argocd');
let before: { dist: Record<string, string>; argocd: Record<string, string> };

beforeAll(() => {
  const run = synth(ws);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  before = { dist: treeDigest(ws.dist), argocd: treeDigest(argocd) };
  expect(Object.keys(before.argocd)).toContain('dev/apps.yaml');
});

test('the corpus covers every class of the issue', () => {
  expect(files.length).toBeGreaterThanOrEqual(25);
});

test.each(files)('%s', (file) => {
  const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
  const expectLine = /^# expect: (.*)$/m.exec(text);
  expect(expectLine).not.toBeNull();
  const at = /^# at: (.*)$/m.exec(text);
  fs.writeFileSync(ws.intents, text);

  const start = performance.now();
  const run = synth(ws);
  const ms = performance.now() - start;

  expect(run.code).toBe(1);
  expect(ms).toBeLessThan(5000);
  expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
  const first = run.stderr.split('\n')[0];
  const m = /^(.*platform\.yaml):(\d+):(\d+): error: (.*)$/.exec(first);
  if (!m) throw new Error(`first line is not positioned: ${first}`);
  const [, , line, column, rest] = m;
  const lines = text.split('\n');
  expect(Number(line)).toBeGreaterThanOrEqual(1);
  expect(Number(line)).toBeLessThanOrEqual(lines.length);
  expect(Number(column)).toBeGreaterThanOrEqual(1);
  expect(`${first}`).toMatch(new RegExp(expectLine![1]));
  expect(rest.length).toBeGreaterThan(10);
  if (at) expect(lines[Number(line) - 1]).toMatch(new RegExp(at[1]));
  expect(run.stderr).toMatch(/\n  hint: \S/);
  expect(treeDigest(ws.dist)).toEqual(before.dist);
  expect(treeDigest(argocd)).toEqual(before.argocd);
});

test('a UTF-16 file and a Latin-1 byte are encoding errors at their position', () => {
  const valid = fs.readFileSync(path.join(CORPUS, 'valid.yaml'), 'utf8');
  fs.writeFileSync(ws.intents, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]));
  let run = synth(ws);
  expect(run.code).toBe(1);
  expect(run.stderr.split('\n')[0]).toMatch(/platform\.yaml:1:1: error: the file is encoded as UTF-16/);
  fs.writeFileSync(ws.intents, Buffer.from(valid.replace('kind: Platform', 'kind: Platform # caf\u00e9'), 'latin1'));
  run = synth(ws);
  expect(run.code).toBe(1);
  expect(run.stderr.split('\n')[0]).toMatch(/platform\.yaml:2:21: error: byte 0xe9 at byte offset \d+ is not UTF-8/);
  expect(treeDigest(ws.dist)).toEqual(before.dist);
});
