/**
 * Real processes on one output: two synths started together, and a write killed with SIGKILL at each
 * step of the switch (test/support/write-child.ts kills itself right before a given fs call). After a
 * kill, the next run either finds the previous dist/ and argocd/ or completes the new pair, never one of
 * each, and removes every scratch directory, journal and lock the dead run left.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recoverOutputs, replaceOutputs } from '../../lib/emit/write';
import { synth, treeDigest, workspace } from '../support/workspace';

const ROOT = path.resolve(__dirname, '..', '..');
// Node itself with tsx's loader (not the tsx wrapper, which would turn the child's SIGKILL into an exit code).
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;
const CHILD = path.join(ROOT, 'test', 'support', 'write-child.ts');
const VALID = fs.readFileSync(path.join(ROOT, 'test', 'intent', 'corpus', 'valid.yaml'), 'utf8');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  const [command, ...loader] = NODE_TSX;
  return new Promise((resolve) => {
    const child = spawn(command, [...loader, ...args], { cwd: ROOT, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('.bulkhead-'));

test('two synths started together on one output both end cleanly, and the result is a single synth\'s', async () => {
  const ws = workspace(VALID);
  const reference = workspace(VALID);
  expect(synth(reference).code).toBe(0);
  const env = { BULKHEAD_INTENTS: ws.intents, BULKHEAD_OUT: ws.dist };
  const both = await Promise.all([run(['main.ts'], env), run(['main.ts'], env)]);
  for (const r of both) {
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    // Each either wrote (0) or, had it waited past the bound, said so in one line (1).
    if (r.code !== 0) expect(r.stderr).toMatch(/^bulkhead: dist\/ is being written by another bulkhead synth/);
  }
  expect(both.some((r) => r.code === 0)).toBe(true);
  expect(treeDigest(ws.dist)).toEqual(treeDigest(reference.dist));
  expect(treeDigest(path.join(ws.dir, 'argocd'))).toEqual(treeDigest(path.join(reference.dir, 'argocd')));
  expect(leftovers(ws.dir)).toEqual([]);
}, 60_000);

describe('a write killed at each step of the switch', () => {
  const files = (tag: string) => ({ 'dev/a.yaml': `a: ${tag}\n`, 'dev/sub/b.yaml': `b: ${tag}\n` });
  // Before the n-th call of an fs function in replaceOutputs, and which output the next run must find. writeFileSync:
  // 1 the lock, 2-4 the scratch files, 5 the journal; renameSync: 1 the journal in place (the commit point), 2-3
  // dist/ aside and in, 4-5 argocd/; rmSync: 4 the journal, 5 the previous dist/. Children run a few at a time.
  const points: Array<[string, 'old' | 'new']> = [
    ['writeFileSync:3', 'old'],
    ['renameSync:1', 'old'],
    ['renameSync:3', 'new'],
    ['renameSync:4', 'new'], // dist/ switched, argocd/ not yet: the state a reader must never be left with
    ['rmSync:4', 'new'],
    ['rmSync:5', 'new'],
  ];

  test.concurrent.each(points)('killed before %s: the next run finds the %s dist/ and argocd/ together, and no leftovers', async (point, expected) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-kill-'));
    const dist = path.join(dir, 'dist');
    const argocd = path.join(dir, 'argocd');
    const job = (tag: string) => ({ targets: [{ dir: dist, files: files(tag) }, { dir: argocd, files: { 'dev/apps.yaml': `apps: ${tag}\n` } }] });
    const jobFile = (tag: string) => {
      const f = path.join(dir, `job-${tag}.json`);
      fs.writeFileSync(f, JSON.stringify(job(tag)));
      return f;
    };
    replaceOutputs(job('old').targets.map((t) => ({ dir: t.dir, files: new Map(Object.entries(t.files)) })));
    const old = { dist: treeDigest(dist), argocd: treeDigest(argocd) };

    const killed = await run([CHILD, jobFile('new'), point]);
    expect(killed.signal).toBe('SIGKILL');

    expect(killed.stderr).toBe('');
    recoverOutputs([dist, argocd]);
    const now = { dist: treeDigest(dist), argocd: treeDigest(argocd) };
    const tags = [fs.readFileSync(path.join(dist, 'dev/a.yaml'), 'utf8'), fs.readFileSync(path.join(argocd, 'dev/apps.yaml'), 'utf8')].map((t) => t.split(': ')[1].trim());
    expect(tags).toEqual([expected, expected]);
    if (expected === 'old') expect(now).toEqual(old);
    expect(Object.keys(now.dist).sort()).toEqual(['dev/a.yaml', 'dev/sub/b.yaml']);
    expect(leftovers(dir)).toEqual([]);
  }, 30_000);
});
