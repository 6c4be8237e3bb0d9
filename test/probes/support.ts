/** A platform with something of every kind the probes cover (and some they cannot), for the probe tests. */
import { PlatformSpec } from '../../lib/intent/types';

/**
 * shop/web and shop/api (http 8080; api also stats 8125/UDP), data/db (postgres 5432, data-class phi),
 * ops/agent (http 9000). Flows: web -> api on http with HTTP rules, web -> api on stats (UDP),
 * api -> db, ops/agent -> shop on the range 8000-8100. A guardrail keeps ops and phi apart both ways;
 * shop/api has egress to an address block.
 */
export function probeFixture(extra: Partial<PlatformSpec> = {}): PlatformSpec {
  return {
    apiVersion: 'bulkhead.dev/v1alpha1',
    kind: 'Platform',
    metadata: { name: 'probes' },
    clusters: [{ name: 'dev', provider: 'kind' }],
    tenants: [
      {
        name: 'shop',
        workloads: [
          { name: 'web', image: 'example/web:1', ports: [{ name: 'http', port: 8080 }] },
          { name: 'api', image: 'example/api:1', ports: [{ name: 'http', port: 8080 }, { name: 'stats', port: 8125, protocol: 'UDP' }] },
        ],
      },
      { name: 'data', labels: { 'data-class': 'phi' }, workloads: [{ name: 'db', image: 'example/db:1', ports: [{ name: 'postgres', port: 5432 }] }] },
      { name: 'ops', workloads: [{ name: 'agent', image: 'example/agent:1', ports: [{ name: 'http', port: 9000 }] }] },
    ],
    flows: [
      { from: 'shop/web', to: 'shop/api', ports: ['http'], http: [{ method: 'GET', path: '/api/v[0-9]+/items(/.*)?' }] },
      { from: 'shop/web', to: 'shop/api', ports: ['stats'] },
      { from: 'shop/api', to: 'data/db', ports: ['postgres'] },
      { from: 'ops/agent', to: 'shop', ports: [{ port: 8000, endPort: 8100 }] },
    ],
    egress: [{ from: 'shop/api', cidr: '203.0.113.0/24', ports: [443] }],
    guardrails: [{ name: 'ops-never-reaches-phi', from: { tenant: 'ops' }, to: { labels: { 'data-class': 'phi' } }, bidirectional: true }],
    ...extra,
  };
}
