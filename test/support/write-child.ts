/**
 * A child process for the fault tests: writes outputs (replaceOutputs with the targets in a JSON file, or a
 * whole synth) and, with `<function>:<n>`, kills itself with SIGKILL right before the n-th call of that
 * fs function (renameSync, writeFileSync, rmSync, linkSync, mkdirSync): a crash at an exact point of the
 * write step, with no hook in the product. Usage: tsx write-child.ts <job.json> [<function>:<n>]
 */
import { replaceOutputs } from '../../lib/emit/write';
import { runSynth } from '../../lib/synth/cli';

export interface ChildJob {
  readonly targets?: Array<{ dir: string; files: Record<string, string> }>;
  readonly synth?: { intents: string; outDir: string };
}

// The module object itself: what lib/emit/write.ts calls through (an import namespace is a read-only copy).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
const [jobFile, killAt] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as ChildJob;
if (killAt) {
  const [name, nth] = killAt.split(':');
  const target = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  let calls = 0;
  target[name] = (...args: unknown[]) => {
    if (++calls === Number(nth)) process.kill(process.pid, 'SIGKILL');
    return original.apply(fs, args);
  };
}
if (job.targets) replaceOutputs(job.targets.map((t) => ({ dir: t.dir, files: new Map(Object.entries(t.files)) })));
if (job.synth) process.exitCode = runSynth(job.synth);
