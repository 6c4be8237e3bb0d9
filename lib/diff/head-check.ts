/**
 * The head must be what its intents compile to. A head whose platform.yaml does not check has no
 * guardrails and no flows to compare (reporting every guardrail as removed would be invented), and a head
 * whose committed dist/ or argocd/ is not what its platform.yaml compiles to shows reviewers output that the
 * next synth replaces. Compiling needs the cdk8s constructs, which lib/diff does not import: the caller
 * passes the compiler in (the `diff` command passes lib/synth's compilePlatform, in memory).
 */
import type { Platform } from '../model/platform';
import type { Intents } from './intents';
import { OUTPUT_DIRS, Snapshot } from './snapshot';

export type CompileResult = { readonly files: ReadonlyMap<string, string> } | { readonly error: string };

/**
 * Compiles a checked platform without writing anything: every file synth would write, by path relative to
 * the project (`dist/<cluster>/...`, `argocd/...`), or the error that stops synth (verification, render).
 */
export type CompileOutput = (platform: Platform) => CompileResult;

export interface HeadCheck {
  /**
   * ok: the committed output is what platform.yaml compiles to; invalid: platform.yaml does not check or
   * compile; stale: it compiles to other output; unchecked: no compiler given, or no platform.yaml.
   */
  readonly status: 'ok' | 'invalid' | 'stale' | 'unchecked';
  /** invalid: the error; stale: what differs; unchecked: why. */
  readonly message?: string;
  /** stale: files synth would add, remove, or write differently. */
  readonly stale?: { readonly added: string[]; readonly removed: string[]; readonly changed: string[] };
}

/** Per compiler, per intents text: the CLI's tests diff the same head many times in one process. */
const compiled = new WeakMap<CompileOutput, Map<string, CompileResult>>();

export function checkHead(head: Snapshot, intents: Intents, compile: CompileOutput | undefined): HeadCheck {
  if (intents.missing) return { status: 'unchecked', message: `no ${head.intentsPath} in the head` };
  if (!intents.platform) return { status: 'invalid', message: intents.problem ?? `${head.intentsPath} does not check` };
  if (!compile) return { status: 'unchecked', message: 'no compiler given' };
  const text = head.files.get(head.intentsPath)!;
  let cache = compiled.get(compile);
  if (!cache) compiled.set(compile, (cache = new Map()));
  let result = cache.get(text);
  if (!result) {
    result = compile(intents.platform);
    cache.clear(); // one head at a time is enough, and an M-size output is large
    cache.set(text, result);
  }
  if ('error' in result) return { status: 'invalid', message: `${head.intentsPath} does not compile: ${result.error}` };
  const committed = [...head.files.keys()].filter((f) => OUTPUT_DIRS.some((d) => f.startsWith(`${d}/`)));
  const stale = {
    added: [...result.files.keys()].filter((f) => !head.files.has(f)).sort(),
    removed: committed.filter((f) => !result.files.has(f)).sort(),
    changed: committed.filter((f) => result.files.has(f) && result.files.get(f) !== head.files.get(f)).sort(),
  };
  const differ = [...stale.changed, ...stale.added, ...stale.removed];
  if (!differ.length) return { status: 'ok' };
  const which = differ.some((f) => f.startsWith('dist/')) ? 'dist/' : 'argocd/';
  const shown = differ.slice(0, 3).join(', ') + (differ.length > 3 ? `, and ${differ.length - 3} more` : '');
  return {
    status: 'stale',
    message: `${which} is stale: ${head.intentsPath} compiles to other output (${differ.length} ${differ.length === 1 ? 'file differs' : 'files differ'}: ${shown}); run \`npm run synth\` and commit dist/ and argocd/`,
    stale,
  };
}
