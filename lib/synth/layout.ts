/**
 * Where dist/ and argocd/ are in the Git repository Argo CD reads. The Applications in argocd/ name the
 * directories they sync by their path in that repository (`dist/dev/platform`, and the root Application
 * `argocd/dev`), so these paths follow `--out` and `--argocd`: with `--out deploy/dist` the Applications
 * sync `deploy/dist/dev/...`, and the README and root Application name `deploy/argocd/...`.
 *
 * The repository is the Git work tree around the output (the nearest directory upwards holding `.git`).
 * Without one (a fresh directory, a test), it is the project: the intents file's directory when the
 * output is inside it, else the output's parent, which is where argocd/ goes by default. Both
 * directories must be inside that repository: Argo CD cannot sync a path outside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError } from '../emit/output-error';

export interface RepoLayout {
  /** dist/ relative to the repository root, POSIX separators (`dist`, `deploy/dist`). */
  readonly dist: string;
  /** argocd/ likewise. */
  readonly argocd: string;
}

/** dist/ and argocd/ at the root of the repository: what every in-memory compile (diff, checks) assumes. */
export const ROOT_LAYOUT: RepoLayout = { dist: 'dist', argocd: 'argocd' };

/** argocd/ goes beside dist/ unless given. */
export function defaultArgocdDir(outDir: string): string {
  return path.join(path.dirname(outDir), 'argocd');
}

export function repoLayout(outDir: string, argocdDir: string, projectDir: string): RepoLayout {
  const out = path.resolve(outDir);
  const argocd = path.resolve(argocdDir);
  const project = path.resolve(projectDir);
  const root = gitRoot(path.dirname(out)) ?? (inside(out, project) ? project : path.dirname(out));
  for (const [flag, dir] of [['--out', out], ['--argocd', argocd]] as const) {
    if (!inside(dir, root) || dir === root)
      throw new OutputError(`${flag} ${dir} is not inside the repository at ${root}, so Argo CD cannot sync it; keep dist/ and argocd/ in the repository that holds platform.yaml`);
  }
  const rel = (dir: string) => path.relative(root, dir).split(path.sep).join('/');
  return { dist: rel(out), argocd: rel(argocd) };
}

function inside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The nearest directory from `dir` upwards that holds `.git` (a directory, or a file in a worktree). */
function gitRoot(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
