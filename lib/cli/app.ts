/**
 * The cdk8s app of a platform repository: main.ts calls `synthApp()`, and `npm run synth` and
 * `npx cdk8s synth` run main.ts. It is `bulkhead synth` with the app's command-line arguments
 * (`npm run synth -- --cluster dev`, `npm run synth -- --help`), so BULKHEAD_INTENTS, BULKHEAD_OUT and
 * cdk8s's CDK8S_OUTDIR work as they do there.
 *
 *   import { synthApp } from 'bulkhead/cli';
 *   synthApp({ intents: 'platform.yaml' });
 */
import { runCli } from './main';

export interface SynthAppOptions {
  /** The intents file, unless BULKHEAD_INTENTS or --intents names another. @default platform.yaml */
  readonly intents?: string;
}

/** Runs `bulkhead synth` on the process's arguments and sets the process's exit code. */
export function synthApp(options: SynthAppOptions = {}): void {
  const intents = options.intents && process.env.BULKHEAD_INTENTS === undefined ? ['--intents', options.intents] : [];
  void runCli(['synth', ...intents, ...process.argv.slice(2)]).then((code) => {
    process.exitCode = code;
  });
}
