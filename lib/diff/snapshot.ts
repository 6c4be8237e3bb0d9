/**
 * One side of a diff: the files of a bulkhead checkout's output (`dist/`, `argocd/`) and its intents file,
 * read from a directory or from a git ref of the repository around the current directory. Reading a ref
 * never touches the working tree or the index: only `git rev-parse`, `git ls-tree` and `git cat-file`
 * run, with the repository root as their working directory.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiffInputError } from './errors';

/** The top-level paths a snapshot reads (the intents file is added per call). */
export const OUTPUT_DIRS = ['dist', 'argocd'] as const;

export interface Snapshot {
  /** As the user wrote it (`HEAD~1`, `../old`, `working tree`). */
  readonly label: string;
  readonly kind: 'git' | 'dir';
  /** git: the commit the ref resolved to. */
  readonly commit?: string;
  /** dir: the absolute directory. */
  readonly dir?: string;
  /** File path relative to the project root (`dist/dev/tenants/web.yaml`, POSIX separators) to content. */
  readonly files: ReadonlyMap<string, string>;
  /** The intents file's path as read (relative, e.g. `platform.yaml`), whether or not it exists. */
  readonly intentsPath: string;
}

export const hasOutput = (s: Snapshot): boolean => [...s.files.keys()].some((f) => f.startsWith('dist/'));

export interface GitContext {
  /** Repository root (absolute). */
  readonly root: string;
  /** The project directory relative to the root, with a trailing slash, or '' at the root. */
  readonly prefix: string;
}

const MAX_BUFFER = 1024 * 1024 * 1024;

function git(root: string, args: string[], input?: string | Buffer): Buffer {
  return execFileSync('git', args, { cwd: root, input, maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
}

/** The repository around `dir`, or undefined when `dir` is not in a git work tree (or git is missing). */
export function gitContext(dir: string): GitContext | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel', '--show-prefix'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } })
      .toString('utf8')
      .split('\n');
    return { root: out[0], prefix: out[1] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * `spec` is a directory when one exists at that path (relative to `cwd`), otherwise a git ref of the
 * repository around `cwd`. A name that is both is read as the directory.
 */
export function readSnapshot(spec: string, cwd: string, intents: string): Snapshot {
  const dir = path.resolve(cwd, spec);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return readDirectory(spec, dir, intents);
  if (spec.startsWith('-')) throw new DiffInputError(`${spec}: not a directory or a git ref`);
  const ctx = gitContext(cwd);
  if (!ctx) throw new DiffInputError(`${spec}: no such directory, and ${cwd} is not in a git repository, so it cannot be a git ref either`);
  return readGitRef(spec, ctx, intents);
}

function readDirectory(label: string, dir: string, intents: string): Snapshot {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) files.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  for (const d of OUTPUT_DIRS) walk(d);
  const intentsPath = toPosix(intents);
  const intentsFile = path.join(dir, intentsPath);
  if (fs.existsSync(intentsFile) && fs.statSync(intentsFile).isFile()) files.set(intentsPath, fs.readFileSync(intentsFile, 'utf8'));
  return { label, kind: 'dir', dir, files, intentsPath };
}

/** Reads `<prefix>dist`, `<prefix>argocd` and `<prefix><intents>` at `ref` through the object database. */
export function readGitRef(ref: string, ctx: GitContext, intents: string): Snapshot {
  let commit: string;
  try {
    commit = git(ctx.root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString('utf8').trim();
  } catch {
    throw new DiffInputError(`${ref}: not a directory, nor a commit in the git repository at ${ctx.root}`);
  }
  const intentsPath = toPosix(intents);
  const wanted = [...OUTPUT_DIRS, intentsPath].map((p) => `${ctx.prefix}${p}`);
  // -z: paths verbatim (no quoting); <mode> SP <type> SP <object> TAB <path> NUL
  const listing = git(ctx.root, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...wanted]).toString('utf8');
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, oid] = line.slice(0, tab).split(' ');
      return { mode, type, oid, path: line.slice(tab + 1) };
    })
    // Blobs only: no submodules; a symlink's blob is its target, not content worth diffing.
    .filter((e) => e.type === 'blob' && e.mode !== '120000' && e.path.startsWith(ctx.prefix));
  const files = new Map<string, string>();
  if (entries.length) {
    const out = git(ctx.root, ['cat-file', '--batch'], entries.map((e) => `${e.oid}\n`).join(''));
    let at = 0;
    for (const e of entries) {
      const nl = out.indexOf(0x0a, at);
      const header = out.subarray(at, nl).toString('utf8').split(' ');
      const size = Number(header[2]);
      if (header[0] !== e.oid || !Number.isFinite(size)) throw new Error(`git cat-file: unexpected answer for ${e.path}: ${header.join(' ')}`);
      files.set(e.path.slice(ctx.prefix.length), out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
      at = nl + 1 + size + 1;
    }
  }
  return { label: ref, kind: 'git', commit, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), intentsPath };
}

const toPosix = (p: string) => p.split(path.sep).join('/').replace(/^\.\//, '');
