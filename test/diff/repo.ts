/**
 * Temporary git repositories holding the example platform and its synth output, for `bulkhead diff`:
 * each scenario is a branch whose last commit is "the PR" and whose parent is its base, so a test checks
 * the branch out and runs `bulkhead diff --base HEAD~1` there, as a reviewer (or CI) would.
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../lib/cli/main';
import { exampleText, synth } from '../support/workspace';

export class Repo {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-diff-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'bulkhead test');
    this.git('config', 'user.email', 'test@bulkhead.invalid');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
  }

  write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), text);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), 'utf8');
  }

  /** `npm run synth` in-process (the same runSynth main.ts calls): dist/ and argocd/ beside platform.yaml. */
  synth(): void {
    const run = synth({ dir: this.dir, intents: path.join(this.dir, 'platform.yaml'), dist: path.join(this.dir, 'dist') });
    if (run.code !== 0) throw new Error(`synth failed:\n${run.stderr}`);
  }

  /** Commits exactly these paths (never `git add -A`), returns the commit. */
  commit(message: string, paths: string[]): string {
    this.git('add', '--', ...paths);
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  checkout(branch: string): void {
    this.git('checkout', '-q', branch);
  }

  /** Runs the CLI in-process with the repository as the current directory. */
  async cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const before = process.cwd();
    process.chdir(this.dir);
    try {
      const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
      return { code, stdout, stderr };
    } finally {
      process.chdir(before);
    }
  }

  /** sha256 of every file of the working tree, plus the index and HEAD (what a checkout would change). */
  digest(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(this.dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (p === '.git') continue;
        if (e.isDirectory()) walk(p);
        else out[p] = hash(fs.readFileSync(path.join(this.dir, p)));
      }
    };
    walk('');
    for (const f of ['.git/index', '.git/HEAD']) out[f] = hash(fs.readFileSync(path.join(this.dir, f)));
    return out;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const hash = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** `text` with `find` replaced by `replace`, failing loudly when the example no longer has `find`. */
export function edit(text: string, find: string | RegExp, replace: string): string {
  const out = text.replace(find, replace);
  if (out === text) throw new Error(`the example platform.yaml no longer contains ${String(find)}`);
  return out;
}

export const OUTPUT = ['platform.yaml', 'dist', 'argocd'];

/** The flow a scenario adds: billing reaches patient data on 8080 (the guardrail must go for synth to accept it). */
export const OPENED_FLOW = '  - from: billing/invoicer\n    to: patient-data/records-api\n    ports: [8080]\n    description: Invoices need the patient record.\n';

/** 1-based line of the first line of `block` in `text`. */
export function lineOf(text: string, block: string): number {
  const at = text.indexOf(block);
  if (at < 0) throw new Error(`not found: ${block}`);
  return text.slice(0, at).split('\n').length;
}

/**
 * main: a commit with only a README (no bulkhead output: the first PR's base), then the example synthesized.
 * Branches from that second commit, each one commit "the PR":
 *   open:   adds billing/invoicer -> patient-data/records-api on 8080 and removes billing-never-reaches-phi
 *   close:  removes the flow billing/invoicer -> billing/ledger
 *   rename: renames billing/ledger to billing/settlement (its flows and egress follow): resources change,
 *           who-can-reach-whom does not
 */
export function scenarioRepo(branches: ReadonlyArray<'open' | 'close' | 'rename'> = ['open', 'close', 'rename']): { repo: Repo; texts: Record<'base' | 'open' | 'close' | 'rename', string> } {
  const repo = new Repo();
  repo.write('README.md', '# platform\n');
  repo.write('.gitignore', 'node_modules/\n.cdk8s.out/\n.bulkhead-tmp-*/\n');
  repo.commit('Empty repository: no bulkhead output yet', ['README.md', '.gitignore']);

  const base = exampleText();
  repo.write('platform.yaml', base);
  repo.synth();
  repo.commit('The example platform, synthesized', OUTPUT);

  const texts = {
    base,
    open: edit(edit(base, /\n\negress:\n/, `\n${OPENED_FLOW}\negress:\n`), /\nguardrails:\n[\s\S]*?\n\ngateways:/, '\n\ngateways:'),
    close: edit(base, '  - from: billing/invoicer\n    to: billing/ledger\n    ports: [grpc]\n', ''),
    rename: edit(edit(base, '      - name: ledger\n', '      - name: settlement\n'), /billing\/ledger/g, 'billing/settlement'),
  };
  for (const branch of branches) {
    repo.git('checkout', '-q', '-b', branch, 'main');
    repo.write('platform.yaml', texts[branch]);
    repo.synth();
    repo.commit(`PR: ${branch}`, OUTPUT);
  }
  repo.checkout('main');
  return { repo, texts };
}
