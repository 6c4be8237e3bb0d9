/**
 * A bug in bulkhead (anything that is not an input or environment problem) prints "internal error", the
 * version and where to report it, never a stack trace unless BULKHEAD_DEBUG=1 asks for one; synth and
 * the CLI alike, with exit code 70.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../lib/cli/main';
import { runSynth } from '../../lib/synth/cli';
import { treeDigest, workspace } from '../support/workspace';

const VALID = fs.readFileSync(path.join(__dirname, '..', 'intent', 'corpus', 'valid.yaml'), 'utf8');
const version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;

function synthWith(customize: () => void, env: Record<string, string> = {}): { code: number; stderr: string; dist: string } {
  const ws = workspace(VALID);
  let stderr = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WritableStream;
  Object.assign(process.env, env);
  try {
    const code = runSynth({ intents: ws.intents, outDir: ws.dist, customize }, sink(() => undefined), sink((s) => (stderr += s)));
    return { code, stderr, dist: ws.dist };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
  }
}

test('synth: an unexpected error says internal error, the version and where to report it, without a stack', () => {
  const run = synthWith(() => {
    throw new TypeError('cannot read properties of undefined');
  });
  expect(run.code).toBe(70);
  expect(run.stderr.split('\n')[0]).toBe(`bulkhead: internal error (bulkhead ${version}): TypeError: cannot read properties of undefined`);
  expect(run.stderr).toMatch(/this is a bug in bulkhead, not a problem with your input; please report it as an issue in the bulkhead repository/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(treeDigest(run.dist)).toEqual({});
});

test('synth: BULKHEAD_DEBUG=1 adds the stack for the report', () => {
  const run = synthWith(
    () => {
      throw new Error('boom');
    },
    { BULKHEAD_DEBUG: '1' },
  );
  expect(run.code).toBe(70);
  expect(run.stderr).toMatch(/\n\s+at /);
});

test('CLI: the internal-error branch prints the same, no stack', async () => {
  let stderr = '';
  let first = true;
  const manifests = workspace('apiVersion: v1\nkind: Pod\nmetadata: { name: a, namespace: x }\nspec: {}\n');
  const code = await runCli(['connectivity', '--format', 'json', manifests.intents], {
    stdout: () => {
      if (first) {
        first = false;
        throw new RangeError('stdout went away');
      }
    },
    stderr: (t) => (stderr += t),
    color: false,
  });
  expect(code).toBe(70);
  expect(stderr.split('\n')[0]).toBe(`bulkhead: internal error (bulkhead ${version}): RangeError: stdout went away`);
  expect(stderr).not.toMatch(/\n\s+at /);
});
