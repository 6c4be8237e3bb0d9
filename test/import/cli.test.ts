/**
 * The `bulkhead import` command line: standard input (`-`), --out, --name/--cluster, and bad input, which
 * must exit 2 with one positioned line and a hint, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import * as importer from '../../lib/import';
import { asList, multiKind } from './fixtures';
import { manifestDir, runImport } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const STACK = /^\s+at /m;

/** The CLI as a user runs it (`npm run -s bulkhead -- import ...` runs this same entry point). */
function spawnImport(args: string[], input: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'lib', 'cli', 'main.ts'), 'import', ...args], { input, encoding: 'utf8', cwd: ROOT });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('bulkhead import (command line)', () => {
  test('reads a kubectl List from standard input, exactly as from a file', async () => {
    const list = stringify(asList(multiKind()));
    const fromFile = await runImport([manifestDir([asList(multiKind())])]);
    const fromStdin = spawnImport(['-'], list);
    expect(fromStdin.stderr).toMatch(/^proof: equal\./m);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  }, 30_000);

  test('unparseable YAML on standard input: exit 2, <stdin>:line:column, a hint, no stack', () => {
    const run = spawnImport(['-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [unclosed\n');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^bulkhead: <stdin>:\d+:\d+: error: YAML syntax error: .+\n {2}hint: /);
    expect(run.stderr).not.toMatch(STACK);
  }, 30_000);

  test('unparseable YAML in a file: exit 2 with its position', async () => {
    const dir = manifestDir([]);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: Deployment\nmetadata:\n  name: web\n   namespace: shop\n');
    const run = await runImport([dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^bulkhead: ${escape(path.join(dir, 'bad.yaml'))}:3:\\d+: error: YAML syntax error: `));
    expect(run.stderr).not.toMatch(STACK);
  });

  test('no path, a missing path, two stdins, a bad --name: exit 2 without a stack', async () => {
    for (const args of [[], ['/nonexistent/manifests'], ['-', '-'], ['--name', 'Not_A_Label', manifestDir(multiKind())]]) {
      const run = await runImport(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(/^bulkhead: /);
      expect(run.stderr).not.toMatch(STACK);
    }
  });

  test('nothing to import: exit 2, positioned at the input, with what to pass instead', async () => {
    const dir = manifestDir([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }]);
    const run = await runImport([dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`bulkhead: ${dir}:1:1: error: no namespace or workload to import`);
    expect(run.stderr).toContain('hint: pass the output of `kubectl get ns,deploy,sts,ds,rs,job,cronjob,pod,svc,netpol -A -o yaml`');
  });

  test('a workload without an image: exit 2 at the document that holds it', async () => {
    const dir = manifestDir([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'web' }] } } } },
    ]);
    const run = await runImport([dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^bulkhead: ${escape(path.join(dir, 'cluster.yaml'))}:6:1: error: Deployment shop/web: container web has no image\n {2}hint: `));
  });

  test('exit 1 when the proof finds a difference, each difference in the report', async () => {
    const dir = manifestDir(multiKind());
    const real = importer.importManifests;
    const spy = jest.spyOn(importer, 'importManifests').mockImplementation((objects, options) => {
      const result = real(objects, options);
      return { ...result, proof: { ...result.proof, equal: false, differences: ['shop/web -> shop/db: TCP 5432 in the original, TCP 5432-5433 imported'] } };
    });
    try {
      const run = await runImport([dir]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('kind: Platform');
      expect(run.stderr).toContain('proof: DIFFERENT. 1 difference between the original and the written platform:\n  - shop/web -> shop/db: TCP 5432 in the original, TCP 5432-5433 imported');
    } finally {
      spy.mockRestore();
    }
  });

  test('--out writes the file (stdout stays empty), --name and --cluster name the platform and its cluster', async () => {
    const dir = manifestDir(multiKind());
    const out = path.join(dir, 'platform.yaml');
    const run = await runImport(['--name', 'shop', '--cluster', 'prod-eu', '--out', out, dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toMatch(/^metadata:\n {2}name: shop$/m);
    expect(text).toMatch(/^clusters:\n {2}- name: prod-eu$/m);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
