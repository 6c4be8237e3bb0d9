// The cdk8s app: `npm run synth` and `npx cdk8s synth` both run this. It is `bulkhead synth` on
// platform.yaml (or the file in BULKHEAD_INTENTS): dist/ and argocd/, verified; `npm run synth -- --help`
// lists its flags. See lib/synth/pipeline.ts for the phases, and lib/constructs/ and the README for
// building the same constructs in TypeScript.
import { synthApp } from './lib/cli/app';

synthApp({ intents: 'platform.yaml' });
