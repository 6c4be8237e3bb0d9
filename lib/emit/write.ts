/**
 * Replaces a set of output directories (dist/ and argocd/) together, as a whole, under an exclusive lock.
 *
 * 1. Each target is resolved: a missing one is created by the switch, a directory is replaced, a symbolic
 *    link to a directory is written through (the directory it points to is replaced, the link stays), and
 *    anything else (a file, a dangling link) is refused before anything is written.
 * 2. The lock (`.bulkhead-<dist>.lock` beside the first target) is taken; a second synth waits for it.
 * 3. What a dead run left is settled: an interrupted switch is completed (see the journal below), and
 *    scratch directories of runs whose process is gone are removed.
 * 4. Every target's new content is written to a scratch directory beside it (`.bulkhead-tmp-<name>-<pid>`).
 * 5. The journal (`.bulkhead-<dist>.journal`) is written atomically: it lists each target with its scratch
 *    and previous directories. From here on the new output is complete, and committed.
 * 6. Each target is switched with two renames (target to `.bulkhead-prev-<name>-<pid>`, scratch to target).
 * 7. The journal is removed, then the previous directories.
 *
 * A run killed before 5 leaves the previous output untouched (the next run removes its scratch); killed
 * after 5, the next run finds the journal and completes the switch of every target, so dist/ and argocd/
 * never stay from two runs. A file system error (permissions, a full or read-only disk, a mount point)
 * before or during 6 undoes the renames already done and reports one line; the previous output is intact.
 * What this cannot give: a process reading the targets without the lock during the microseconds between
 * two targets' renames sees one new and one old; and without fsync, a power loss can lose either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError, onFile, outputErrorFrom } from './output-error';
import { acquireLock, isAlive } from './output-lock';

export interface OutputTarget {
  /** The directory to replace, as given (a symbolic link to a directory is written through). */
  readonly dir: string;
  /** File path (relative to `dir`, `/`-separated) to content. */
  readonly files: ReadonlyMap<string, string>;
}

interface Entry {
  /** The real directory that is replaced. */
  readonly target: string;
  readonly staging: string;
  readonly previous: string;
}

interface Journal {
  readonly version: 1;
  readonly pid: number;
  /** Paths relative to the journal's directory, so that a moved checkout still recovers. */
  readonly entries: Entry[];
}

const SCRATCH = /^\.bulkhead-(tmp|prev)-(.+)-(\d+)$/;

/** Writes every target's files and switches them in together; throws OutputError (previous output intact) on a file system problem. */
export function replaceOutputs(targets: readonly OutputTarget[]): void {
  const real = targets.map((t) => resolveTarget(t.dir));
  const first = real[0];
  const twice = real.find((r, i) => real.indexOf(r) !== i);
  if (twice) throw new OutputError(`${twice}: two outputs (dist/ and argocd/) resolve to the same directory; give them different paths`);
  for (const r of real) onFile('creating the parent directory', path.dirname(r), () => fs.mkdirSync(path.dirname(r), { recursive: true }));
  const lock = acquireLock(lockFile(first), displayName(targets[0].dir));
  try {
    settle(first, real);
    const entries = real.map((target): Entry => ({ target, staging: scratch(target, 'tmp'), previous: scratch(target, 'prev') }));
    try {
      entries.forEach((e, i) => stage(e.staging, targets[i].files));
    } catch (err) {
      for (const e of entries) fs.rmSync(e.staging, { recursive: true, force: true });
      throw err;
    }
    lock.verify();
    switchAll(first, entries);
  } finally {
    lock.release();
  }
}

/** Completes an interrupted switch and removes scratch directories of dead runs, under the lock. Exposed for tests. */
export function recoverOutputs(dirs: readonly string[]): void {
  const real = dirs.map((d) => resolveTarget(d));
  const lock = acquireLock(lockFile(real[0]), displayName(dirs[0]));
  try {
    settle(real[0], real);
  } finally {
    lock.release();
  }
}

/** The real directory behind `dir`: refuses a file, a dangling link or a link to a file, with what to do. */
function resolveTarget(dir: string): string {
  const abs = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return path.join(realParent(path.dirname(abs)), path.basename(abs));
    throw outputErrorFrom(err, 'checking the output path', abs);
  }
  if (stat.isSymbolicLink()) {
    let to: string;
    try {
      to = fs.realpathSync(abs);
    } catch {
      throw new OutputError(`${dir} is a symbolic link to ${fs.readlinkSync(abs)}, which does not exist; create that directory (synth writes through the link) or remove the link`);
    }
    if (!fs.statSync(to).isDirectory()) throw new OutputError(`${dir} is a symbolic link to ${to}, which is not a directory; remove the link or point it at a directory`);
    return to;
  }
  if (!stat.isDirectory()) throw new OutputError(`${dir} exists and is not a directory; move it away, or point BULKHEAD_OUT at a directory`);
  return path.join(realParent(path.dirname(abs)), path.basename(abs));
}

/** The real path of the nearest existing ancestor, with the missing rest appended. */
function realParent(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    const up = path.dirname(dir);
    return up === dir ? dir : path.join(realParent(up), path.basename(dir));
  }
}

function lockFile(target: string): string {
  return path.join(path.dirname(target), `.bulkhead-${path.basename(target)}.lock`);
}

function journalFile(target: string): string {
  return path.join(path.dirname(target), `.bulkhead-${path.basename(target)}.journal`);
}

