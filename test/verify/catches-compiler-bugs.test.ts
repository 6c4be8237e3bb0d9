/**
 * The verifier is only worth having if it catches the compiler's mistakes. Here the compiler is
 * broken on purpose in the ways real generators break (a dropped namespaceSelector; an OR where an
 * AND was meant; a hand-added allow-all) and synth must refuse, naming the pair and the policy,
 * while dist/ stays as it was.
 */
import { k8s } from 'cdk8s-plus-28';
import { PolicyPeer } from '../../lib/constructs/policy-peer';
import { synthesize } from '../../lib/synth/pipeline';
import { chartOf, failure } from '../support/broken';
import { exampleText, synth, treeDigest, workspace } from '../support/workspace';

afterEach(() => jest.restoreAllMocks());


test('dropping the namespaceSelector from peers leaves declared flows blocked', () => {
  const original = PolicyPeer.prototype._toKube;
  jest.spyOn(PolicyPeer.prototype, '_toKube').mockImplementation(function (this: PolicyPeer) {
    const { namespaceSelector: _dropped, ...rest } = original.call(this);
    return rest;
  });
  const ws = workspace();
  const err = failure(() => synthesize({ intents: ws.intents, dryRun: true }));
  expect(err.message).toMatch(/web\/frontend -> billing\/invoicer: expected TCP 8080 \(.*platform\.yaml:\d+:\d+\), but nothing is open/);
  expect(err.message).toMatch(/isolated by .*invoicer-ingress/);
});

test('rules that lose their ports open every port, and the verifier says which policy did it', () => {
  const seg = jest.requireActual('../../lib/constructs/segmentation');
  const render = seg.Segmentation.prototype._toKube;
  jest.spyOn(seg.Segmentation.prototype, '_toKube').mockImplementation(function (this: unknown, direction: unknown) {
    const spec = render.call(this, direction);
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) delete rule.ports;
    return spec;
  });
  const ws = workspace();
  const err = failure(() => synthesize({ intents: ws.intents, dryRun: true }));
  expect(err.message).toMatch(/web\/frontend -> billing\/invoicer: expected TCP 8080 \(.*\), but it is also open on TCP 1-8079, 8081-65535, UDP 1-65535, SCTP 1-65535 \(allowed by NetworkPolicy web\/frontend-egress .* rule \d+ and NetworkPolicy billing\/invoicer-ingress .* rule \d+\)/);
  expect(err.message).toMatch(/billing\/ledger -> 198\.51\.100\.0\/24: expected TCP 443, found all ports/);
});

test('a hand-written allow-all policy fails synth and dist/ stays as it was', () => {
  const ws = workspace();
  expect(synth(ws).code).toBe(0);
  const before = treeDigest(ws.dist);
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      customize: (app) => {
        // Both ends must allow, so the mistake needs an allow-all on each side to open the path.
        const chart = (ns: string) => chartOf(app, ns);
        new k8s.KubeNetworkPolicy(chart('patient-data'), 'allow-all', {
          metadata: { name: 'allow-all-ingress', namespace: 'patient-data' },
          spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
        });
        new k8s.KubeNetworkPolicy(chart('web'), 'allow-all', {
          metadata: { name: 'allow-all-egress', namespace: 'web' },
          spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
        });
      },
    }),
  );
  const stderr = err.message;
  expect(stderr).toMatch(/web\/frontend -> patient-data\/records-db: no flow declares it, but it is open on all ports \(allowed by NetworkPolicy web\/allow-all-egress .* rule 0 and NetworkPolicy patient-data\/allow-all-ingress .* rule 0\)/);
  expect(stderr).toMatch(/patient-data\/records-db accepts traffic from outside the cluster \(0\.0\.0\.0\/0\)/);
  expect(treeDigest(ws.dist)).toEqual(before);
});

test('on a cluster without Cilium, allow-alls across a guardrail are reported as crossing it', () => {
  const generic = exampleText()
    .replace(/    provider: eks\n/, '    provider: eks\n    cni: generic\n')
    .replace('  - name: public\n    listeners:\n', '  - name: public\n    clusters: [dev]\n    listeners:\n')
    .replace(/  - from: billing\/invoicer\n    fqdn: api\.stripe\.com\n    ports: \[443\]\n.*\n/, '')
    .replace(/    # Cilium's proxy.*\n    http:\n.*\n/, '');
  const ws = workspace(generic);
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      dryRun: true,
      customize: (app, model) => {
        if (model.cluster.cni !== 'generic') return;
        const chart = (ns: string) => chartOf(app, ns);
        new k8s.KubeNetworkPolicy(chart('patient-data'), 'allow-all', { metadata: { name: 'allow-all-ingress', namespace: 'patient-data' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] } });
        new k8s.KubeNetworkPolicy(chart('billing'), 'allow-all', { metadata: { name: 'allow-all-egress', namespace: 'billing' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } });
      },
    }),
  );
  expect(err.message).toMatch(/verification of cluster prod failed/);
  expect(err.message).not.toMatch(/verification of cluster dev failed/);
  expect(err.message).toMatch(/billing\/invoicer -> patient-data\/records-api \(all ports\) crosses guardrail "billing-never-reaches-phi"/);
});
