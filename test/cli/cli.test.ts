/**
 * The `bulkhead` command line as a whole: --help and --version on every command, unknown commands and
 * flags are usage errors (exit 2, with a hint), colour follows --color/--no-color, FORCE_COLOR and
 * NO_COLOR, and `bulkhead --help` loads none of the compiler.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { colorWanted } from '../../lib/cli/context';
import { COMMANDS, runCli } from '../../lib/cli/main';

const ROOT = path.resolve(__dirname, '..', '..');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

async function run(argv: string[], color = false) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color });
  return { code, stdout, stderr };
}

const names = COMMANDS.map((c) => c.name);

test('every command has --help (exit 0, its usage) and --version (the package version)', async () => {
  expect(names).toEqual(['init', 'synth', 'check', 'connectivity', 'explain', 'diff', 'probes', 'import']);
  for (const argv of [[], ...names.map((n) => [n])]) {
    const help = await run([...argv, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Usage: bulkhead ${argv.length ? `${argv[0]} ` : ''}[options]`);
    expect(await run([...argv, '--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  }
  expect((await run(['help', 'diff'])).stdout).toContain('Usage: bulkhead diff [options]');
});

test('no arguments: the usage on stderr, exit 2', async () => {
  const r = await run([]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('Usage: bulkhead [options] [command]');
});

test('an unknown command or flag is a usage error with a hint, on every command', async () => {
  const cmd = await run(['synt']);
  expect(cmd.code).toBe(2);
  expect(cmd.stderr).toContain("bulkhead: unknown command 'synt'");
  expect(cmd.stderr).toContain('(Did you mean synth?)');
  expect(cmd.stderr).toContain('(run bulkhead --help for usage)');
  // With what each command requires, so that the unknown flag is what is wrong.
  const required: Record<string, string[]> = {
    explain: ['--from', 'a/b', '--to', 'c/d', '--port', '1', 'x.yaml'],
    diff: ['--base', 'HEAD'],
    probes: ['--cluster', 'dev'],
    connectivity: ['x.yaml'],
    import: ['x.yaml'],
  };
  for (const n of ['', ...names]) {
    const r = await run([...(n ? [n, ...(required[n] ?? [])] : []), '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("bulkhead: unknown option '--no-such-flag'");
    expect(r.stderr).toContain(`(run bulkhead ${n ? `${n} ` : ''}--help for usage)`);
  }
  const extra = await run(['check', 'platform.yaml']);
  expect(extra.code).toBe(2);
  expect(extra.stderr).toContain('too many arguments');
});

test('colour: FORCE_COLOR wins (0 and false turn it off), then NO_COLOR and TERM=dumb, else a terminal', () => {
  const cases: Array<[NodeJS.ProcessEnv, boolean, boolean]> = [
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ TERM: 'dumb' }, true, false],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '3', NO_COLOR: '1' }, false, true],
  ];
  for (const [env, tty, want] of cases) expect([env, tty, colorWanted(env, tty)]).toEqual([env, tty, want]);
});

describe('--color and --no-color override the environment, on any command', () => {
  let file: string;
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-color-'));
    file = path.join(dir, 'pods.json');
    fs.writeFileSync(file, JSON.stringify([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'x', labels: { app: 'a' } } }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'x', labels: { app: 'b' } } }]));
  });
  afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  const ESC = '\u001b[';
  const explain = (flags: string[], color: boolean) => run(['explain', '--from', 'x/a', '--to', 'x/b', '--port', '80', file, ...flags], color);

  test('colour where the io wants it, none with --no-color; --color forces it', async () => {
    expect((await explain([], true)).stdout).toContain(ESC);
    expect((await explain([], false)).stdout).not.toContain(ESC);
    expect((await explain(['--no-color'], true)).stdout).not.toContain(ESC);
    expect((await explain(['--color'], false)).stdout).toContain(ESC);
  });

  test('as a process: NO_COLOR=1 and FORCE_COLOR=0 give no escape codes even where FORCE_COLOR would', () => {
    const cli = (env: NodeJS.ProcessEnv) =>
      spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'lib', 'cli', 'main.ts'), 'explain', '--from', 'x/a', '--to', 'x/b', '--port', '80', file], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
      });
    expect(cli({ FORCE_COLOR: '1' }).stdout).toContain(ESC);
    expect(cli({ FORCE_COLOR: '0' }).stdout).not.toContain(ESC);
    const noColor = cli({ NO_COLOR: '1' });
    expect(noColor.status).toBe(0);
    expect(noColor.stdout).toContain('ALLOWED');
    expect(noColor.stdout).not.toContain(ESC);
  });
});

test('`bulkhead --help` loads commander and the command table, none of the compiler', () => {
  const probe = [
    "require('./lib/cli/main').runCli(['--help'], { stdout: () => {}, stderr: () => {}, color: false }).then(() => {",
    "  const loaded = Object.keys(require.cache).map((f) => f.replace(process.cwd() + '/', '')).filter((f) => /^lib\\/|node_modules\\/(cdk8s|yaml|ajv)\\//.test(f));",
    '  console.log(JSON.stringify(loaded.sort()));',
    '});',
  ].join('\n');
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', probe], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual(['lib/cli/context.ts', 'lib/cli/errors.ts', 'lib/cli/main.ts', 'lib/synth/internal-error.ts']);
});
