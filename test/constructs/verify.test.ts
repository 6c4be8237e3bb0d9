/** verify(app): the analyzer's reading of what an app renders, held to what its constructs were asked. */
import { ApiObject, App } from 'cdk8s';
import * as path from 'node:path';
import { ClusterPlatform } from '../../lib/constructs/cluster-platform';
import { checkPlatform } from '../../lib/intent/check';
import { loadIntentsFile } from '../../lib/intent/load';
import { forCluster } from '../../lib/model/platform';
import { expectedConnectivity } from '../../lib/verify/expected';
import { ClusterSettings, Peer, Port, VerificationError, verify } from '../../lib';
import { docs, thrown, twoTenants } from './support';

test('a connection, a CIDR egress and a DNS-name egress verify: open on exactly their ports', () => {
  const { app, frontend, api } = twoTenants();
  frontend.connections.allowTo(api, [Port.named('http')]);
  api.connections.allowTo(Peer.cidr('198.51.100.0/24'), [Port.tcp(443)]);
  frontend.connections.allowTo(Peer.fqdn('*.stripe.com'), [Port.tcp(443)]);
  const proof = verify(app);
  expect(proof.connectivity.connections.map((c) => [c.from, c.to, c.ports])).toEqual([['web/frontend', 'patient-data/records-api', { TCP: [[8080, 8080]] }]]);
  expect(proof.expectation.external.size).toBe(2);
  expect(proof.cluster).toBe('cluster');
});

test('an object added by hand that opens more than asked fails verify, naming the policy', () => {
  const { app, chart, frontend, api } = twoTenants();
  frontend.connections.allowTo(api, [Port.named('http')]);
  // Both ends must allow, so the mistake needs an allow-all on each side to open more.
  for (const [namespace, direction] of [['patient-data', 'Ingress'], ['web', 'Egress']] as const)
    new ApiObject(chart, `allow-all-${namespace}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all', namespace },
      spec: { podSelector: {}, policyTypes: [direction], [direction.toLowerCase()]: [{}] },
    });
  const message = thrown(() => verify(app));
  expect(message).toMatch(/web\/frontend -> patient-data\/records-api: expected TCP 8080 \(web\/frontend -> patient-data\/records-api on http at platform\/web\/frontend\), but it is also open on .* \(allowed by NetworkPolicy web\/allow-all .*and NetworkPolicy patient-data\/allow-all/);
  expect(message).toMatch(/patient-data\/records-api accepts traffic from outside the cluster \(0\.0\.0\.0\/0\)/);
});

test('verify checks given manifests instead of the app\'s own: one end missing is a finding', () => {
  const { app, chart, frontend, api } = twoTenants();
  frontend.connections.allowTo(api, [Port.named('http')]);
  const rendered = docs(chart);
  expect(() => verify(app, { manifests: rendered })).not.toThrow();
  const withoutEgress = rendered.filter((d) => d.metadata.name !== 'frontend-egress');
  let err: unknown;
  try {
    verify(app, { manifests: withoutEgress });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VerificationError);
  const findings = (err as VerificationError).results[0].findings;
  expect(findings.map((f) => f.kind)).toEqual(['missing']);
  expect(findings[0].message).toMatch(/web\/frontend -> patient-data\/records-api: expected TCP 8080 .*, but nothing is open \(egress of web\/frontend: isolated by NetworkPolicy web\/default-deny/);
});

test('the policy-map budget follows the cluster settings', () => {
  const { app, frontend, api } = twoTenants({ policyMapMax: 4 });
  frontend.connections.allowTo(api, [Port.named('http'), Port.named('metrics'), Port.tcp(9000), Port.tcp(9001), Port.tcp(9002)]);
  expect(thrown(() => verify(app))).toMatch(/needs about \d+ Cilium policy-map entries, over bpf\.policyMapMax 4 \(<app>\)/);
});

test('cluster settings go on a scope before its children', () => {
  const { app } = twoTenants();
  expect(thrown(() => ClusterSettings.set(app, { cni: 'generic' }))).toMatch(/set the cluster settings before adding constructs below it/);
});

test('one path: platform.yaml compiles through the same constructs, whose record expects what the checked model expects', () => {
  const loaded = loadIntentsFile(path.resolve(__dirname, '..', '..', 'platform.yaml'));
  const platform = checkPlatform(loaded.spec, loaded.source);
  for (const cluster of platform.clusters) {
    const app = new App({ outdir: '.cdk8s.out' });
    const model = forCluster(platform, cluster);
    new ClusterPlatform(app, cluster.name, { platform: model });
    const proof = verify(app);
    const fromModel = expectedConnectivity(model);
    const ports = (e: typeof fromModel) => Object.fromEntries([...e.pairs].map(([k, v]) => [k, v.ports]));
    expect(ports(proof.expectation)).toEqual(ports(fromModel));
    expect([...proof.expectation.external.keys()].sort()).toEqual([...fromModel.external.keys()].sort());
    expect([...proof.expectation.gatewayExposure]).toEqual([...fromModel.gatewayExposure]);
    expect(proof.guardrails.map((g) => g.guardrail.name)).toEqual(model.guardrails.map((g) => g.name));
  }
});
