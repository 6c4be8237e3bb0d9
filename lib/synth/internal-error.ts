/**
 * What synth and the CLI print for an error that is bulkhead's own fault (a bug), instead of a stack
 * trace: that it is internal, the version, and where to report it. BULKHEAD_DEBUG=1 adds the stack, for
 * the report. Errors about the input or the environment never come here; they have their own messages.
 */
import * as pkg from '../../package.json';

export const BULKHEAD_VERSION: string = ((pkg as { default?: { version: string } }).default ?? (pkg as { version: string })).version;

export function internalErrorText(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
  const lines = [
    `bulkhead: internal error (bulkhead ${BULKHEAD_VERSION}): ${message}`,
    'bulkhead: this is a bug in bulkhead, not a problem with your input; please report it as an issue in the bulkhead repository, with the command you ran, this message and your platform.yaml (set BULKHEAD_DEBUG=1 to add the stack trace).',
  ];
  if (env.BULKHEAD_DEBUG === '1' && e instanceof Error && e.stack) lines.push(e.stack);
  return lines.join('\n') + '\n';
}
