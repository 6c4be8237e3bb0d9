/** What a command handler may touch: output streams and colour, so handlers run the same in tests. */
import pc from 'picocolors';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether colour is wanted when no flag says otherwise (see `colorWanted`). */
  color: boolean;
}

export interface CliContext {
  io: CliIo;
  /** Set from `--color`/`--no-color` and `io.color` before a command's action runs. */
  colors: ReturnType<typeof pc.createColors>;
  /** Set by a handler for a non-zero, non-error outcome (e.g. explain: denied). */
  exitCode: number;
}

export function createContext(io: CliIo): CliContext {
  return { io, colors: pc.createColors(io.color), exitCode: 0 };
}

/**
 * Colour, decided the way Node.js decides it for its own output (tty.WriteStream.getColorDepth), not the way
 * picocolors does on its own (it takes FORCE_COLOR=0 as "force"): FORCE_COLOR first ('', '1', '2', '3',
 * 'true' force colour; '0', 'false' or anything else turn it off), then NO_COLOR (any value but the empty
 * string, as no-color.org says) and TERM=dumb turn it off, else colour only on a terminal. `--color`/`--no-color` on the
 * command line override all of these (see main.ts).
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force);
  if (env.NO_COLOR || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false;
  return isTTY;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    color: colorWanted(process.env, process.stdout.isTTY === true),
  };
}

/** The io as the two streams lib/synth's functions write to (so that tests capture what they print). */
export function streams(ctx: CliContext): [NodeJS.WritableStream, NodeJS.WritableStream] {
  const stream = (write: (s: string) => void) => ({ write: (s: string) => (write(s), true) }) as unknown as NodeJS.WritableStream;
  return [stream(ctx.io.stdout), stream(ctx.io.stderr)];
}
