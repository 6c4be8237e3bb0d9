/**
 * What synth and the CLI print for an error that is bulkhead's own fault (a bug), instead of a stack
 * trace: that it is internal, the version, and where to report it. BULKHEAD_DEBUG=1 adds the stack, for
 * the report. Errors about the input or the environment never come here; they have their own messages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The version in bulkhead's package.json, found upwards from this file (lib/synth/ in the sources,
 * build/lib/synth/ when compiled). Read at run time: importing it would make tsc copy package.json into build/.
 */
export const BULKHEAD_VERSION: string = packageVersion(__dirname);

function packageVersion(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'bulkhead' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export function internalErrorText(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
  const lines = [
    `bulkhead: internal error (bulkhead ${BULKHEAD_VERSION}): ${message}`,
    'bulkhead: this is a bug in bulkhead, not a problem with your input; please report it as an issue in the bulkhead repository, with the command you ran, this message and your platform.yaml (set BULKHEAD_DEBUG=1 to add the stack trace).',
  ];
  if (env.BULKHEAD_DEBUG === '1' && e instanceof Error && e.stack) lines.push(e.stack);
  return lines.join('\n') + '\n';
}