function scratch(target: string, kind: 'tmp' | 'prev'): string {
  return path.join(path.dirname(target), `.bulkhead-${kind}-${path.basename(target)}-${process.pid}`);
}

function displayName(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/** Rolls an interrupted switch forward, then removes what dead runs left beside the targets. */
function settle(first: string, targets: readonly string[]): void {
  const journal = journalFile(first);
  if (fs.existsSync(journal)) {
    const base = path.dirname(journal);
    let parsed: Journal | undefined;
    try {
      parsed = JSON.parse(fs.readFileSync(journal, 'utf8')) as Journal;
    } catch {
      parsed = undefined; // a journal is written whole (rename); unreadable means not ours: leave the outputs alone
    }
    for (const e of parsed?.entries ?? []) rollForward({ target: path.resolve(base, e.target), staging: path.resolve(base, e.staging), previous: path.resolve(base, e.previous) });
    onFile('removing the journal', journal, () => fs.rmSync(journal, { force: true }));
  }
  const parents = [...new Set(targets.map((t) => path.dirname(t)))];
  for (const parent of parents) {
    const names = targets.filter((t) => path.dirname(t) === parent).map((t) => path.basename(t));
    for (const entry of safeList(parent)) {
      const full = path.join(parent, entry);
      const m = SCRATCH.exec(entry);
      if (m && names.includes(m[2]) && !(Number(m[3]) !== process.pid && isAlive(Number(m[3])))) fs.rmSync(full, { recursive: true, force: true });
      // Before the journal existed, an interrupted swap left `.bulkhead-tmp-<name>-previous`.
      const legacy = names.find((n) => entry === `.bulkhead-tmp-${n}-previous`);
      if (legacy) {
        const target = path.join(parent, legacy);
        if (!fs.existsSync(target)) fs.renameSync(full, target);
        else fs.rmSync(full, { recursive: true, force: true });
      }
      const leftover = /^\.bulkhead-.+\.(lock|journal)\.(?:stale-)?(\d+)-[0-9a-f]+$/.exec(entry);
      if (leftover && !isAlive(Number(leftover[2]))) fs.rmSync(full, { force: true });
    }
  }
}

function rollForward(e: Entry): void {
  if (fs.existsSync(e.staging)) {
    if (fs.existsSync(e.target)) {
      fs.rmSync(e.previous, { recursive: true, force: true });
      onFile('moving the previous output aside', e.target, () => fs.renameSync(e.target, e.previous));
    }
    onFile('completing an interrupted switch', e.target, () => fs.renameSync(e.staging, e.target));
  }
  fs.rmSync(e.previous, { recursive: true, force: true });
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function stage(dir: string, files: ReadonlyMap<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  onFile('creating a scratch directory', dir, () => fs.mkdirSync(dir));
  const made = new Set<string>([dir]);
  for (const [relative, content] of files) {
    const file = path.join(dir, relative);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      onFile('creating a directory', parent, () => fs.mkdirSync(parent, { recursive: true }));
      made.add(parent);
    }
    onFile('writing', file, () => fs.writeFileSync(file, content));
  }
}

function switchAll(first: string, entries: readonly Entry[]): void {
  const journal = journalFile(first);
  const base = path.dirname(journal);
  const record: Journal = {
    version: 1,
    pid: process.pid,
    entries: entries.map((e) => ({ target: path.relative(base, e.target), staging: path.relative(base, e.staging), previous: path.relative(base, e.previous) })),
  };
  const pending = `${journal}.${process.pid}-0`;
  try {
    onFile('writing the journal', pending, () => fs.writeFileSync(pending, JSON.stringify(record) + '\n'));
    onFile('writing the journal', journal, () => fs.renameSync(pending, journal));
  } catch (err) {
    fs.rmSync(pending, { force: true });
    for (const e of entries) fs.rmSync(e.staging, { recursive: true, force: true });
    throw err;
  }
  const done: Array<() => void> = [];
  try {
    for (const e of entries) {
      if (fs.existsSync(e.target)) {
        onFile('moving the previous output aside', e.target, () => fs.renameSync(e.target, e.previous));
        done.push(() => fs.renameSync(e.previous, e.target));
      }
      onFile('switching in the new output', e.target, () => fs.renameSync(e.staging, e.target));
      done.push(() => fs.renameSync(e.target, e.staging));
    }
  } catch (err) {
    undo(done, journal, entries, err);
  }
  fs.rmSync(journal, { force: true });
  for (const e of entries) fs.rmSync(e.previous, { recursive: true, force: true });
}

/** Puts the previous output back after a failed rename; if that fails too, the journal stays and the next run completes the switch. */
function undo(done: Array<() => void>, journal: string, entries: readonly Entry[], err: unknown): never {
  try {
    for (const step of done.reverse()) step();
  } catch {
    throw new OutputError(`${(outputErrorFrom(err, 'switching', entries[0].target) as Error).message}; the switch could not be undone either: run synth again to complete it (the journal ${journal} says how)`);
  }
  fs.rmSync(journal, { force: true });
  for (const e of entries) fs.rmSync(e.staging, { recursive: true, force: true });
  throw err;
}

/** Writes one file below `dir`, creating directories (for copies that are not switched, like cdk8s's output). */
export function writeFileIn(dir: string, relative: string, content: string): void {
  const file = path.join(dir, relative);
  onFile('creating a directory', path.dirname(file), () => fs.mkdirSync(path.dirname(file), { recursive: true }));
  onFile('writing', file, () => fs.writeFileSync(file, content));
}
