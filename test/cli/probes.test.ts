/** `bulkhead probes --cluster NAME [--format json|txt] [--intents FILE]`: the plan, every probe with its source, destination, port and expectation. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../lib/cli/main';
import { checkPlatform } from '../../lib/intent/check';
import { forCluster } from '../../lib/model/platform';
import { planProbes } from '../../lib/probes/plan';
import { expectedConnectivity } from '../../lib/verify/expected';
import { probeFixture } from '../probes/support';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probes-cli-'));
const intents = path.join(dir, 'platform.yaml');
fs.writeFileSync(intents, stringify(probeFixture()));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('--format json lists every probe with source, destination, port, protocol, expectation and its Job, and what is not probed', async () => {
  const { code, stdout } = await run(['probes', '--cluster', 'dev', '--format', 'json', '--intents', intents]);
  expect(code).toBe(0);
  const json = JSON.parse(stdout);
  expect(Object.keys(json)).toEqual(['cluster', 'enabled', 'max', 'probes', 'leftOut', 'notProbed']);
  expect([json.cluster, json.enabled, json.max]).toEqual(['dev', true, 200]);
  const platform = checkPlatform(probeFixture());
  const model = forCluster(platform, platform.clusters[0]);
  const plan = planProbes(model, expectedConnectivity(model));
  expect(json.probes).toHaveLength(plan.probes.length);
  json.probes.forEach((p: Record<string, unknown>, i: number) => {
    const want = plan.probes[i];
    expect(p).toMatchObject({ kind: want.kind, from: want.from, to: want.to, host: want.host, port: want.port, protocol: want.protocol, expect: want.expect, reason: want.reason, job: `${want.from}-probes` });
    if (want.request) expect(p.request).toEqual(want.request);
    else expect(p.request).toBeUndefined();
  });
  // Every declared TCP flow appears, from its source tenant to its destination.
  expect(json.probes.filter((p: { kind: string }) => p.kind === 'flow').map((p: { from: string; to: string; port: number }) => `${p.from} ${p.to} ${p.port}`)).toEqual([
    'ops/agent shop/api 8080',
    'shop/api data/db 5432',
    'shop/web shop/api 8080',
  ]);
  expect(json.notProbed).toContainEqual({ kind: 'flow', what: 'shop/web -> shop/api stats', reason: expect.stringMatching(/not TCP/) });
  expect(json.leftOut).toEqual({});
});

test('txt (the default) prints a summary, one line per probe, and the not-probed list', async () => {
  const { code, stdout } = await run(['probes', '--cluster', 'dev', '--intents', intents]);
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^cluster dev: \d+ probes: 3 declared flow ports, 2 guardrail crossings, 3 DNS lookups, 2 HTTP requests/);
  expect(lines).toContain('  expect blocked   guardrail ops/agent -> data/db TCP/5432  [ops/agent-probes] guardrail ops-never-reaches-phi');
  expect(lines).toContain('not probed:');
});

test('an unknown cluster or a broken intents file is a usage error (exit 2), without a stack trace', async () => {
  const unknown = await run(['probes', '--cluster', 'staging', '--intents', intents]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe(`bulkhead: no cluster named "staging" in ${intents} (clusters: dev)\n`);
  const missing = await run(['probes', '--cluster', 'dev', '--intents', path.join(dir, 'nope.yaml')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/nope\.yaml:1:1: error: .*file not found/);
  expect(missing.stderr).not.toMatch(/\n\s+at /);
});
