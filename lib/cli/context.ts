/** What a command handler may touch: output streams and colour, so handlers run the same in tests. */
import pc from 'picocolors';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour only when stdout is a terminal. */
  color: boolean;
}

export interface CliContext {
  io: CliIo;
  colors: ReturnType<typeof pc.createColors>;
  /** Set by a handler for a non-zero, non-error outcome (e.g. explain: denied). */
  exitCode: number;
}

export function createContext(io: CliIo): CliContext {
  return { io, colors: pc.createColors(io.color), exitCode: 0 };
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    color: process.stdout.isTTY === true,
  };
}
