/**
 * Faults of the write step, in temporary directories: an output path that is a file, a symbolic link
 * (written through) or dangling, a directory that cannot be written, injected EROFS/ENOSPC/EBUSY/EACCES/
 * ENOTEMPTY/EEXIST at each step of the switch, a lock held by a live process, scratch directories of dead
 * runs. Each fault is one line naming the path, exit 1, no stack, and dist/ and argocd/ as they were.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive } from '../../lib/emit/output-lock';
import { SynthRun, Workspace, synth, treeDigest, workspace } from '../support/workspace';

// The module object itself (not an import copy), so that spies reach lib/emit/write.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('node:fs') as typeof fs;
const VALID = fs.readFileSync(path.join(__dirname, '..', 'intent', 'corpus', 'valid.yaml'), 'utf8');
const CHANGED = VALID.replace('cidr: 198.51.100.0/24', 'cidr: 203.0.113.0/24');

function digests(ws: Workspace) {
  return { dist: treeDigest(ws.dist), argocd: treeDigest(path.join(ws.dir, 'argocd')) };
}

/** A workspace holding a good synth's output, with the intents then changed so that a half-done switch would show. */
function synthesized(): { ws: Workspace; before: ReturnType<typeof digests> } {
  const ws = workspace(VALID);
  expect(synth(ws).code).toBe(0);
  const before = digests(ws);
  fs.writeFileSync(ws.intents, CHANGED);
  return { ws, before };
}

function expectOneLineFailure(run: SynthRun, says: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(says);
  expect(lines[1]).toMatch(/synth failed; dist\/ and argocd\/ were left as they were/);
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('.bulkhead-'));
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** Makes `fn` throw `code` on the first call whose arguments satisfy `when`; every other call goes through. */
function inject(fn: 'renameSync' | 'writeFileSync' | 'mkdirSync', code: string, when: (args: unknown[]) => boolean): void {
  const real = (nodeFs[fn] as (...a: unknown[]) => unknown).bind(nodeFs);
  let fired = false;
  jest.spyOn(nodeFs, fn).mockImplementation(((...args: unknown[]) => {
    if (!fired && when(args)) {
      fired = true;
      throw errno(code);
    }
    return real(...args);
  }) as never);
}

afterEach(() => jest.restoreAllMocks());

describe('the output path', () => {
  test('a regular file where dist/ should be is refused, and left as it was', () => {
    const ws = workspace(VALID);
    fs.writeFileSync(ws.dist, 'my notes\n');
    expectOneLineFailure(synth(ws), /dist exists and is not a directory; move it away, or point BULKHEAD_OUT at a directory/);
    expect(fs.readFileSync(ws.dist, 'utf8')).toBe('my notes\n');
    expect(fs.existsSync(path.join(ws.dir, 'argocd'))).toBe(false);
    expect(leftovers(ws.dir)).toEqual([]);
  });

  test('a file where a parent directory should be is one line (ENOTDIR), whoever runs the test', () => {
    const ws = workspace(VALID);
    fs.writeFileSync(path.join(ws.dir, 'out'), 'x');
    const run = synth({ ...ws, dist: path.join(ws.dir, 'out', 'dist') });
    expectOneLineFailure(run, /out\/dist: checking the output path failed: a part of the path is a file, not a directory \(ENOTDIR\)/);
  });

  test('a symbolic link to a directory is written through: the link stays, the directory it points to is replaced', () => {
    const ws = workspace(VALID);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-real-dist-'));
    fs.writeFileSync(path.join(elsewhere, 'stale.yaml'), 'old');
    fs.symlinkSync(elsewhere, ws.dist);
    expect(synth(ws).code).toBe(0);
    expect(fs.lstatSync(ws.dist).isSymbolicLink()).toBe(true);
    const reference = workspace(VALID);
    expect(synth(reference).code).toBe(0);
    expect(treeDigest(elsewhere)).toEqual(treeDigest(reference.dist));
    expect(leftovers(path.dirname(elsewhere)).filter((f) => f.includes(path.basename(elsewhere)))).toEqual([]);
  });

  test('a dangling symbolic link is refused with what to do', () => {
    const ws = workspace(VALID);
    fs.symlinkSync(path.join(ws.dir, 'nowhere'), ws.dist);
    expectOneLineFailure(synth(ws), /dist is a symbolic link to .*nowhere, which does not exist; create that directory \(synth writes through the link\) or remove the link/);
    expect(fs.lstatSync(ws.dist).isSymbolicLink()).toBe(true);
  });

  test('a directory this user cannot write: one line naming it, previous output intact', () => {
    const { ws, before } = synthesized();
    if (process.getuid?.() === 0) {
      // chmod does not stop root; the same path is taken with the error the kernel would give.
      console.log('running as root, where chmod 0555 does not stop writes: EACCES is injected at the same call instead');
      inject('writeFileSync', 'EACCES', (a) => String(a[0]).includes('.bulkhead-dist.lock.'));
    } else fs.chmodSync(ws.dir, 0o555);
    try {
      expectOneLineFailure(synth(ws), new RegExp(`^bulkhead: ${fs.realpathSync(ws.dir)}: writing the lock file failed: permission denied \\(EACCES\\); make that directory writable`));
    } finally {
      fs.chmodSync(ws.dir, 0o755);
    }
    expect(digests(ws)).toEqual(before);
  });
});

