/**
 * `bulkhead synth` and `bulkhead check` through the CLI, in-process, on small platforms of their own:
 * --check compares without writing, --stdout prints one valid stream of API objects, --cluster touches only
 * its clusters, Argo CD paths follow --out, --format github annotates, and the environment variables of
 * `npm run synth` stand in for the flags.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../../lib/cli/main';
import { PlatformSpec } from '../../lib/intent/types';
import { errorCommand } from '../../lib/synth/github';
import { CDK8S_MANIFEST_FILE } from '../../lib/synth/pipeline';
import { smallPlatform } from '../support/fixtures';
import { treeDigest } from '../support/workspace';

const REPO = 'https://github.com/example/fixture.git';
/** The platform with shop/api's port moved to 9090: every output of its clusters changes. */
function apiOn9090(spec: PlatformSpec): PlatformSpec {
  const copy = JSON.parse(JSON.stringify(spec));
  copy.tenants[0].workloads[1].ports = [{ name: 'http', port: 9090 }];
  return copy;
}

/** Two clusters, delivered by Argo CD. */
const twoClusters = (extra: Partial<PlatformSpec> = {}) =>
  smallPlatform({ clusters: [{ name: 'dev', provider: 'kind' }, { name: 'stage', provider: 'kind' }], gitops: { repoURL: REPO, revision: 'main' }, ...extra });

let dirs: string[] = [];
function project(spec: PlatformSpec): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-synth-cli-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'platform.yaml'), stringify(spec));
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function bulkhead(dir: string, argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const saved = { cwd: process.cwd(), env: { ...process.env } };
  process.chdir(dir);
  delete process.env.BULKHEAD_INTENTS;
  delete process.env.BULKHEAD_OUT;
  delete process.env.CDK8S_OUTDIR;
  Object.assign(process.env, env);
  try {
    const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
    return { code, stdout, stderr };
  } finally {
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
}

const applicationPaths = (file: string) =>
  parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o?.kind === 'Application')
    .flatMap((o) => [o.spec.source?.path, ...(o.spec.sources ?? []).flatMap((s: { path?: string; helm?: { valueFiles?: string[] } }) => [s.path, ...(s.helm?.valueFiles ?? [])])])
    .filter((p): p is string => typeof p === 'string');

describe('synth --check', () => {
  test('exits 0 on what synth wrote, 1 after an edit, and writes nothing either way', async () => {
    const dir = project(smallPlatform());
    expect((await bulkhead(dir, ['synth'])).code).toBe(0);
    const ok = await bulkhead(dir, ['synth', '--check']);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^bulkhead: dist\/ and argocd\/ are what platform\.yaml compiles to: \d+ files\n$/);

    const before = { dist: treeDigest(path.join(dir, 'dist')), argocd: treeDigest(path.join(dir, 'argocd')) };
    fs.writeFileSync(path.join(dir, 'platform.yaml'), stringify(apiOn9090(smallPlatform())));
    const stale = await bulkhead(dir, ['synth', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^bulkhead: dist\/ and argocd\/ are stale: platform\.yaml compiles to other output \(\d+ files differ\); run `npm run synth`/);
    expect(stale.stderr).toContain('  changed: dist/dev/tenants/shop.yaml\n');
    expect({ dist: treeDigest(path.join(dir, 'dist')), argocd: treeDigest(path.join(dir, 'argocd')) }).toEqual(before);

    // A file synth would not write, and a missing one, are stale too.
    fs.writeFileSync(path.join(dir, 'platform.yaml'), stringify(smallPlatform()));
    fs.writeFileSync(path.join(dir, 'dist', 'dev', 'tenants', 'extra.yaml'), 'apiVersion: v1\n');
    fs.rmSync(path.join(dir, 'argocd', 'README.md'));
    const extra = await bulkhead(dir, ['synth', '--check']);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toContain('  not rendered: dist/dev/tenants/extra.yaml\n');
    expect(extra.stderr).toContain('  missing: argocd/README.md\n');
  });

  test('--format github: the stale files as one annotation; intent errors on their lines', async () => {
    const dir = project(smallPlatform());
    const stale = await bulkhead(dir, ['synth', '--check', '--format', 'github']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^::error title=bulkhead synth --check::dist\/ and argocd\/ are stale: .*%0Amissing: dist\/dev\/CONNECTIVITY.md%0A/);

    fs.writeFileSync(path.join(dir, 'platform.yaml'), 'apiVersion: bulkhead.dev/v1alpha1\nkind: Platfrom\n');
    const bad = await bulkhead(dir, ['check', '--format', 'github']);
    expect(bad.code).toBe(1);
    const annotations = bad.stdout.split('\n').filter(Boolean);
    expect(annotations.length).toBeGreaterThan(0);
    for (const a of annotations) expect(a).toMatch(/^::error file=platform\.yaml,line=\d+,col=\d+,title=bulkhead::\S/);
    expect(bad.stdout).toMatch(/^::error file=platform\.yaml,line=2,col=7,title=bulkhead::kind: must be "Platform"/m);
    expect(bad.stderr).toMatch(/bulkhead: check failed with \d+ error\(s\); nothing was rendered\.\n$/);
  });
});

