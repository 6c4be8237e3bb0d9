/**
 * The same write faults as write-faults.test.ts, from the kernel instead of injected: a tmpfs mounted on
 * dist/ (EBUSY: a mount point cannot be renamed), a full tmpfs (ENOSPC), a tmpfs remounted read-only
 * (EROFS), and a directory another user cannot write (EACCES, run as `nobody` when the tests run as root,
 * where chmod stops nothing). Each is skipped with a printed reason where mounting or switching user is not
 * permitted (not root, or a container without the capability).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synth, treeDigest, workspace } from '../support/workspace';

const ROOT = path.resolve(__dirname, '..', '..');
const VALID = fs.readFileSync(path.join(ROOT, 'test', 'intent', 'corpus', 'valid.yaml'), 'utf8');
const CHANGED = VALID.replace('cidr: 198.51.100.0/24', 'cidr: 203.0.113.0/24');

function tryMount(dir: string, options: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}
const unmount = (dir: string) => spawnSync('umount', [dir], { stdio: 'ignore' });

function outputs(dir: string) {
  return { dist: treeDigest(path.join(dir, 'dist')), argocd: treeDigest(path.join(dir, 'argocd')) };
}

function expectRefused(stderr: string, code: number, says: RegExp): void {
  expect(code).toBe(1);
  expect(stderr).not.toMatch(/\n\s+at |internal error/);
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(says);
}

test('dist/ is a mount point: EBUSY in one line, nothing changed', () => {
  const ws = workspace(VALID);
  fs.mkdirSync(ws.dist);
  if (!tryMount(ws.dist, 'size=1m')) return console.log('skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)');
  try {
    expect(synth(ws).code).toBe(1); // the first synth already meets the mount point
    fs.writeFileSync(path.join(ws.dist, 'keep.txt'), 'mine');
    const before = outputs(ws.dir);
    const run = synth(ws);
    expectRefused(run.stderr, run.code, /dist: moving the previous output aside failed: the path is busy or a mount point \(EBUSY\)/);
    expect(outputs(ws.dir)).toEqual(before);
  } finally {
    unmount(ws.dist);
  }
});

test('a full disk (ENOSPC) and a read-only one (EROFS): one line each, the previous output intact', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-fs-'));
  if (!tryMount(dir, 'size=256k')) return console.log('skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)');
  try {
    const ws = { dir, intents: path.join(dir, 'platform.yaml'), dist: path.join(dir, 'dist') };
    fs.writeFileSync(ws.intents, VALID);
    expect(synth(ws).code).toBe(0);
    const before = outputs(dir);
    fs.writeFileSync(ws.intents, CHANGED);
    const filler = path.join(dir, 'filler');
    const free = () => fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize;
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 4096)));
    let run = synth(ws);
    expectRefused(run.stderr, run.code, /: writing failed: no space left on the device \(ENOSPC\); free some space and run synth again/);
    expect(outputs(dir)).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.bulkhead-'))).toEqual([]);

    fs.rmSync(filler);
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
    run = synth(ws);
    expectRefused(run.stderr, run.code, /: writing the lock file failed: the file system is read-only \(EROFS\)/);
    expect(outputs(dir)).toEqual(before);
  } finally {
    unmount(dir);
  }
});

test('a directory this user cannot write: EACCES from the kernel, as another user when running as root', () => {
  const ws = workspace(VALID);
  expect(synth(ws).code).toBe(0);
  const before = outputs(ws.dir);
  fs.writeFileSync(ws.intents, CHANGED);
  const root = process.getuid?.() === 0;
  if (root && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status !== 0) return console.log('skipped: running as root without runuser to drop to another user');
  if (root) {
    fs.chmodSync(ws.dir, 0o755); // readable, not writable, by nobody
    fs.chmodSync(ws.intents, 0o644);
  } else fs.chmodSync(ws.dir, 0o555);
  try {
    const env = { ...process.env, HOME: os.tmpdir(), CDK8S_CHECK_UPGRADE: 'false', BULKHEAD_INTENTS: ws.intents, BULKHEAD_OUT: ws.dist };
    const node = [process.execPath, '--import', 'tsx', 'main.ts'];
    const run = root ? spawnSync('runuser', ['-u', 'nobody', '--', 'env', `HOME=${os.tmpdir()}`, 'CDK8S_CHECK_UPGRADE=false', `BULKHEAD_INTENTS=${ws.intents}`, `BULKHEAD_OUT=${ws.dist}`, ...node], { cwd: ROOT, encoding: 'utf8' }) : spawnSync(node[0], node.slice(1), { cwd: ROOT, env, encoding: 'utf8' });
    expectRefused(run.stderr, run.status!, /: writing the lock file failed: permission denied \(EACCES\); make that directory writable for this user/);
  } finally {
    fs.chmodSync(ws.dir, 0o700);
  }
  expect(outputs(ws.dir)).toEqual(before);
}, 30_000);
