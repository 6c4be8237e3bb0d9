/** Temporary workspaces holding an intents file and a dist/, for running synth in-process. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSynth } from '../../lib/synth/cli';

export const EXAMPLE = path.resolve(__dirname, '..', '..', 'platform.yaml');
export const exampleText = (): string => fs.readFileSync(EXAMPLE, 'utf8');

export interface Workspace {
  readonly dir: string;
  readonly intents: string;
  readonly dist: string;
}

export function workspace(text = exampleText()): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-test-'));
  const intents = path.join(dir, 'platform.yaml');
  fs.writeFileSync(intents, text);
  return { dir, intents, dist: path.join(dir, 'dist') };
}

export interface SynthRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function synth(ws: Workspace): SynthRun {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WritableStream;
  const code = runSynth({ intents: ws.intents, outDir: ws.dist }, sink((s) => (stdout += s)), sink((s) => (stderr += s)));
  return { code, stdout, stderr };
}

/** Every file under `dir` with its sha256, for "byte-identical" and "unchanged" checks. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
