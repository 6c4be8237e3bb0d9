/**
 * The compiler for lib/diff's head check (`CompileOutput`): a checked platform compiled in memory, every
 * file synth would write keyed as in a snapshot (`dist/<cluster>/...`, `argocd/...`, whatever the
 * directories are called on disk), or the error that stops synth. `bulkhead diff` and `bulkhead synth
 * --check` both hold committed output to it, through the same comparison (lib/diff/head-check.ts).
 */
import type { CompileOutput } from '../diff';
import { IntentError } from '../intent/diagnostics';
import { RenderError } from '../emit/render';
import { VerificationError } from '../verify/verify';
import type { RepoLayout } from './layout';
import { compilePlatform } from './pipeline';

export interface InMemoryOptions {
  /** Where dist/ and argocd/ are in the repository (the paths the Applications sync). @default dist, argocd */
  readonly layout?: RepoLayout;
  /** Only these clusters: their dist/<cluster>/ and argocd/<cluster>/, nothing platform-wide. @default all */
  readonly clusters?: readonly string[];
  /** Told the whole error when compiling fails (the result carries only its first line). */
  readonly onError?: (e: Error) => void;
}

export function inMemoryCompiler(options: InMemoryOptions = {}): CompileOutput {
  return (platform) => {
    try {
      const result = compilePlatform(platform, { dryRun: true, layout: options.layout, clusters: options.clusters });
      const files = new Map<string, string>();
      for (const c of result.clusters) for (const [file, text] of c.texts) files.set(`dist/${c.cluster.cluster.name}/${file}`, text);
      for (const [file, text] of result.delivery) files.set(`argocd/${file}`, text);
      return { files };
    } catch (e) {
      if (e instanceof IntentError || e instanceof RenderError || e instanceof VerificationError) {
        options.onError?.(e);
        return { error: e.message.split('\n')[0] };
      }
      throw e;
    }
  };
}

/** The whole platform, dist/ and argocd/ at the repository root. */
export const compileInMemory: CompileOutput = inMemoryCompiler();
