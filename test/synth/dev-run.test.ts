/**
 * scripts/run.cjs, how `npm run synth` and `npm run bulkhead` run in this repository: the compiled build
 * when it is current, the TypeScript through tsx (with a one-line note) when a source is newer than the
 * build's stamp, so that an edit never runs stale JavaScript. On a copy of the script in a small tree.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
let tree: string;
beforeAll(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-dev-run-'));
  fs.mkdirSync(path.join(tree, 'scripts'));
  fs.mkdirSync(path.join(tree, 'build'));
  fs.mkdirSync(path.join(tree, 'lib'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'run.cjs'), path.join(tree, 'scripts', 'run.cjs'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  fs.writeFileSync(path.join(tree, 'main.ts'), "const from: string = 'sources';\nconsole.log(`${from} ${process.argv.slice(2).join(' ')}`);\n");
  fs.writeFileSync(path.join(tree, 'build', 'main.js'), "console.log(`build ${process.argv.slice(2).join(' ')}`);\n");
});
afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [path.join(tree, 'scripts', 'run.cjs'), ...args], { encoding: 'utf8', cwd: tree });
const NOTE = /^bulkhead: (there is no build yet|the TypeScript sources changed since the last build); running them through tsx \(run `npm run build` for the fast path\)\n$/;

test('without a stamp: the sources, through tsx, with the note', () => {
  const r = run('main.ts', '--flag', 'x');
  expect(r.stdout).toBe('sources --flag x\n');
  expect(r.stderr).toMatch(NOTE);
  expect(run('--current').status).toBe(1);
});

test('stamped after the last edit: the build, silently; an edit (or a new file in lib/) makes it stale again', () => {
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(tree, 'main.ts'), past, past);
  fs.utimesSync(path.join(tree, 'lib'), past, past);
  expect(run('--stamp').status).toBe(0);
  expect(run('--current').status).toBe(0);
  expect(run('main.ts', 'a')).toMatchObject({ status: 0, stdout: 'build a\n', stderr: '' });

  const future = new Date(Date.now() + 60_000);
  fs.writeFileSync(path.join(tree, 'lib', 'new.ts'), 'export const x = 1;\n');
  fs.utimesSync(path.join(tree, 'lib', 'new.ts'), future, future);
  expect(run('--current').status).toBe(1);
  const r = run('main.ts', 'b');
  expect(r.stdout).toBe('sources b\n');
  expect(r.stderr).toMatch(NOTE);
});

test('anything but a .ts file or a known flag is a usage error', () => {
  const r = run('main.js');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('usage: node scripts/run.cjs <file.ts>');
});
