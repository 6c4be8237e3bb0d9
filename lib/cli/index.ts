/**
 * `bulkhead/cli`: the command line as a library. `synthApp` is what a platform repository's main.ts (its
 * cdk8s app) calls; `runCli` runs any `bulkhead` command line in-process and returns its exit code.
 */
export { synthApp } from './app';
export type { SynthAppOptions } from './app';
export { runCli } from './main';
export type { CliIo } from './context';
