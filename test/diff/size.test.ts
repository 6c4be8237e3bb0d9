/**
 * The PR comment fits: a diff between two bench-generated platforms of size M (50 tenants, 500 workloads,
 * 2,000 flows; different seeds, so nearly every connection closes and another opens) renders Markdown within
 * GitHub's 65,536 characters, cuts least risky rows first, and says how many rows each cut left out, which the
 * JSON report holds. One repository, two synths and one diff (rendered both ways) keep it to seconds.
 */
import { stringify } from 'yaml';
import { SIZES, generatePlatform } from '../../bench/generate';
import { compileInMemory } from '../../lib/cli/diff';
import { DiffReport, MAX_COMMENT, describe as describeSide, diffSnapshots, gitContext, readGitRef, toJson, toMarkdown } from '../../lib/diff';
import { Repo } from './repo';

const GITHUB_LIMIT = 65_536;

let repo: Repo;
let report: DiffReport;
let md: string;
let doc: ReturnType<typeof JSON.parse>;

beforeAll(() => {
  repo = new Repo();
  repo.write('platform.yaml', stringify(generatePlatform(SIZES.M, 42)));
  repo.synth();
  repo.commit('M, seed 42', ['platform.yaml', 'dist', 'argocd']);
  repo.git('checkout', '-q', '-b', 'pr');
  repo.write('platform.yaml', stringify(generatePlatform(SIZES.M, 43)));
  repo.synth();
  repo.commit('M, seed 43', ['platform.yaml', 'dist', 'argocd']);
  // Read from git's object database, as `bulkhead diff --base main --head pr` does.
  const ctx = gitContext(repo.dir)!;
  const [base, head] = [readGitRef('main', ctx, 'platform.yaml'), readGitRef('pr', ctx, 'platform.yaml')];
  report = diffSnapshots(base, head, { compile: compileInMemory });
  md = toMarkdown(report, { base: describeSide(base), head: describeSide(head) });
  doc = JSON.parse(toJson(report));
});
afterAll(() => repo?.remove());

/** `Left out ...: <n> <what>.` notes, by what. */
const cuts = (text: string) => new Map([...text.matchAll(/^_Left out to fit a pull-request comment \(at most 65,536 characters\): (\d+) ([^.]+)\. The JSON report holds everything \(`bulkhead diff --format json`; the pull-request workflow uploads it as the artifact `bulkhead-diff`\)\._$/gm)].map((m) => [m[2], Number(m[1])]));

/** Table rows of a `#### <title>` section. */
const sectionRows = (title: string) => {
  const start = md.indexOf(`#### ${title}\n`);
  if (start < 0) return [];
  const end = md.indexOf('\n#### ', start + 1);
  return md.slice(start, end < 0 ? undefined : end).split('\n').filter((l) => /^\| (⛔|⚠️|⚪) /.test(l));
};

test('the Markdown is at most 65,536 characters (and within the budget) although the full report is far larger', () => {
  expect(md.length).toBeLessThanOrEqual(GITHUB_LIMIT);
  expect(md.length).toBeLessThanOrEqual(MAX_COMMENT);
  expect(toMarkdown(report, { base: 'a', head: 'b' }, Number.MAX_SAFE_INTEGER).length).toBeGreaterThan(4 * GITHUB_LIMIT);
  expect(md.split('\n')[1]).toBe(`**${report.verdict.slice(0, -' in bench'.length)}** in bench`);
  expect(doc.headCheck).toEqual({ status: 'ok' });
});

test('each cut says how many rows it left out: shown plus left out is every row the JSON report holds', () => {
  const [bench] = doc.clusters;
  const widened = bench.http.filter((h: { widened: boolean }) => h.widened).length;
  const opened = bench.connections.opened.length + bench.external.opened.length + bench.gateway.opened.length + widened;
  const closed = bench.connections.closed.length + bench.external.closed.length + bench.gateway.closed.length + (bench.http.length - widened);
  expect(opened).toBeGreaterThan(1000);
  const left = cuts(md);
  expect(sectionRows('Opened').length + (left.get('opened rows') ?? 0)).toBe(opened);
  expect(sectionRows('Closed').length + (left.get('closed rows') ?? 0)).toBe(closed);
  const resources = doc.resources.added.length + doc.resources.removed.length + doc.resources.changed.length;
  expect(left.get('rows of the resources table')).toBe(resources - (md.match(/^\| (added|removed|changed) \| bench \|/gm) ?? []).length);
  const rawLines = doc.rawDiff.split('\n').length - 1;
  const fence = md.indexOf('````diff\n');
  const shownLines = fence < 0 ? 0 : md.slice(fence, md.indexOf('\n````\n', fence)).split('\n').length - 1;
  expect(left.get('lines of the raw diff')).toBe(rawLines - shownLines);
});

test('least risky first: the raw diff, resources and closed rows go before any opened row', () => {
  const left = cuts(md);
  expect(left.get('lines of the raw diff')).toBeGreaterThan(0);
  // Some opened rows remain; if any opened row was cut, no closed row was kept.
  expect(sectionRows('Opened').length).toBeGreaterThan(0);
  if (left.get('opened rows')) expect(sectionRows('Closed')).toEqual([]);
});
