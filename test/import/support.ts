/** Running `bulkhead import` in-process, and reading back what synth renders from its output. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { analyze, loadManifestPaths } from '../../lib/analysis';
import type { Connectivity, SourcedObject } from '../../lib/analysis';
import { runCli } from '../../lib/cli/main';
import { synth, workspace } from '../support/workspace';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runImport(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['import', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

/** A temporary directory holding `manifests` as one YAML stream. */
export function manifestDir(manifests: readonly unknown[], file = 'cluster.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-import-'));
  fs.writeFileSync(path.join(dir, file), manifests.map((m) => stringify(m)).join('---\n'));
  return dir;
}

export function objectsOf(manifests: readonly unknown[]): SourcedObject[] {
  return manifests.map((object, index) => ({ file: 'input.yaml', index, object }));
}

/**
 * Synth of a platform.yaml text, the way a user runs it (`npm run synth` on the file), and the analyzer's
 * connectivity of what it wrote for the cluster's platform/ and tenants/ directories.
 */
export function synthConnectivity(text: string, cluster = 'imported'): { dir: string; connectivity: Connectivity } {
  const ws = workspace(text);
  const run = synth(ws);
  if (run.code !== 0) throw new Error(`synth of the imported platform failed:\n${run.stderr}`);
  const dir = path.join(ws.dist, cluster);
  return { dir, connectivity: analyze(loadManifestPaths([path.join(dir, 'platform'), path.join(dir, 'tenants')])) };
}

/** Every allowed (from, to, protocol, port range) of a connectivity, one string each, sorted. */
export function connectionLines(conn: Connectivity, rename: (id: string) => string | undefined = (id) => id): string[] {
  const out: string[] = [];
  for (const c of conn.connections) {
    const [from, to] = [rename(c.from), rename(c.to)];
    if (!from || !to) continue;
    for (const [protocol, ranges] of Object.entries(c.ports)) for (const [lo, hi] of ranges ?? []) out.push(`${from} -> ${to} ${protocol} ${lo}-${hi}`);
  }
  return out.sort();
}
