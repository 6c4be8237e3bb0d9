/**
 * The command-line reference in the README, made from the command definitions themselves: `bulkhead --help`
 * and each command's `--help`, at a fixed width so that it does not depend on the terminal.
 * `npm run readme:cli` writes it between the README's `cli-reference` markers; test/cli/reference.test.ts
 * fails when the README's copy differs, so the two cannot drift apart.
 */
import { buildProgram } from './main';
import { createContext } from './context';

export const REFERENCE_WIDTH = 100;
export const BEGIN = '<!-- cli-reference:begin (npm run readme:cli writes this block) -->';
export const END = '<!-- cli-reference:end -->';

export function cliReference(): string {
  const ctx = () => createContext({ stdout: () => undefined, stderr: () => undefined, color: false });
  // The top level as `bulkhead --help` shows it (no command loaded), each command fully configured.
  const top = buildProgram(ctx(), ['--help']);
  const program = buildProgram(ctx(), [], true);
  const sections: string[] = [];
  for (const command of [top, ...program.commands]) {
    command.configureHelp({ ...command.configureHelp(), helpWidth: REFERENCE_WIDTH });
    const title = command === top ? 'bulkhead --help' : `bulkhead ${command.name()} --help`;
    sections.push(`$ ${title}\n${command.helpInformation().trimEnd()}`);
  }
  return `\`\`\`text\n${sections.join('\n\n')}\n\`\`\``;
}

/** `text` with the block between the markers replaced by the reference. */
export function withReference(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no ${BEGIN} ... ${END} block`);
  return `${text.slice(0, start + BEGIN.length)}\n${cliReference()}\n${text.slice(end)}`;
}
