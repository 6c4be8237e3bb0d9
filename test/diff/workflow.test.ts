/**
 * .github/workflows/bulkhead.yml: valid YAML with the steps the README promises, pinned well-known actions,
 * and a diff command that is the one these tests run: its arguments are taken from the file and run, both
 * in-process and through the `bulkhead` npm script's own command line, on a temporary repository whose
 * `origin/main` is the PR's base.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { JSON_ARTIFACT, MARKER } from '../../lib/diff';
import { Repo, scenarioRepo } from './repo';

const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'bulkhead.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
const workflow = parse(fs.readFileSync(WORKFLOW, 'utf8'));
const steps: Step[] = workflow.jobs.bulkhead.steps;
const runs = steps.map((s) => s.run?.trim()).filter((r): r is string => r !== undefined);
const diffStep = steps.find((s) => s.run?.startsWith('npm run -s bulkhead -- diff '))!;

/** `npm run -s bulkhead -- <args> > diff.md`: the args, with the PR's base branch substituted. */
function diffArgs(baseRef: string): string[] {
  const m = /^npm run -s bulkhead -- (.*) > diff\.md$/.exec(diffStep.run!.trim());
  if (!m) throw new Error(`unexpected diff step: ${diffStep.run}`);
  return m[1].replace('${{ github.base_ref }}', baseRef).split(/\s+/);
}

test('runs on pull requests with read contents and writable PR comments', () => {
  expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
});

test('checks out full history, sets up Node 20 with the npm cache, and uses only pinned well-known actions', () => {
  const uses = steps.filter((s) => s.uses).map((s) => s.uses);
  expect(uses).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4', 'actions/github-script@v7']);
  expect(steps[0].with).toEqual({ 'fetch-depth': 0 });
  expect(steps[1].with).toEqual({ 'node-version': 20, cache: 'npm' });
});

test('installs, synthesizes, fails on stale output, tests, then diffs against the base branch, in that order', () => {
  const at = (pred: (r: string) => boolean) => runs.findIndex(pred);
  const order = [
    at((r) => r === 'npm ci'),
    at((r) => r === 'npm run synth'),
    at((r) => r.includes('stale=$(git status --porcelain -- dist argocd)') && r.includes('exit 1')),
    at((r) => r === 'npm test'),
    at((r) => r === 'npm run -s bulkhead -- diff --base origin/${{ github.base_ref }} --format md > diff.md'),
  ];
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  // The commands are the project's own scripts: synth is main.ts (what the tests' runSynth runs), bulkhead the CLI.
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.scripts.synth).toBe('tsx main.ts');
  expect(pkg.scripts.bulkhead).toBe('tsx lib/cli/main.ts');
  expect(pkg.scripts.test).toBe('jest');
});

test('uploads the JSON report, which holds every row the comment may cut, under the name the comment gives', () => {
  const json = steps.find((s) => s.run?.trim() === 'npm run -s bulkhead -- diff --base origin/${{ github.base_ref }} --format json > diff.json');
  expect(json).toBeDefined();
  const upload = steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
  expect(upload.with).toEqual({ name: JSON_ARTIFACT, path: 'diff.json' });
  expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(json!));
});

test('posts or updates one comment, found by the marker the Markdown starts with', () => {
  const post = steps[steps.length - 1];
  expect(post.uses).toBe('actions/github-script@v7');
  const script = String(post.with!.script);
  expect(script).toContain(`const marker = '${MARKER}';`);
  expect(script).toContain("fs.readFileSync('diff.md', 'utf8')");
  expect(script).toContain('github.paginate(github.rest.issues.listComments');
  expect(script).toMatch(/if \(previous\) \{\s+await github\.rest\.issues\.updateComment\(/);
  expect(script).toMatch(/\} else \{\s+await github\.rest\.issues\.createComment\(/);
});

describe("the workflow's diff command on a PR that opens a flow", () => {
  let repo: Repo;
  beforeAll(() => {
    ({ repo } = scenarioRepo(['open']));
    // As actions/checkout with fetch-depth 0 leaves it: the base branch as origin/<base_ref>, the PR checked out.
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.checkout('open');
  });
  afterAll(() => repo?.remove());

  test('in-process: the Markdown comment starts with the marker and the verdict', async () => {
    const run = await repo.cli(diffArgs('main'));
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([MARKER, '**bulkhead: 1 guardrail removed, 1 connection opened across a base guardrail** in dev, prod']);
  });

  test("as a process, through the bulkhead script's command line; --fail-on opened exits 1", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const [bin, script] = String(pkg.scripts.bulkhead).split(' ');
    const cmd = (extra: string[]) =>
      spawnSync(path.join(ROOT, 'node_modules', '.bin', bin), [path.join(ROOT, script), ...diffArgs('main'), ...extra], { cwd: repo.dir, encoding: 'utf8' });
    const ok = cmd([]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout.startsWith(`${MARKER}\n**bulkhead: 1 guardrail removed, 1 connection opened`)).toBe(true);
    expect(cmd(['--fail-on', 'opened']).status).toBe(1);
  });
});
