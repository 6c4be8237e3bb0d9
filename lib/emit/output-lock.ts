/**
 * An exclusive lock on an output directory, so that two synths never switch the same output at once.
 *
 * The lock is a file created atomically with its content (written to a private file, then hard-linked to
 * the lock's name, which fails if the name exists): `{ pid, host, token, since }`. A lock whose process is
 * gone (same host, `kill(pid, 0)` says no such process) is stale and is broken: renamed to a private name,
 * checked to still be the stale one (its token), and removed; a fresh lock taken by mistake in a race is
 * linked back. A lock held by a live process (or by another host, which cannot be checked) is waited for,
 * up to a bound, then reported in one line naming the holder and the file. The holder checks that the
 * lock is still its own before it switches anything (`verify`).
 *
 * No timing heuristic decides staleness, so a long synth never loses its lock; a process id reused by an
 * unrelated process after a crash makes the lock look held until the wait runs out, and the message then
 * says which file to remove.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OutputError, onFile, outputErrorFrom } from './output-error';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: string;
}

export interface OutputLock {
  readonly file: string;
  /** Throws OutputError when the lock is no longer this process's (someone removed or broke it). */
  verify(): void;
  release(): void;
}

/** How long a second synth waits for the first to finish writing. @default 30 s, env BULKHEAD_LOCK_WAIT (seconds) */
export function lockWaitMs(): number {
  const s = Number(process.env.BULKHEAD_LOCK_WAIT);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 30_000;
}

export function acquireLock(file: string, what: string, waitMs = lockWaitMs()): OutputLock {
  const me: LockHolder = { pid: process.pid, host: os.hostname(), token: crypto.randomBytes(8).toString('hex'), since: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  const mine = `${file}.${me.pid}-${me.token}`;
  onFile('writing the lock file', path.dirname(file), () => fs.writeFileSync(mine, JSON.stringify(me) + '\n', { flag: 'wx' }));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(mine, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw outputErrorFrom(err, 'taking the lock', file);
      }
      const holder = readHolder(file);
      if (holder && isStale(holder)) {
        breakStale(file, holder);
        continue;
      }
      if (Date.now() >= deadline)
        throw new OutputError(
          `${what} is being written by another bulkhead synth` +
            (holder ? ` (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : '') +
            `; wait for it to finish and run synth again, or, if no synth is running, remove ${file}`,
        );
      sleep(Math.min(50 * 2 ** Math.min(attempt, 3), 400));
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  return {
    file,
    verify() {
      if (readHolder(file)?.token !== me.token) throw new OutputError(`the lock ${file} was removed or taken over while this synth held it; nothing was switched; run synth again`);
    },
    release() {
      if (readHolder(file)?.token === me.token) fs.rmSync(file, { force: true });
    },
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? parsed : undefined;
  } catch {
    return undefined; // gone meanwhile, or not ours to read: treated as held until the wait runs out
  }
}

/** This process never holds a lock it is trying to take, so its own pid in a lock is a leftover too. */
function isStale(holder: LockHolder): boolean {
  return holder.host === os.hostname() && (holder.pid === process.pid || !isAlive(holder.pid));
}

/** True when a process with this id exists on this host (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function breakStale(file: string, stale: LockHolder): void {
  const aside = `${file}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // someone else broke it first
  }
  if (readHolder(aside)?.token !== stale.token) {
    // A fresh lock was taken between reading and renaming: put it back unless yet another one exists.
    try {
      fs.linkSync(aside, file);
    } catch {
      /* its holder finds out in verify() */
    }
  }
  fs.rmSync(aside, { force: true });
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
