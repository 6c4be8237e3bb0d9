// The cdk8s app: `npm run synth` and `npx cdk8s synth` both run this. It compiles platform.yaml
// (or the file in BULKHEAD_INTENTS) into dist/, verified; see lib/synth/pipeline.ts for the phases.
// TypeScript users can build the same constructs themselves: see lib/constructs/ and the README.
import { runSynth } from './lib/synth/cli';

process.exitCode = runSynth({
  intents: process.env.BULKHEAD_INTENTS ?? 'platform.yaml',
  outDir: process.env.BULKHEAD_OUT ?? 'dist',
  cdk8sOutDir: process.env.CDK8S_OUTDIR,
});
