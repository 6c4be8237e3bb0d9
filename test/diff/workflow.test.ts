/**
 * The GitHub Action (action.yml) and the workflows that use it: valid YAML, actions pinned to full commit
 * SHAs with their version in a comment, the comment and artifact steps run even when the check failed, and
 * the Action's own command lines are the ones these tests run: the check and diff commands are taken from
 * action.yml, their shell variables replaced as the runner would, and run in-process on a temporary
 * repository whose `origin/main` is the PR's base.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { JSON_ARTIFACT, MARKER } from '../../lib/diff';
import { Repo, scenarioRepo } from './repo';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  shell?: string;
}

const ACTION_FILE = 'action.yml';
const OWN_WORKFLOW = '.github/workflows/bulkhead.yml';
const TEMPLATE_WORKFLOW = 'templates/init/github/workflows/bulkhead.yml';

const action = parse(read(ACTION_FILE));
const steps: Step[] = action.runs.steps;
const step = (id: string) => steps.find((s) => s.id === id) ?? steps.find((s) => s.name === id)!;

/**
 * The lines of a step's script that run bulkhead, with the step's `env` and the runner's variables put in:
 * `node "$BULKHEAD" diff ...` becomes the argv after `bulkhead`.
 */
function commandLines(s: Step, vars: Record<string, string>): string[][] {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.env ?? {})) env[k] = v.replace(/\$\{\{ inputs\.([\w-]+) \}\}/, (_, name) => vars[`inputs.${name}`] ?? action.inputs[name].default);
  Object.assign(env, vars);
  const out: string[][] = [];
  for (const line of s.run!.split('\n')) {
    for (const m of line.matchAll(/node "\$BULKHEAD" ([^>|;]*?)(?: >| \|\||$)/g)) {
      const words = m[1].trim().split(/\s+/).map((w) => w.replace(/^"(.*)"$/, '$1').replace(/\$(\w+)/g, (_, v) => env[v] ?? `$${v}`));
      out.push(words);
    }
  }
  return out;
}

describe('action.yml', () => {
  test('is a composite action whose inputs have defaults, Node 24 by default', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(['working-directory', 'intents', 'fail-on', 'install', 'node-version', 'github-token']);
    expect(action.inputs['node-version'].default).toBe('24');
    expect(action.inputs['fail-on'].default).toBe('none');
    for (const s of steps) if (s.run) expect(s.shell).toBe('bash');
  });

  test('every action it, the workflows and the template use is pinned to a full commit SHA, its version in a comment', () => {
    for (const file of [ACTION_FILE, OWN_WORKFLOW, TEMPLATE_WORKFLOW]) {
      const uses = read(file)
        .split('\n')
        .filter((l) => /^\s*(- )?uses: /.test(l))
        .map((l) => l.replace(/^\s*(- )?uses: /, ''));
      expect(uses.length).toBeGreaterThan(0);
      for (const u of uses.filter((x) => !x.startsWith('./'))) expect([file, u]).toEqual([file, expect.stringMatching(/^actions\/[a-z-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)]);
    }
  });

  test('checks, diffs, uploads, comments and gates in that order; what reviewers need runs even after a failure', () => {
    const order = ['check', 'diff', 'Upload the JSON diff', 'Post or update the pull request comment', 'Gate'].map((id) => steps.indexOf(step(id)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const id of ['diff', 'Upload the JSON diff', 'Post or update the pull request comment', 'Gate']) expect(step(id).if).toMatch(/^always\(\)/);
    expect(step('Upload the JSON diff').with).toEqual({ name: JSON_ARTIFACT, path: '${{ steps.cli.outputs.report }}.json' });
    const script = String(step('Post or update the pull request comment').with!.script);
    expect(script).toContain(`const marker = '${MARKER}';`);
    expect(script).toMatch(/if \(previous\) \{\s+await github\.rest\.issues\.updateComment\(/);
    expect(script).toMatch(/\} else \{\s+await github\.rest\.issues\.createComment\(/);
    // The gate fails on the check and on --fail-on, after everything else ran.
    expect(step('Gate').run).toContain('if [ "$CHECK" != 0 ]');
    expect(step('Gate').run).toContain('if [ "${DIFF:-0}" = 1 ]');
  });

  test('the check runs synth --check with GitHub annotations', () => {
    expect(commandLines(step('check'), { BULKHEAD: 'x' })).toEqual([['synth', '--check', '--intents', 'platform.yaml', '--format', 'github']]);
  });
});

describe("the Action's command lines on a PR that opens a flow", () => {
  let repo: Repo;
  const diff = (failOn: string) => commandLines(step('diff'), { BASE: 'main', 'inputs.fail-on': failOn, FAIL_ON: failOn });
  beforeAll(() => {
    ({ repo } = scenarioRepo(['open']));
    // As `git fetch origin main` leaves it: the base branch as origin/main, the PR checked out.
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.checkout('open');
  });
  afterAll(() => repo?.remove());

  test('synth --check passes on the committed output', async () => {
    const [check] = commandLines(step('check'), {});
    const r = await repo.cli(check);
    expect(r.stdout).not.toContain('::error');
    expect(r.code).toBe(0);
  });

  test('the Markdown comment starts with the marker and the verdict; the JSON is the full report', async () => {
    const [md, json] = diff('none');
    expect(md).toEqual(['diff', '--base', 'origin/main', '--intents', 'platform.yaml', '--format', 'md']);
    const comment = await repo.cli(md);
    expect(comment.code).toBe(0);
    expect(comment.stdout.split('\n').slice(0, 2)).toEqual([MARKER, '**bulkhead: 1 guardrail removed, 1 connection opened across a base guardrail** in dev, prod']);
    const report = await repo.cli(json);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toHaveProperty('summary');
  });

  test('fail-on: the JSON command carries it, and exits 1 when it matches', async () => {
    const lines = diff('opened');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual(['diff', '--base', 'origin/main', '--intents', 'platform.yaml', '--format', 'json', '--fail-on', 'opened']);
    expect((await repo.cli(lines[2])).code).toBe(1);
  });
});

describe('the workflows', () => {
  test("this repository's: the Action from the checkout, then the tests, with a timeout", () => {
    const wf = parse(read(OWN_WORKFLOW));
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const job = wf.jobs.bulkhead;
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    const s: Step[] = job.steps;
    expect(s.map((x) => x.uses ?? x.run)).toEqual([expect.stringMatching(/^actions\/checkout@/), './', 'npm test']);
    expect(s[2].if).toBe('${{ !cancelled() }}');
  });

  test("the one `bulkhead init` writes: install, then the installed bulkhead's Action, with a timeout", () => {
    const wf = parse(read(TEMPLATE_WORKFLOW));
    const job = wf.jobs.bulkhead;
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    const s: Step[] = job.steps;
    expect(s.map((x) => x.uses ?? x.run)).toEqual([expect.stringMatching(/^actions\/checkout@/), expect.stringMatching(/^actions\/setup-node@/), 'npm ci --no-audit --no-fund', './node_modules/bulkhead']);
    expect(s[1].with).toEqual({ 'node-version': 24, cache: 'npm' });
    expect(s[3].with).toMatchObject({ install: false });
    expect(Object.keys(s[3].with!).every((k) => k in action.inputs)).toBe(true);
  });
});
