/**
 * The verifier fails a synth whose routes would not work or would expose too much, each broken on
 * purpose in the way gateway set-ups really break: the backend policy forgotten, the classic
 * NetworkPolicy on the gateway's namespace instead (which Cilium's Envoy traffic never matches), the
 * ReferenceGrant missing, and a workload opened to the gateway that no route uses.
 */
import { k8s } from 'cdk8s-plus-28';
import { CiliumNetworkPolicy } from '../../imports/cilium-network-policy-cilium.io';
import { CiliumPolicy } from '../../lib/constructs/cilium-policy';
import { Tenant } from '../../lib/constructs/tenant';
import { synthesize } from '../../lib/synth/pipeline';
import { chartOf, failure } from '../support/broken';
import { synth, treeDigest, workspace } from '../support/workspace';

afterEach(() => jest.restoreAllMocks());


test("without the backend admission the route's backends are unreachable, and dist/ stays as it was", () => {
  const ws = workspace();
  expect(synth(ws).code).toBe(0);
  const before = treeDigest(ws.dist);
  jest.spyOn(CiliumPolicy.prototype, 'allowFromGateway').mockImplementation(function (this: CiliumPolicy) {
    return this;
  });
  const run = synth(ws);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/route web\/portal \(.*platform\.yaml:\d+:\d+\) rule 0: the gateway's proxy cannot reach web\/frontend on TCP 8080/);
  expect(run.stderr).toMatch(/rule 1: the gateway's proxy cannot reach billing\/invoicer on TCP 8080/);
  expect(treeDigest(ws.dist)).toEqual(before);
});

test("a NetworkPolicy admitting the gateway's namespace does not make the backends reachable", () => {
  jest.spyOn(CiliumPolicy.prototype, 'allowFromGateway').mockImplementation(function (this: CiliumPolicy) {
    return this;
  });
  const ws = workspace();
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      dryRun: true,
      customize: (app) => {
        new k8s.KubeNetworkPolicy(chartOf(app, 'web'), 'from-gateways', {
          metadata: { name: 'from-gateways', namespace: 'web' },
          spec: {
            podSelector: {},
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'bulkhead-gateways' } } }], ports: [{ port: k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }] }],
          },
        });
      },
    }),
  );
  expect(err.message).toMatch(/the gateway's proxy cannot reach web\/frontend on TCP 8080/);
});

test('without the ReferenceGrant the cross-namespace backend is unresolved', () => {
  jest.spyOn(Tenant.prototype, '_grantRoutesFrom').mockImplementation(() => undefined);
  const ws = workspace();
  const err = failure(() => synthesize({ intents: ws.intents, dryRun: true }));
  expect(err.message).toMatch(/route web\/portal \(.*\) rule 1: backend billing\/invoicer:8080 is unresolved \(RefNotPermitted\); that share of traffic gets HTTP 500/);
  expect(err.message).not.toMatch(/rule 0: backend/);
});

test('a workload opened to the gateway without a route is reported', () => {
  const ws = workspace();
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      dryRun: true,
      customize: (app) => {
        new CiliumNetworkPolicy(chartOf(app, 'patient-data'), 'open-db', {
          metadata: { name: 'records-db-from-gateway', namespace: 'patient-data' },
          spec: { endpointSelector: { matchLabels: { 'bulkhead.dev/workload': 'records-db' } }, ingress: [{ fromEntities: ['ingress' as never], toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' as never }] }] }] },
        });
      },
    }),
  );
  expect(err.message).toMatch(/patient-data\/records-db accepts the gateway's traffic on TCP 5432, but no route sends it there/);
});
