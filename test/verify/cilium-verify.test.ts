/**
 * The verifier on Cilium clusters catches the mistakes a Cilium lowering can make: an L4 rule that
 * silently lifts an HTTP restriction, a guardrail without its deny policy, a lost FQDN rule, and a
 * policy map that would overflow. Each is made on purpose; synth must refuse with a clear message.
 */
import { k8s } from 'cdk8s-plus-28';
import { CiliumPolicy } from '../../lib/constructs/cilium-policy';
import { Guardrail } from '../../lib/constructs/guardrail-policy';
import { synthesize } from '../../lib/synth/pipeline';
import { chartOf, failure } from '../support/broken';
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';

afterEach(() => jest.restoreAllMocks());



test('an L4 rule that also opens the HTTP port lifts the restriction, and the verifier says so', () => {
  const ws = workspace();
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      dryRun: true,
      customize: (app) => {
        new k8s.KubeNetworkPolicy(chartOf(app, 'patient-data'), 'l4-too', {
          metadata: { name: 'records-api-l4', namespace: 'patient-data' },
          spec: {
            podSelector: { matchLabels: { 'bulkhead.dev/workload': 'records-api' } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { 'bulkhead.dev/workload': 'frontend' } } }], ports: [{ port: k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }] }],
          },
        });
      },
    }),
  );
  expect(err.message).toMatch(/web\/frontend -> patient-data\/records-api TCP\/8080: expected only GET \/records\(\/\.\*\)\? \(.*platform\.yaml:\d+:\d+\), but every request passes/);
});

test('a guardrail without its deny policy fails: a tenant allow-all would cross it', () => {
  const ws = workspace();
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      dryRun: true,
      customize: (app) => {
        for (const g of app.node.findAll().filter((c) => c instanceof Guardrail)) g.node.scope!.node.tryRemoveChild(g.node.id);
      },
    }),
  );
  expect(err.message).toMatch(/guardrail "billing-never-reaches-phi" \(.*platform\.yaml:\d+:\d+\) does not survive a tenant's own allow-all policies: no deny rule closes .*billing\/invoicer -> patient-data\/records-api/);
});

test('losing the FQDN rule leaves the declared egress closed, named with its destination', () => {
  jest.spyOn(CiliumPolicy.prototype, 'allowToFqdn').mockImplementation(function (this: CiliumPolicy) {
    return this;
  });
  const ws = workspace();
  const err = failure(() => synthesize({ intents: ws.intents, dryRun: true }));
  expect(err.message).toMatch(/billing\/invoicer -> api\.stripe\.com: expected TCP 443, found nothing open/);
});

test('a workload over bpf.policyMapMax fails synth with its estimate, and dist/ stays as it was', () => {
  const ws = workspace();
  expect(synth(ws).code).toBe(0);
  const before = treeDigest(ws.dist);
  const tiny = exampleText().replace('    cilium:\n      hubble: { ui: true }\n', '    cilium:\n      hubble: { ui: true }\n      policyMapMax: 4\n');
  expect(tiny).not.toBe(exampleText());
  const small = workspace(tiny);
  require('node:fs').cpSync(ws.dist, small.dist, { recursive: true });
  const run = synth(small);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/billing\/invoicer needs about \d+ Cilium policy-map entries, over bpf\.policyMapMax 4 \(.*platform\.yaml:\d+:\d+\)/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(treeDigest(small.dist)).toEqual(before);
});

test('past half of bpf.policyMapMax synth warns, names the workload, and still renders', () => {
  const text = exampleText().replace('    cilium:\n      hubble: { ui: true }\n', '    cilium:\n      hubble: { ui: true }\n      policyMapMax: 18\n');
  const ws = workspace(text);
  const run = synth(ws);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/bulkhead: warning: dev: billing\/invoicer needs about \d+ Cilium policy-map entries, past half of bpf\.policyMapMax 18/);
  expect(run.stderr).not.toMatch(/warning: prod:/);
  expect(require('node:fs').readFileSync(`${ws.dist}/dev/CONNECTIVITY.md`, 'utf8')).toMatch(/\*\*0 workloads over the limit · [1-9]\d* workloads? past half\*\*/);
});
