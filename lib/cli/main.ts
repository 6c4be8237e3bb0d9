/**
 * The `bulkhead` CLI. Each command lives in its own module exposing `configure(command, ctx)`, which adds
 * its arguments, options and action; adding a command is one entry in COMMANDS.
 *
 * Start-up stays cheap (`bulkhead --help` loads commander and nothing of the compiler): the table below
 * names and describes every command, and only the module of the command being run is loaded (its
 * compiler, analyzer, cdk8s). The others are registered with their name and description alone, which is all
 * that the top-level help, the "unknown command" suggestions and the parser need of them.
 */
import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import { internalErrorText, BULKHEAD_VERSION } from '../synth/internal-error';
import { CliIo, createContext, processIo } from './context';
import type { CliContext } from './context';
import { EXIT_INTERNAL, EXIT_USAGE, isUserError } from './errors';

export interface CommandModule {
  configure(command: Command, ctx: CliContext): void;
}

interface CommandEntry {
  readonly name: string;
  readonly description: string;
  readonly load: () => CommandModule;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', description: 'scaffold a platform repository: platform.yaml, a cdk8s app, package.json and a GitHub workflow', load: () => require('./init') },
  { name: 'synth', description: 'compile platform.yaml into verified manifests in dist/ and Argo CD Applications in argocd/', load: () => require('./synth') },
  { name: 'check', description: 'check platform.yaml without rendering anything (for editors and pre-commit hooks)', load: () => require('./check') },
  { name: 'connectivity', description: 'list the connections NetworkPolicies allow between workloads (and to/from outside addresses)', load: () => require('./connectivity') },
  { name: 'explain', description: 'explain why a connection is allowed or denied (exit 0 allowed, 1 denied)', load: () => require('./explain') },
  {
    name: 'diff',
    description: 'compare two bulkhead outputs, risk first: guardrails, connections opened and closed, gateways, resources, policy cost',
    load: () => require('./diff'),
  },
  { name: 'probes', description: "print a cluster's connectivity probes: what the probe Jobs try after each sync, and what they must find", load: () => require('./probes') },
  { name: 'import', description: 'write platform.yaml from existing manifests, and prove it compiles to the same connectivity', load: () => require('./import') },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command `argv` runs (`help <command>` counts as that command), if any: the first word that is not an option. */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** The program for `argv`: every command named, the one `argv` runs (or all, with `all`) fully configured. */
export function buildProgram(ctx: CliContext, argv: readonly string[], all = false): Command {
  const program = new Command('bulkhead')
    .description('GitOps policy compiler: tenants, flows and guardrails in, verified Kubernetes YAML out')
    .addOption(new Option('--color', 'colour the output even when it is not a terminal (FORCE_COLOR=1 does the same)'))
    .addOption(new Option('--no-color', 'no colour, whatever the terminal (NO_COLOR=1 and FORCE_COLOR=0 do the same)'))
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)');
  program.version(BULKHEAD_VERSION, '-V, --version', 'print the version');
  program.hook('preAction', () => {
    const flag = program.opts<{ color?: boolean }>().color;
    ctx.colors = pc.createColors(flag ?? ctx.io.color);
  });
  const wanted = commandOf(argv);
  for (const entry of COMMANDS) {
    const command = program.command(entry.name).description(entry.description);
    if (all || entry.name === wanted) entry.load().configure(command, ctx);
  }
  const output = {
    writeOut: (s: string) => ctx.io.stdout(s),
    writeErr: (s: string) => ctx.io.stderr(s),
    outputError: (s: string, write: (s: string) => void) => write(`bulkhead: ${s.replace(/^error: /, '')}`),
  };
  for (const c of [program, ...program.commands]) {
    c.exitOverride().configureOutput(output).showHelpAfterError(`(run bulkhead ${c === program ? '' : `${c.name()} `}--help for usage)`);
    if (c !== program) c.version(BULKHEAD_VERSION, '-V, --version', 'print the version');
  }
  return program;
}

/** Runs the CLI on `argv` (arguments only, without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const ctx = createContext(io);
  let program: Command;
  try {
    program = buildProgram(ctx, argv);
  } catch (e) {
    io.stderr(internalErrorText(e));
    return EXIT_INTERNAL;
  }
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed what they should.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isUserError(e)) {
      io.stderr(`bulkhead: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(internalErrorText(e));
    return EXIT_INTERNAL;
  }
}

/** The `bulkhead` executable: the process's arguments in, its exit code out. */
export function main(): void {
  // A reader that stops early (`bulkhead synth --stdout | head`) is no error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
