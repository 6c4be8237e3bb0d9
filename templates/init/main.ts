// The cdk8s app: `npm run synth` and `npx cdk8s synth` run this file. It compiles platform.yaml into
// verified manifests in dist/ and Argo CD Applications in argocd/ (`npm run synth -- --help` lists the flags).
import { synthApp } from 'bulkhead/cli';

synthApp({ intents: 'platform.yaml' });
