/**
 * The rules beyond the schema hold for a PlatformSpec written in TypeScript too (no schema runs there):
 * port names, reserved and malformed labels, composed name lengths, listener conflicts, RE2 patterns,
 * canonical addresses.
 */
import { IntentError } from '../../lib/intent/diagnostics';
import { checkPlatform } from '../../lib/intent/check';
import { PlatformSpec } from '../../lib/intent/types';

const base = (): PlatformSpec => ({
  apiVersion: 'bulkhead.dev/v1alpha1',
  kind: 'Platform',
  metadata: { name: 'ts' },
  clusters: [{ name: 'dev', provider: 'kind' }],
  tenants: [
    {
      name: 'shop',
      workloads: [
        { name: 'web', image: 'nginx', ports: [{ name: 'http', port: 8080 }] },
        { name: 'db', image: 'postgres', ports: [{ name: 'postgres', port: 5432 }] },
      ],
    },
  ],
  flows: [{ from: 'shop/web', to: 'shop/db', ports: ['postgres'] }],
});

function problems(edit: (s: PlatformSpec) => PlatformSpec): string[] {
  try {
    checkPlatform(edit(base()));
    return [];
  } catch (e) {
    if (!(e instanceof IntentError)) throw e;
    return e.diagnostics.map((d) => `${d.field}: ${d.message}`);
  }
}

test('the base is valid', () => {
  expect(problems((s) => s)).toEqual([]);
});

test.each<[string, (s: PlatformSpec) => PlatformSpec, RegExp]>([
  ['a port name of digits only', (s) => ({ ...s, tenants: [{ ...s.tenants[0], workloads: [{ name: 'web', image: 'x', ports: [{ name: '8080', port: 8080 }] }, s.tenants[0].workloads![1]] }] }), /ports\[0\]\.name: port name "8080" is not valid: it has no letter/],
  ['a port name with --', (s) => ({ ...s, tenants: [{ ...s.tenants[0], workloads: [{ name: 'web', image: 'x', ports: [{ name: 'my--http', port: 8080 }] }, s.tenants[0].workloads![1]] }] }), /port name "my--http" is not valid: it contains '--'/],
  ['a reserved label', (s) => ({ ...s, tenants: [{ ...s.tenants[0], labels: { 'kubernetes.io/metadata.name': 'other' } }] }), /tenants\[0\]\.labels\["kubernetes\.io\/metadata\.name"\]: label key .* uses the prefix kubernetes\.io\//],
  ['a label under a k8s.io subdomain', (s) => ({ ...s, tenants: [{ ...s.tenants[0], labels: { 'node.k8s.io/x': 'y' } }] }), /uses the prefix k8s\.io\//],
  ['a malformed label value', (s) => ({ ...s, tenants: [{ ...s.tenants[0], labels: { team: 'a b' } }] }), /label value "a b" is not valid/],
  ['a malformed label key', (s) => ({ ...s, tenants: [{ ...s.tenants[0], labels: { 'Example.com/team': 'a' } }] }), /label key "Example\.com\/team" is not valid: the prefix/],
  ['a tenant too long for its Argo CD names', (s) => ({ ...s, gitops: { repoURL: 'https://git.example.com/p.git' }, clusters: [{ name: 'production', provider: 'kind' }], tenants: [{ ...s.tenants[0], name: 's'.repeat(52) }], flows: [] }), /tenants\[0\]\.name: with cluster "production", the Argo CD Application and AppProject ".*" would be 70 characters, over the limit of 63/],
  ['a workload too long for <name>-ingress', (s) => ({ ...s, tenants: [{ ...s.tenants[0], workloads: [...s.tenants[0].workloads!, { name: 'w'.repeat(56), image: 'x' }] }] }), /the NetworkPolicy "w+-ingress" would be 64 characters/],
  ['a kind cluster too long for <name>-control-plane', (s) => ({ ...s, clusters: [{ name: 'c'.repeat(50), provider: 'kind' }] }), /kind's API server host "c+-control-plane" would be 64 characters/],
  ['two HTTP listeners on one port without hostnames', (s) => ({ ...s, gateways: [{ name: 'gw', listeners: [{ name: 'a', protocol: 'HTTP', port: 80 }, { name: 'b', protocol: 'HTTP', port: 80 }] }] }), /gateways\[0\]\.listeners\[1\]: listener "b" takes HTTP on port 80 for every hostname, as listener "a" does/],
  ['HTTP and HTTPS on one port', (s) => ({ ...s, gateways: [{ name: 'gw', listeners: [{ name: 'a', protocol: 'HTTPS', port: 443, hostname: 'a.example.com', tls: { certificate: 'c' } }, { name: 'b', protocol: 'HTTP', port: 443, hostname: 'b.example.com' }] }] }), /listener "b" \(HTTP\) shares port 443 with HTTPS listener "a"/],
  ['a lookbehind in an HTTP path', (s) => ({ ...s, flows: [{ from: 'shop/web', to: 'shop/db', ports: ['postgres'], http: [{ path: '/(?<!x)a' }] }] }), /flows\[0\]\.http\[0\]\.path: .*not a regular expression Cilium's proxy \(Envoy, RE2\) accepts/],
  ['an octal CIDR', (s) => ({ ...s, egress: [{ from: 'shop/web', cidr: '010.0.0.0/8', ports: [443] }] }), /egress\[0\]\.cidr: .*leading zeros/],
  ['a quoted port number in a flow', (s) => ({ ...s, flows: [{ from: 'shop/web', to: 'shop/db', ports: ['5432'] }] }), /flows\[0\]\.ports\[0\]: "5432" is a port number in quotes/],
])('%s', (_name, edit, says) => {
  expect(problems(edit).join('\n')).toMatch(says);
});

test('listeners that differ by hostname share a port, as Gateway API allows', () => {
  expect(problems((s) => ({ ...s, gateways: [{ name: 'gw', listeners: [{ name: 'a', protocol: 'HTTP', port: 80, hostname: 'a.example.com' }, { name: 'b', protocol: 'HTTP', port: 80, hostname: 'b.example.com' }] }] }))).toEqual([]);
});

test('a guardrail may select by a reserved label (it only reads it)', () => {
  expect(problems((s) => ({ ...s, guardrails: [{ name: 'g', from: { labels: { 'kubernetes.io/metadata.name': 'shop' } }, to: { tenant: 'shop' } }], flows: [] }))).toEqual([]);
});
