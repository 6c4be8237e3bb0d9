/**
 * References resolve by what they say, not by where they stand: a route backend given by number is
 * the workload's TCP port of that number whatever order the ports are declared in. Also: what would
 * make order matter is refused, and a guardrail with the same tenant on both sides says what it means.
 */
import { PlatformSpec, PortSpec } from '../../lib/intent/types';
import { compileSpec, intentErrors, renderedFiles, smallPlatform } from '../support/fixtures';

const gateway = { name: 'public', listeners: [{ name: 'http', protocol: 'HTTP' as const, port: 80 }] };

function withDbPorts(ports: PortSpec[], backendPort: string | number = 5432): PlatformSpec {
  const base = smallPlatform();
  return {
    ...base,
    tenants: base.tenants.map((t) => (t.name === 'data' ? { ...t, workloads: [{ name: 'db', image: 'example/db:1', ports }] } : t)),
    flows: [],
    gateways: [gateway],
    routes: [{ name: 'admin', tenant: 'data', gateway: 'public', hostnames: ['admin.example.com'], rules: [{ backends: [{ to: 'data/db', port: backendPort }] }] }],
  };
}

test('a route backend by number picks the TCP port of that number, in either declaration order, with byte-identical output', () => {
  const udpFirst = withDbPorts([{ name: 'a', port: 5432, protocol: 'UDP' }, { name: 'b', port: 5432 }]);
  const tcpFirst = withDbPorts([{ name: 'b', port: 5432 }, { name: 'a', port: 5432, protocol: 'UDP' }]);
  const a = renderedFiles(compileSpec(udpFirst));
  expect(renderedFiles(compileSpec(tcpFirst))).toEqual(a);
  expect(a['dist/dev/tenants/data.yaml']).toMatch(/kind: HTTPRoute[\s\S]*port: 5432/);
});

test('a route backend by number that the workload declares only for UDP is an error that says so', () => {
  const message = intentErrors(withDbPorts([{ name: 'a', port: 5432, protocol: 'UDP' }, { name: 'b', port: 5433 }]));
  expect(message).toMatch(/routes\[0\]\.rules\[0\]\.backends\[0\]\.port: data\/db has no TCP port 5432 \(a is UDP 5432; a gateway sends HTTP over TCP\)\n  hint: TCP ports there: b \(5433\)/);
});

test('two rules of a route with the same match, a backend listed twice and a hostname listed twice are refused', () => {
  const spec = withDbPorts([{ name: 'sql', port: 5432 }]);
  const route = spec.routes![0];
  const message = intentErrors({
    ...spec,
    routes: [
      {
        ...route,
        hostnames: ['admin.example.com', 'admin.example.com'],
        rules: [
          { path: '/x', backends: [{ to: 'data/db', port: 5432, weight: 2 }, { to: 'data/db', port: 'sql', weight: 3 }] },
          { path: { type: 'PathPrefix', value: '/x' }, backends: [{ to: 'data/db', port: 5432 }] },
        ],
      },
    ],
  });
  expect(message).toMatch(/routes\[0\]\.hostnames\[1\]: hostname admin\.example\.com is listed twice/);
  expect(message).toMatch(/routes\[0\]\.rules\[0\]\.backends\[1\]: backend data\/db port 5432 is listed twice in this rule\n  hint: give it one entry, with the weights added up \(2 \+ 3\)/);
  expect(message).toMatch(/routes\[0\]\.rules\[1\]: this rule matches the same requests \(PathPrefix \/x\) as the rule at .*; only the first in list order would get traffic/);
});

test('a guardrail that selects one tenant on both sides forbids traffic inside it, and the error says so', () => {
  const spec = smallPlatform({ guardrails: [{ name: 'phi-stays-apart', from: { labels: { 'data-class': 'phi' } }, to: { tenant: 'data' } }] });
  const inside = { ...spec, tenants: [...spec.tenants.filter((t) => t.name !== 'data'), { name: 'data', labels: { 'data-class': 'phi' }, workloads: [{ name: 'db', image: 'example/db:1', ports: [{ name: 'postgres', port: 5432 }] }, { name: 'backup', image: 'example/backup:1' }] }] };
  const message = intentErrors({ ...inside, flows: [{ from: 'data/backup', to: 'data/db', ports: ['postgres'] }] });
  expect(message).toMatch(/flow data\/backup -> data\/db breaks guardrail "phi-stays-apart"/);
  expect(message).toMatch(/hint: the guardrail selects tenant data on both sides, so it forbids traffic inside data too \(a workload to itself included\)/);
  // Between the sides it is the usual message.
  expect(intentErrors({ ...spec, guardrails: [{ name: 'g', from: { tenant: 'shop' }, to: { tenant: 'data' } }] })).toMatch(/hint: remove the flow, or change the guardrail after review\./);
});
