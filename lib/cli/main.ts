/**
 * The `bulkhead` CLI. Each command lives in its own module exposing `register(program, ctx)`; adding a
 * command is one import and one entry in COMMANDS.
 */
import { Command, CommanderError } from 'commander';
import * as connectivity from './connectivity';
import { CliIo, createContext, processIo } from './context';
import * as diffCommand from './diff';
import { EXIT_INTERNAL, EXIT_USAGE, isUserError } from './errors';
import * as explainCommand from './explain';
import * as importCommand from './import';
import * as probesCommand from './probes';
import { internalErrorText } from '../synth/internal-error';
import type { CliContext } from './context';

type Register = (program: Command, ctx: CliContext) => void;

const COMMANDS: readonly Register[] = [connectivity.register, explainCommand.register, diffCommand.register, probesCommand.register, importCommand.register];

function buildProgram(ctx: CliContext): Command {
  const program = new Command('bulkhead')
    .description('GitOps policy compiler: tenants, flows and guardrails in, verified Kubernetes YAML out')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
      outputError: (s, write) => write(`bulkhead: ${s.replace(/^error: /, '')}`),
    });
  program.showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) register(program, ctx);
  // `program.command()` copies these settings, but a command built elsewhere and added with addCommand would not.
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI on `argv` (arguments only, without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const ctx = createContext(io);
  const program = buildProgram(ctx);
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

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
