/**
 * Same intents, same bytes: across runs, and when tenants, workloads, ports, flows and guardrails
 * are listed in another order. Also: `npx cdk8s synth` renders the same dist/ as `npm run synth`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, YAMLSeq, isSeq, isMap } from 'yaml';
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';

/** Reverses every list where order carries no meaning. */
function reorder(text: string): string {
  const doc = parseDocument(text);
  const reverse = (path: (string | number)[]) => {
    const node = doc.getIn(path, true);
    if (isSeq(node)) (node as YAMLSeq).items.reverse();
  };
  for (const key of ['clusters', 'tenants', 'flows', 'egress', 'guardrails']) reverse([key]);
  const tenants = doc.get('tenants', true) as YAMLSeq;
  tenants.items.forEach((_, ti) => {
    reverse(['tenants', ti, 'workloads']);
    const workloads = doc.getIn(['tenants', ti, 'workloads'], true);
    if (isSeq(workloads)) workloads.items.forEach((w, wi) => {
      reverse(['tenants', ti, 'workloads', wi, 'ports']);
      if (isMap(w)) w.items.reverse(); // field order too
    });
  });
  return doc.toString();
}

/** The example synthesized once for this file; tests that only need its bytes share it. */
let example: { ws: ReturnType<typeof workspace>; digest: Record<string, string> } | undefined;
function synthesizedExample() {
  if (!example) {
    const ws = workspace();
    expect(synth(ws).code).toBe(0);
    example = { ws, digest: treeDigest(ws.dist) };
  }
  return example;
}

test('two synths give byte-identical output, also over an existing dist/', () => {
  const { ws, digest } = synthesizedExample();
  expect(Object.keys(digest).length).toBeGreaterThan(5);
  const other = workspace();
  expect(synth(other).code).toBe(0);
  expect(treeDigest(other.dist)).toEqual(digest);
  expect(synth(ws).code).toBe(0);
  expect(treeDigest(ws.dist)).toEqual(digest);
});

test('a reordered platform.yaml gives byte-identical output', () => {
  const text = exampleText();
  const shuffled = reorder(text);
  expect(shuffled).not.toEqual(text);
  const b = workspace(shuffled);
  expect(synth(b).code).toBe(0);
  expect(treeDigest(b.dist)).toEqual(synthesizedExample().digest);
});

test('no stale file survives a successful synth', () => {
  const ws = workspace();
  fs.cpSync(synthesizedExample().ws.dist, ws.dist, { recursive: true });
  fs.writeFileSync(path.join(ws.dist, 'dev', 'tenants', 'removed-tenant.yaml'), 'apiVersion: v1\n');
  expect(synth(ws).code).toBe(0);
  expect(fs.existsSync(path.join(ws.dist, 'dev', 'tenants', 'removed-tenant.yaml'))).toBe(false);
  expect(treeDigest(ws.dist)).toEqual(synthesizedExample().digest);
});

test('npx cdk8s synth renders dist/ like npm run synth, and a failure keeps dist/', () => {
  const root = path.resolve(__dirname, '..', '..');
  const ws = workspace();
  const expected = synthesizedExample().digest;
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', BULKHEAD_INTENTS: ws.intents, BULKHEAD_OUT: ws.dist };
  execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', path.join(ws.dir, '.cdk8s.out')], { cwd: root, env, stdio: 'pipe' });
  expect(treeDigest(ws.dist)).toEqual(expected);

  fs.writeFileSync(ws.intents, exampleText().replace('kind: Platform', 'kind: Platfrom'));
  let failed = false;
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', path.join(ws.dir, '.cdk8s.out')], { cwd: root, env, stdio: 'pipe' });
  } catch (e) {
    failed = true;
    const stderr = String((e as { stderr: Buffer }).stderr);
    expect(stderr).toMatch(/platform\.yaml:\d+:\d+: error: kind: must be "Platform"/);
    // What bulkhead prints has no stack; cdk8s-cli then adds its own trace of the failed command.
    expect(stderr.slice(0, stderr.indexOf('synth failed'))).not.toMatch(/\n\s+at /);
  }
  expect(failed).toBe(true);
  expect(treeDigest(ws.dist)).toEqual(expected);
});
