/**
 * Replaces output directories as a whole: everything is written to a scratch directory beside the
 * target, checked there, and swapped in with two renames. A failed or interrupted synth leaves the
 * previous output in place, and no stale file survives a successful one. If a run dies between
 * the two renames, the next run puts the previous directory back before it starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StagedOutput {
  /** Where to write the new content. */
  readonly dir: string;
  /** Swap it in. */
  commit(): void;
  /** Throw it away. */
  discard(): void;
}

function siblings(target: string) {
  const parent = path.dirname(path.resolve(target));
  const base = path.basename(target);
  return { parent, staging: path.join(parent, `.bulkhead-tmp-${base}-${process.pid}`), previous: path.join(parent, `.bulkhead-tmp-${base}-previous`) };
}

/** Puts back a directory that an interrupted swap left aside. */
export function recoverInterruptedSwap(target: string): void {
  const { previous } = siblings(target);
  if (!fs.existsSync(target) && fs.existsSync(previous)) fs.renameSync(previous, target);
  else if (fs.existsSync(previous)) fs.rmSync(previous, { recursive: true, force: true });
}

export function stageOutput(target: string): StagedOutput {
  recoverInterruptedSwap(target);
  const { staging, previous } = siblings(target);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  return {
    dir: staging,
    commit() {
      if (fs.existsSync(target)) fs.renameSync(target, previous);
      fs.renameSync(staging, target);
      fs.rmSync(previous, { recursive: true, force: true });
    },
    discard() {
      fs.rmSync(staging, { recursive: true, force: true });
    },
  };
}

export function writeFileIn(dir: string, relative: string, content: string): void {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
