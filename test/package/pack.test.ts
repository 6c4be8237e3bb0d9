/**
 * bulkhead as a user gets it: the packed tarball, installed into an empty directory without network, runs
 * its CLI; `bulkhead init` scaffolds a platform repository there whose `npm run synth` renders a verified
 * dist/ and argocd/; `bulkhead synth --check` passes, and fails after an edit of platform.yaml.
 *
 * Slow (npm pack and two offline installs): one file, the build made at most once (`npm ci` built it
 * already unless a source changed since), timings printed. Installs come from the npm cache that this
 * repository's `npm ci` filled, through lockfiles derived from this repository's (test/support/offline-lock.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { offlineLock, tarballEntry } from '../support/offline-lock';

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

jest.setTimeout(600_000);

const timings: string[] = [];
function timed<T>(label: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    timings.push(`${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
}

/** The environment of a user's shell: nothing of this test run's npm (its NODE_OPTIONS, its config). */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|NODE_OPTIONS$|CDK8S_|BULKHEAD_|INIT_CWD$|JEST_)/.test(k)) env[k] = v;
  return env;
}

function sh(cwd: string, cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(cwd: string, cmd: string, args: string[]): string {
  const r = sh(cwd, cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let work: string;
let tarball: string;
let files: string[];
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-pack-'));
  if (spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run.cjs'), '--current']).status !== 0) timed('npm run build (a source is newer than build/)', () => ok(ROOT, 'npm', ['run', '-s', 'build']));
  const packed = timed('npm pack', () => JSON.parse(ok(ROOT, 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work])));
  tarball = path.join(work, packed[0].filename);
  files = packed[0].files.map((f: { path: string }) => f.path);
});
afterAll(() => {
  if (timings.length) console.log(`bulkhead package test timings:\n  ${timings.join('\n  ')}`);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled package, its types, the CLI, the schema, the templates, the Action and the license: nothing else', () => {
  for (const f of ['package.json', 'README.md', 'LICENSE', 'action.yml', 'bin/bulkhead.js', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/cli/index.js', 'build/lib/intent/platform-schema-validator.js', 'schema/platform.schema.json', 'templates/init/platform.yaml', 'templates/init/npmrc'])
    expect(files).toContain(f);
  const roots = [...new Set(files.map((f) => f.split('/')[0]))].sort();
  expect(roots).toEqual(['LICENSE', 'README.md', 'action.yml', 'bin', 'build', 'package.json', 'schema', 'templates']);
  expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('templates/'))).toEqual([]);
  expect(files.filter((f) => /^build\/(main|test|bench)/.test(f))).toEqual([]);
  expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  expect(PKG.private).toBeUndefined();
  expect(PKG.license).toBe('Apache-2.0');
});

test('installed offline into an empty directory: the CLI, bulkhead init, npm run synth, synth --check', () => {
  const user = path.join(work, 'user');
  fs.mkdirSync(user);
  const spec = `file:${tarball}`;
  fs.writeFileSync(path.join(user, 'package.json'), JSON.stringify({ name: 'user', private: true, dependencies: { bulkhead: spec } }));
  fs.writeFileSync(path.join(user, 'package-lock.json'), JSON.stringify(offlineLock({ name: 'user', dependencies: { bulkhead: spec }, extra: tarballEntry(tarball, spec) })));
  timed('npm ci --offline (the tarball)', () => ok(user, 'npm', ['ci', '--offline', '--no-audit', '--no-fund']));
  expect(ok(user, 'npx', ['--no-install', 'bulkhead', '--version'])).toBe(`${PKG.version}\n`);
  // The package's main export is the construct library, with its types.
  expect(ok(user, 'node', ['-e', "const b = require('bulkhead'); console.log(typeof b.Tenant, typeof b.verify, typeof require('bulkhead/cli').synthApp)"])).toBe('function function function\n');

  const init = timed('npx bulkhead init', () => ok(user, 'npx', ['--no-install', 'bulkhead', 'init', 'platform', '--bulkhead-spec', spec]));
  expect(init).toContain('bulkhead: wrote the platform platform repository in platform');
  const repo = path.join(user, 'platform');
  expect(fs.readdirSync(repo).sort()).toEqual(['.github', '.gitignore', '.npmrc', 'README.md', 'cdk8s.yaml', 'main.ts', 'package.json', 'platform.yaml']);
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  expect(pkg.dependencies).toEqual({ bulkhead: spec });
  fs.writeFileSync(path.join(repo, 'package-lock.json'), JSON.stringify(offlineLock({ name: pkg.name, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies, extra: tarballEntry(tarball, spec) })));
  timed('npm ci --offline (the new platform repository)', () => ok(repo, 'npm', ['ci', '--offline', '--no-audit', '--no-fund']));
  // The workflow's `uses: ./node_modules/bulkhead` is there.
  expect(fs.existsSync(path.join(repo, 'node_modules', 'bulkhead', 'action.yml'))).toBe(true);

  const synth = timed('npm run synth', () => ok(repo, 'npm', ['run', '-s', 'synth']));
  expect(synth).toMatch(/^bulkhead: dev: \d+ objects in \d+ files\n$/);
  expect(fs.readdirSync(path.join(repo, 'dist', 'dev')).sort()).toEqual(['CONNECTIVITY.md', 'bootstrap', 'platform', 'probes', 'tenants']);
  expect(fs.readdirSync(path.join(repo, 'argocd', 'dev')).sort()).toEqual(['apps.yaml', 'projects.yaml', 'root.yaml']);
  expect(ok(repo, 'npx', ['--no-install', 'bulkhead', 'synth', '--check'])).toMatch(/are what platform\.yaml compiles to/);

  // cdk8s's own CLI, offline, with no network stack trace (.npmrc turns off its upgrade check), prints valid manifests.
  const cdk8s = timed('npx cdk8s synth --stdout', () => sh(repo, 'npx', ['--no-install', 'cdk8s', 'synth', '--stdout']));
  expect(cdk8s.stderr).not.toMatch(/\n\s+at /);
  expect(cdk8s.code).toBe(0);
  const docs = parseAllDocuments(cdk8s.stdout);
  expect(docs.length).toBeGreaterThan(3);
  expect(docs.every((d) => d.errors.length === 0 && typeof d.toJS()?.kind === 'string')).toBe(true);

  fs.writeFileSync(path.join(repo, 'platform.yaml'), fs.readFileSync(path.join(repo, 'platform.yaml'), 'utf8').replace('port: 8080 }', 'port: 8081 }'));
  const stale = sh(repo, 'npx', ['--no-install', 'bulkhead', 'synth', '--check']);
  expect(stale.stderr).toContain('dist/ and argocd/ are stale');
  expect(stale.code).toBe(1);
});