test('workflow commands escape %, CR and LF in the message, and also : and , in properties', () => {
  expect(errorCommand({ message: '100% sure\r\nnext: a, b', file: 'dir,x/a:b.yaml', line: 3, col: 4, title: 'x: y' }, {}, '/repo')).toBe(
    '::error file=dir%2Cx/a%3Ab.yaml,line=3,col=4,title=x%3A y::100%25 sure%0D%0Anext: a, b\n',
  );
  // Paths are relative to the workspace, as annotations need them.
  expect(errorCommand({ message: 'm', file: '/repo/sub/platform.yaml', line: 1, col: 1 }, { GITHUB_WORKSPACE: '/repo' }, '/repo/sub')).toBe(
    '::error file=sub/platform.yaml,line=1,col=1,title=bulkhead::m\n',
  );
});

test('check: intents only, nothing rendered; the environment names the file as for synth', async () => {
  const dir = project(smallPlatform());
  fs.renameSync(path.join(dir, 'platform.yaml'), path.join(dir, 'intents.yaml'));
  const r = await bulkhead(dir, ['check'], { BULKHEAD_INTENTS: 'intents.yaml' });
  expect(r).toEqual({ code: 0, stdout: 'bulkhead: intents.yaml checks: 1 cluster, 2 tenants, 3 workloads, 2 flows\n', stderr: '' });
  expect(fs.readdirSync(dir)).toEqual(['intents.yaml']);
  const missing = await bulkhead(dir, ['check']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^platform\.yaml:1:1: error: file not found/);
});

describe('synth --stdout', () => {
  test('one stream of API objects, documents separated by ---, nothing written', async () => {
    const dir = project(smallPlatform());
    const r = await bulkhead(dir, ['synth', '--stdout']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const docs = parseAllDocuments(r.stdout);
    expect(docs.every((d) => d.errors.length === 0 && d.warnings.length === 0)).toBe(true);
    const objects = docs.map((d) => d.toJS());
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) expect(o).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
    // No kind or eksctl config, no Helm values: only what a cluster's API takes.
    expect(objects.filter((o) => /kind\.x-k8s\.io|eksctl\.io/.test(o.apiVersion))).toEqual([]);
    expect(r.stdout.split('\n').filter((l) => l === '---').length).toBe(objects.length - 1);
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  test('several clusters need --cluster; each named cluster is a part of its own', async () => {
    const dir = project(twoClusters());
    const all = await bulkhead(dir, ['synth', '--stdout']);
    expect(all).toEqual({ code: 2, stdout: '', stderr: 'bulkhead: the platform has 2 clusters (dev, stage); --stdout prints the manifests of the clusters named with --cluster\n' });
    const one = await bulkhead(dir, ['synth', '--stdout', '--cluster', 'stage']);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('# cluster:');
    const both = await bulkhead(dir, ['synth', '--stdout', '--cluster', 'dev', '--cluster', 'stage']);
    expect(both.stdout.startsWith('# cluster: dev\n')).toBe(true);
    expect(both.stdout).toContain('---\n# cluster: stage\n');
    expect(parseAllDocuments(both.stdout).length).toBe(2 * parseAllDocuments(one.stdout).length);
    expect((await bulkhead(dir, ['synth', '--stdout', '--cluster', 'prod'])).stderr).toBe('bulkhead: no cluster named "prod" in the platform (clusters: dev, stage)\n');
  });
});

test('--cluster writes and checks only its clusters; everything else in dist/ and argocd/ stays as it was', async () => {
  const dir = project(twoClusters());
  expect((await bulkhead(dir, ['synth'])).code).toBe(0);
  const digest = () => ({ dist: treeDigest(path.join(dir, 'dist')), argocd: treeDigest(path.join(dir, 'argocd')) });
  const before = digest();
  fs.writeFileSync(path.join(dir, 'platform.yaml'), stringify(apiOn9090(twoClusters())));

  expect((await bulkhead(dir, ['synth', '--check', '--cluster', 'dev'])).code).toBe(1);
  expect((await bulkhead(dir, ['synth', '--cluster', 'dev'])).code).toBe(0);
  const after = digest();
  const changed = (a: Record<string, string>, b: Record<string, string>) => Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]).sort();
  const changedDist = changed(before.dist, after.dist);
  expect(changedDist.length).toBeGreaterThan(0);
  expect(changedDist.every((f) => f.startsWith(`dev${path.sep}`))).toBe(true);
  expect(changed(before.argocd, after.argocd).every((f) => f.startsWith(`dev${path.sep}`))).toBe(true);
  expect((await bulkhead(dir, ['synth', '--check', '--cluster', 'dev'])).code).toBe(0);
  const stage = await bulkhead(dir, ['synth', '--check', '--cluster', 'stage']);
  expect(stage.code).toBe(1);
  expect(stage.stderr).toContain('(clusters stage)');
  expect(stage.stderr).not.toContain('dist/dev/');
  expect((await bulkhead(dir, ['synth', '--check'])).code).toBe(1);
});