describe('file system errors at each step leave the previous dist/ and argocd/ intact', () => {
  const real = (ws: Workspace, name: string) => path.join(fs.realpathSync(ws.dir), name);
  const cases: Array<{ name: string; fn: 'renameSync' | 'writeFileSync' | 'mkdirSync'; code: string; when: (ws: Workspace) => (a: unknown[]) => boolean; says: RegExp }> = [
    { name: 'read-only file system at the scratch directory', fn: 'mkdirSync', code: 'EROFS', when: () => (a) => String(a[0]).includes('.bulkhead-tmp-dist-'), says: /creating a scratch directory failed: the file system is read-only \(EROFS\)/ },
    { name: 'disk full while writing a file', fn: 'writeFileSync', code: 'ENOSPC', when: () => (a) => String(a[0]).includes('.bulkhead-tmp-argocd-'), says: /bulkhead-tmp-argocd-\d+\/.*: writing failed: no space left on the device \(ENOSPC\)/ },
    { name: 'disk full while writing the journal', fn: 'writeFileSync', code: 'ENOSPC', when: () => (a) => String(a[0]).includes('.journal.'), says: /writing the journal failed: no space left/ },
    { name: 'dist/ is a mount point', fn: 'renameSync', code: 'EBUSY', when: (ws) => (a) => a[0] === real(ws, 'dist'), says: /dist: moving the previous output aside failed: the path is busy or a mount point \(EBUSY\)/ },
    { name: 'argocd/ cannot be moved after dist/ was switched', fn: 'renameSync', code: 'EACCES', when: (ws) => (a) => a[0] === real(ws, 'argocd'), says: /argocd: moving the previous output aside failed: permission denied \(EACCES\)/ },
    { name: 'something recreated argocd/ meanwhile', fn: 'renameSync', code: 'ENOTEMPTY', when: (ws) => (a) => a[1] === real(ws, 'argocd'), says: /argocd: switching in the new output failed: something else created it meanwhile \(ENOTEMPTY\)/ },
    { name: 'something recreated dist/ meanwhile', fn: 'renameSync', code: 'EEXIST', when: (ws) => (a) => a[1] === real(ws, 'dist'), says: /dist: switching in the new output failed: something else created it meanwhile \(EEXIST\)/ },
  ];

  test.each(cases)('$name', ({ fn, code, when, says }) => {
    const { ws, before } = synthesized();
    inject(fn, code, when(ws));
    expectOneLineFailure(synth(ws), says);
    jest.restoreAllMocks();
    expect(digests(ws)).toEqual(before);
    expect(leftovers(ws.dir)).toEqual([]);
    // And the next synth, without the fault, writes the changed output.
    expect(synth(ws).code).toBe(0);
    expect(digests(ws).dist).not.toEqual(before.dist);
  });

  test('when the undo fails too, the journal stays and the next synth completes the switch of both', () => {
    const { ws, before } = synthesized();
    const argocd = real(ws, 'argocd');
    const realRename = nodeFs.renameSync.bind(nodeFs);
    jest.spyOn(nodeFs, 'renameSync').mockImplementation(((from: string, to: string) => {
      if (from === argocd || (to === real(ws, 'dist') && String(from).includes('.bulkhead-prev-'))) throw errno('EACCES');
      return realRename(from, to);
    }) as never);
    const run = synth(ws);
    jest.restoreAllMocks();
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toMatch(/the switch could not be undone either: run synth again to complete it/);
    expect(fs.existsSync(path.join(ws.dir, '.bulkhead-dist.journal'))).toBe(true);
    fs.writeFileSync(ws.intents, VALID.replace('cidr: 198.51.100.0/24', 'cidr: 192.0.2.0/24'));
    expect(synth(ws).code).toBe(0);
    const reference = workspace(fs.readFileSync(ws.intents, 'utf8'));
    expect(synth(reference).code).toBe(0);
    expect(digests(ws)).toEqual(digests(reference));
    expect(digests(ws)).not.toEqual(before);
    expect(leftovers(ws.dir)).toEqual([]);
  });
});

