/**
 * The Cilium policies synth renders from the example, judged by what they do: the HTTP rule really
 * restricts requests (no L4 rule opens the same port), FQDN egress has its DNS rule, nothing is said
 * twice, and the guardrail survives a tenant's own allow-all policies. Semantics come from the
 * independent analyzer reading dist/, not from the compiler's model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourcedObject, analyze, explain, loadManifestPaths, renderExplanation } from '../../lib/analysis';
import { synth, workspace } from '../support/workspace';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ws = workspace();
beforeAll(() => expect(synth(ws).code).toBe(0));

/** The manifests Argo CD would sync for a cluster (bootstrap/ holds set-up files, not manifests). */
function manifests(cluster: string): SourcedObject[] {
  const dirs = ['platform', 'tenants'].map((d) => path.join(ws.dist, cluster, d)).filter((d) => fs.existsSync(d));
  return loadManifestPaths(dirs);
}
const find = (objects: SourcedObject[], kind: string, name: string) => objects.map((o) => o.object as Json).find((o) => o.kind === kind && o.metadata.name === name);

const allowAll = (namespace: string): SourcedObject => ({
  file: 'hand-written.yaml',
  index: 0,
  object: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-everything', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
  },
});

describe.each(['dev', 'prod'])('cluster %s', (cluster) => {
  test('the HTTP flow is restricted to its requests at the destination, and no L4 rule reopens the port', () => {
    const objects = manifests(cluster);
    const conn = analyze(objects).connections.find((c) => c.from === 'web/frontend' && c.to === 'patient-data/records-api');
    expect(conn?.ports).toEqual({ TCP: [[8080, 8080]] });
    expect(conn?.l7).toEqual([{ direction: 'ingress', ports: { TCP: [[8080, 8080]] }, http: [{ method: 'GET', path: '/records(/.*)?' }] }]);
    // The flow without HTTP rules stays plain L4.
    expect(analyze(objects).connections.find((c) => c.to === 'billing/invoicer')?.l7 ?? []).toEqual([]);
    // Said once: the NetworkPolicies of patient-data do not mention web at all.
    const nps = objects.map((o) => o.object as Json).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'patient-data');
    expect(JSON.stringify(nps)).not.toContain('"web"');
  });

  test('DNS-name egress is a toFQDNs rule with the DNS proxy rule beside it, and opens nothing else outside', () => {
    const objects = manifests(cluster);
    const cnp = find(objects, 'CiliumNetworkPolicy', 'invoicer-cilium')!;
    expect(cnp.spec.egress).toEqual([
      {
        toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
        toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }],
      },
      { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
    const external = analyze(objects).external.filter((x) => x.workload === 'billing/invoicer' && x.direction === 'egress');
    expect(external).toEqual([expect.objectContaining({ direction: 'egress', kind: 'fqdn', fqdn: 'api.stripe.com', ports: { TCP: [[443, 443]] } })]);
  });

  test('the guardrail selects tenants by namespace name and only takes away', () => {
    const ccnp = find(manifests(cluster), 'CiliumClusterwideNetworkPolicy', 'guardrail-billing-never-reaches-phi')!;
    const text = JSON.stringify(ccnp);
    expect(text).not.toContain('namespace.labels');
    for (const spec of ccnp.specs) {
      expect(spec.enableDefaultDeny).toEqual({ ingress: false, egress: false });
      expect(spec.ingress ?? spec.egress).toBeUndefined();
      expect(spec.endpointSelector.matchExpressions[0].key).toBe('k8s:io.kubernetes.pod.namespace');
    }
    expect(ccnp.metadata.annotations['bulkhead.dev/control']).toMatch(/HIPAA/);
  });

  test('a tenant that adds allow-all NetworkPolicies still cannot cross the guardrail; without the deny policy it could', () => {
    const objects = manifests(cluster);
    const tampered = [...objects, allowAll('billing'), allowAll('patient-data')];
    const crossing = (objs: SourcedObject[]) =>
      analyze(objs).connections.filter((c) => [c.from, c.to].some((id) => id.startsWith('billing/')) && [c.from, c.to].some((id) => id.startsWith('patient-data/')));
    expect(crossing(tampered)).toEqual([]);
    const why = explain(tampered, { from: 'billing/invoicer', to: 'patient-data/records-api', port: 8080, protocol: 'TCP' });
    expect(why.allowed).toBe(false);
    expect(renderExplanation(why)).toMatch(/guardrail-billing-never-reaches-phi/);

    // The same tampering without the guardrail policy opens the path: the assertion above can fail.
    const withoutGuardrail = tampered.filter((o) => (o.object as Json).kind !== 'CiliumClusterwideNetworkPolicy');
    expect(crossing(withoutGuardrail).map((c) => `${c.from} -> ${c.to}`)).toEqual(expect.arrayContaining(['billing/invoicer -> patient-data/records-api', 'patient-data/records-api -> billing/invoicer']));
  });
});

test('the report shows DNS-name egress, HTTP rules, how guardrails are enforced and the policy-map budget', () => {
  const report = fs.readFileSync(path.join(ws.dist, 'dev', 'CONNECTIVITY.md'), 'utf8');
  expect(report).toMatch(/\| billing\/invoicer \| api\.stripe\.com \| DNS name \|/);
  expect(report).toMatch(/\| web\/frontend \| patient-data\/records-api \| TCP 8080 \| TCP 8080: GET \/records\(\/\.\*\)\? \|/);
  expect(report).toMatch(/Enforced by: Cilium deny policy/);
  expect(report).toMatch(/## Cilium policy-map budget[\s\S]*\| workload \| ingress \| egress \| total \| of limit \|/);
  expect(report).toMatch(/\| billing\/invoicer \| \d+ \| \d+ \| \d+ \| [\d.]+% \|/);
});