describe('Argo CD paths follow the output directories', () => {
  test('in a Git repository, the Applications sync dist/ by its path from the repository root', async () => {
    const dir = project(smallPlatform({ gitops: { repoURL: REPO, revision: 'main' } }));
    fs.mkdirSync(path.join(dir, 'deploy'));
    execFileSync('git', ['init', '-q', dir]);
    const r = await bulkhead(dir, ['synth', '--out', 'deploy/dist']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const paths = applicationPaths(path.join(dir, 'deploy', 'argocd', 'dev', 'apps.yaml'));
    expect(paths.length).toBeGreaterThan(1);
    for (const p of paths) expect(p).toMatch(/^(\$values\/)?deploy\/dist\/dev\//);
    expect(applicationPaths(path.join(dir, 'deploy', 'argocd', 'dev', 'root.yaml'))).toEqual(['deploy/argocd/dev']);
    expect(fs.readFileSync(path.join(dir, 'deploy', 'argocd', 'README.md'), 'utf8')).toContain('kubectl apply -n argocd -f deploy/argocd/dev/root.yaml');
    expect((await bulkhead(dir, ['synth', '--check', '--out', 'deploy/dist'])).code).toBe(0);
  });

  test('outside a Git repository, BULKHEAD_OUT elsewhere: argocd/ beside it, paths from their common parent', async () => {
    const dir = project(smallPlatform({ gitops: { repoURL: REPO, revision: 'main' } }));
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-out-'));
    dirs.push(elsewhere);
    const r = await bulkhead(dir, ['synth'], { BULKHEAD_OUT: path.join(elsewhere, 'out') });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(elsewhere).sort()).toEqual(['argocd', 'out']);
    for (const p of applicationPaths(path.join(elsewhere, 'argocd', 'dev', 'apps.yaml'))) expect(p).toMatch(/^(\$values\/)?out\/dev\//);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  test('an argocd/ outside the repository is refused, and nothing is written', async () => {
    const dir = project(smallPlatform({ gitops: { repoURL: REPO, revision: 'main' } }));
    execFileSync('git', ['init', '-q', dir]);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-argocd-'));
    dirs.push(outside);
    const r = await bulkhead(dir, ['synth', '--argocd', outside]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bulkhead: --argocd ${outside} is not inside the repository at ${dir}`);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

test('under cdk8s (CDK8S_OUTDIR), synth also leaves the API manifests in one file there', async () => {
  const dir = project(smallPlatform());
  const r = await bulkhead(dir, ['synth'], { CDK8S_OUTDIR: path.join(dir, '.cdk8s.out') });
  expect(r.code).toBe(0);
  expect(fs.readdirSync(path.join(dir, '.cdk8s.out'))).toEqual([CDK8S_MANIFEST_FILE]);
  const stdout = await bulkhead(dir, ['synth', '--stdout']);
  expect(fs.readFileSync(path.join(dir, '.cdk8s.out', CDK8S_MANIFEST_FILE), 'utf8')).toBe(stdout.stdout);
});