describe('the lock and what dead runs left', () => {
  const sleeper = () => spawn('sleep', ['30'], { stdio: 'ignore' });

  test('a lock held by a live process: a bounded wait, then one line naming the holder and the lock file', () => {
    const { ws, before } = synthesized();
    const holder = sleeper();
    const lock = path.join(ws.dir, '.bulkhead-dist.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: holder.pid, host: os.hostname(), token: 'someone', since: '2026-01-01T00:00:00.000Z' }));
    process.env.BULKHEAD_LOCK_WAIT = '0.3';
    try {
      const start = performance.now();
      const run = synth(ws);
      expect(performance.now() - start).toBeGreaterThanOrEqual(250);
      expectOneLineFailure(run, new RegExp(`dist/ is being written by another bulkhead synth \\(pid ${holder.pid} on .*\\); wait for it to finish and run synth again, or, if no synth is running, remove .*\\.bulkhead-dist\\.lock`));
      expect(digests(ws)).toEqual(before);
    } finally {
      delete process.env.BULKHEAD_LOCK_WAIT;
      holder.kill('SIGKILL');
    }
  });

  test('a lock whose process is gone is broken; scratch directories of dead runs are removed, a live run\'s kept', async () => {
    const { ws } = synthesized();
    const dead = sleeper();
    await new Promise<void>((resolve) => {
      dead.on('exit', () => resolve());
      dead.kill('SIGKILL');
    });
    expect(isAlive(dead.pid!)).toBe(false);
    const live = sleeper();
    try {
      fs.writeFileSync(path.join(ws.dir, '.bulkhead-dist.lock'), JSON.stringify({ pid: dead.pid, host: os.hostname(), token: 'gone', since: '2026-01-01T00:00:00.000Z' }));
      for (const d of [`.bulkhead-tmp-dist-${dead.pid}`, `.bulkhead-prev-argocd-${dead.pid}`, `.bulkhead-tmp-dist-${live.pid}`]) fs.mkdirSync(path.join(ws.dir, d, 'x'), { recursive: true });
      expect(synth(ws).code).toBe(0);
      expect(leftovers(ws.dir)).toEqual([`.bulkhead-tmp-dist-${live.pid}`]);
    } finally {
      live.kill('SIGKILL');
    }
  });
});
