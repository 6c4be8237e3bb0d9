/**
 * DNS opens exactly 53/UDP and 53/TCP to kube-dns, and the verifier proves it: it analyzes the
 * rendered manifests together with the cluster's DNS server, so a DNS rule that opens more (Cilium's
 * ANY also covers SCTP) or less fails synth, naming the workload and the ports.
 */
import { JsonPatch } from 'cdk8s';
import { analyze } from '../../lib/analysis';
import { CiliumPolicy } from '../../lib/constructs/cilium-policy';
import { DefaultDeny } from '../../lib/constructs/default-deny';
import { CLUSTER_DNS_ID, CLUSTER_DNS_OBJECTS } from '../../lib/verify/cluster-dns';
import { failure } from '../support/broken';
import { compileSpec, manifestsOf, smallPlatform } from '../support/fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const withFqdn = smallPlatform({ egress: [{ from: 'shop/api', fqdn: 'api.example.com', ports: [443] }] });

test('no Cilium policy opens port 53 on SCTP or ANY; the DNS proxy rule covers exactly UDP and TCP', () => {
  const objects = manifestsOf(compileSpec(withFqdn));
  const ports = objects
    .map((o) => o.object as Json)
    .filter((o) => o.kind === 'CiliumNetworkPolicy' || o.kind === 'CiliumClusterwideNetworkPolicy')
    .flatMap((o) => [o.spec, ...(o.specs ?? [])].filter(Boolean))
    .flatMap((spec) => [...(spec.egress ?? []), ...(spec.ingress ?? [])])
    .flatMap((rule: Json) => (rule.toPorts ?? []).flatMap((tp: Json) => tp.ports ?? []))
    .filter((p: Json) => p.port === '53');
  expect(ports.map((p: Json) => p.protocol).sort()).toEqual(['TCP', 'UDP']);
});

test('every workload reaches the cluster DNS on exactly 53/UDP and 53/TCP, DNS-name egress included', () => {
  const objects = [...manifestsOf(compileSpec(withFqdn)), ...CLUSTER_DNS_OBJECTS];
  const toDns = analyze(objects).connections.filter((c) => c.to === CLUSTER_DNS_ID);
  expect(toDns.map((c) => c.from).sort()).toEqual(['data/db', 'shop/api', 'shop/web']);
  for (const c of toDns) expect(c.ports).toEqual({ TCP: [[53, 53]], UDP: [[53, 53]] });
});

test('a compiler that writes ANY on the DNS proxy rule is caught: SCTP/53 is more than DNS needs', () => {
  const err = failure(() =>
    compileSpec(withFqdn, (app) => {
      for (const policy of app.node.findAll().filter((c): c is CiliumPolicy => c instanceof CiliumPolicy)) {
        const object = policy.node.findAll().find((c) => (c as Json).kind === 'CiliumNetworkPolicy') as Json | undefined;
        object?.addJsonPatch(JsonPatch.replace('/spec/egress/0/toPorts/0/ports', [{ port: '53', protocol: 'ANY' }]));
      }
    }),
  );
  expect(err.message).toMatch(/shop\/api -> kube-dns \(kube-system\/coredns\): DNS needs only TCP 53, UDP 53, but it is also open on SCTP 53/);
});

test('a default deny without DNS over TCP is caught for every workload of the namespace', () => {
  const err = failure(() =>
    compileSpec(smallPlatform(), (app) => {
      for (const d of app.node.findAll().filter((c) => c instanceof DefaultDeny)) {
        const object = d.node.findAll().find((c) => (c as Json).kind === 'NetworkPolicy') as Json;
        object.addJsonPatch(JsonPatch.remove('/spec/egress/0/ports/1'));
      }
    }),
  );
  for (const id of ['shop/web', 'shop/api', 'data/db']) expect(err.message).toContain(`${id} -> kube-dns (kube-system/coredns): DNS is blocked on TCP 53, so name resolution fails`);
});
