/**
 * Intents that need Cilium (DNS-name egress, HTTP rules, kube-apiserver egress) and what the checker
 * says when a cluster cannot enforce them: an error at the line, never a silently wider policy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, loadManifestPaths } from '../../lib/analysis';
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';

const replace = (text: string, from: string, to: string) => {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`test edit did not apply: ${from}`);
  return out;
};
// The gateway stays on dev: gateways need Cilium.
const genericProd = (t: string) => replace(replace(t, '    provider: eks\n', '    provider: eks\n    cni: generic\n'), '  - name: public\n    listeners:\n', '  - name: public\n    clusters: [dev]\n    listeners:\n');

function expectError(text: string, line: RegExp, says: RegExp): void {
  const ws = workspace(text);
  const run = synth(ws);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(says);
  // Every problem is reported; one of them points at the line in question.
  const lines = [...run.stderr.matchAll(/platform\.yaml:(\d+):(\d+): error/g)].map((m) => text.split('\n')[Number(m[1]) - 1]);
  expect(lines.length).toBeGreaterThan(0);
  expect(lines).toContainEqual(expect.stringMatching(line));
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(treeDigest(ws.dist)).toEqual({});
}

test('DNS-name egress on a cluster without Cilium is an error at the fqdn line', () => {
  expectError(genericProd(exampleText()), /fqdn: api\.stripe\.com/, /cluster "prod" uses cni: generic, which cannot enforce egress to a DNS name[\s\S]*hint: use cni: cilium/);
});

test('HTTP rules on a cluster without Cilium are an error at the http line', () => {
  const text = genericProd(exampleText()).replace(/  - from: billing\/invoicer\n    fqdn: api\.stripe\.com\n    ports: \[443\]\n.*\n/, '');
  expectError(text, /http:/, /cluster "prod" uses cni: generic, which cannot enforce HTTP rules/);
});

test('HTTP rules on a port range or a UDP port are errors at the port', () => {
  expectError(replace(exampleText(), '    ports: [http]\n    # Cilium', '    ports: [{ port: 8080, endPort: 8081 }]\n    # Cilium'), /endPort: 8081/, /HTTP rules need single ports/);
  expectError(replace(exampleText(), '    ports: [http]\n    # Cilium', '    ports: [{ port: 8080, protocol: UDP }]\n    # Cilium'), /protocol: UDP/, /HTTP rules need TCP/);
});

test('an invalid path expression is an error at the path', () => {
  expectError(replace(exampleText(), 'path: "/records(/.*)?"', 'path: "/records(/.*"'), /records\(/, /is not a regular expression Cilium.s proxy \(Envoy, RE2\) accepts/);
});

test('egress to a DNS name needs ports; kube-apiserver egress defaults to the API server port of each cluster', () => {
  expectError(replace(exampleText(), '    fqdn: api.stripe.com\n    ports: [443]\n', '    fqdn: api.stripe.com\n'), /- from: billing\/invoicer/, /egress needs ports/);

  const ws = workspace(replace(exampleText(), 'egress:\n', 'egress:\n  - from: billing/ledger\n    entity: kube-apiserver\n'));
  expect(synth(ws).code).toBe(0);
  for (const [cluster, port] of [['dev', 6443], ['prod', 443]] as const) {
    const external = analyze(loadManifestPaths([path.join(ws.dist, cluster, 'tenants')])).external.filter((x) => x.workload === 'billing/ledger');
    expect(external).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'entity', entity: 'kube-apiserver', ports: { TCP: [[port, port]] } })]));
  }
});

test('a platform without Cilium renders no Cilium object and no values file, and says how guardrails are enforced', () => {
  let text = genericProd(exampleText());
  text = text.replace(/  - from: billing\/invoicer\n    fqdn: api\.stripe\.com\n    ports: \[443\]\n.*\n/, '');
  text = text.replace(/    # Cilium's proxy.*\n    http:\n.*\n/, '');
  const ws = workspace(text);
  const run = synth(ws);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const prod = path.join(ws.dist, 'prod');
  const files = fs.readdirSync(prod, { recursive: true, encoding: 'utf8' });
  expect(files).not.toContain(path.join('bootstrap', 'cilium-values.yaml'));
  const all = files.filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(prod, f), 'utf8')).join('\n');
  expect(all).not.toMatch(/kind: Cilium/);
  expect(fs.readFileSync(path.join(prod, 'CONNECTIVITY.md'), 'utf8')).toMatch(/Enforced by: the compiled NetworkPolicies only/);
  // The Cilium cluster of the same platform still gets its guardrail deny policy.
  expect(fs.readFileSync(path.join(ws.dist, 'dev', 'platform', 'guardrails.yaml'), 'utf8')).toMatch(/kind: CiliumClusterwideNetworkPolicy/);
});
