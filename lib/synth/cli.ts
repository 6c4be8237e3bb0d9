/**
 * `bulkhead synth` and the cdk8s entry point share this: run the pipeline, print a short summary,
 * and turn every known failure into `file:line:column` messages and a non-zero exit, never a stack.
 * Input and environment problems exit 1; anything else is a bug and says so (exit 70, see internal-error.ts).
 */
import { IntentError } from '../intent/diagnostics';
import { OutputError } from '../emit/output-error';
import { RenderError } from '../emit/render';
import { internalErrorText } from './internal-error';
import { VerificationError } from '../verify/verify';
import { synthesize, SynthOptions } from './pipeline';

/** Exit code for a bug in bulkhead (EX_SOFTWARE), as the CLI uses. */
export const EXIT_INTERNAL = 70;

export function runSynth(options: SynthOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  try {
    const result = synthesize(options);
    for (const c of result.clusters) {
      const objects = c.files.reduce((n, f) => n + f.manifests.length, 0);
      out.write(`bulkhead: ${c.cluster.cluster.name}: ${objects} objects in ${c.files.length} files\n`);
      const budget = c.verification.policyMap;
      for (const w of budget?.warn ?? [])
        err.write(`bulkhead: warning: ${c.cluster.cluster.name}: ${w.workload} needs about ${w.total} Cilium policy-map entries, past half of bpf.policyMapMax ${budget!.max}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof IntentError) {
      err.write(`${e.message}\n`);
      err.write(`bulkhead: synth failed with ${e.diagnostics.length} error(s); dist/ was left as it was.\n`);
      return 1;
    }
    if (e instanceof RenderError || e instanceof VerificationError) {
      err.write(`bulkhead: ${e.message}\nbulkhead: synth failed; dist/ was left as it was.\n`);
      return 1;
    }
    if (e instanceof OutputError) {
      err.write(`bulkhead: ${e.message}\nbulkhead: synth failed; dist/ and argocd/ were left as they were.\n`);
      return 1;
    }
    err.write(internalErrorText(e));
    return EXIT_INTERNAL;
  }
}
