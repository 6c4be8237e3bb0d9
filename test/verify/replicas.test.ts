/**
 * A flow from a workload to itself (replicas of a database cluster talking to each other) is supported:
 * compiled into the workload's own ingress and egress rules and verified like any pair. The analyzer
 * reports replicas apart from `connections`, whose contract has no self pairs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { k8s } from 'cdk8s-plus-28';
import { analyze, explain } from '../../lib/analysis';
import { synthesize } from '../../lib/synth/pipeline';
import { pod, sourced } from '../analysis/support/objects';
import { chartOf, failure } from '../support/broken';
import { workspace } from '../support/workspace';

const VALID = fs.readFileSync(path.join(__dirname, '..', 'intent', 'corpus', 'valid.yaml'), 'utf8');
const WITH_REPLICAS = VALID.replace('flows:\n', 'flows:\n  - from: shop/db\n    to: shop/db\n    ports: [postgres]\n    description: replication between the database replicas\n');

test('a flow from a workload to itself is rendered on both its sides and verified', () => {
  const ws = workspace(WITH_REPLICAS);
  const result = synthesize({ intents: ws.intents, dryRun: true });
  const conn = result.clusters[0].verification.connectivity;
  expect(conn.replicas).toEqual([{ from: 'shop/db', to: 'shop/db', ports: { TCP: [[5432, 5432]] } }]);
  expect(conn.connections.every((c) => c.from !== c.to)).toBe(true);
});

test('without the flow, replicas stay isolated from each other (the verifier expects nothing there)', () => {
  const ws = workspace(VALID);
  const result = synthesize({ intents: ws.intents, dryRun: true });
  expect(result.clusters[0].verification.connectivity.replicas).toEqual([]);
});

test('a compiler that opens replicas to each other without a flow is caught', () => {
  const ws = workspace(VALID);
  const err = failure(() =>
    synthesize({
      intents: ws.intents,
      dryRun: true,
      customize: (app) => {
        const chart = chartOf(app, 'shop');
        new k8s.KubeNetworkPolicy(chart, 'sneaky', {
          metadata: { name: 'sneaky', namespace: 'shop' },
          spec: {
            podSelector: { matchLabels: { 'bulkhead.dev/workload': 'web' } },
            policyTypes: ['Ingress', 'Egress'],
            ingress: [{ from: [{ podSelector: { matchLabels: { 'bulkhead.dev/workload': 'web' } } }], ports: [{ port: k8s.IntOrString.fromNumber(9000) }] }],
            egress: [{ to: [{ podSelector: { matchLabels: { 'bulkhead.dev/workload': 'web' } } }], ports: [{ port: k8s.IntOrString.fromNumber(9000) }] }],
          },
        });
      },
    }),
  );
  expect(err.message).toMatch(/shop\/web -> shop\/web: no flow declares it, but it is open on TCP 9000/);
});

test('explain answers for a workload and itself', () => {
  const objects = sourced([pod('x/a', { labels: { app: 'a' } })]);
  const e = explain(objects, { from: 'x/a', to: 'x/a', port: 80 });
  expect(e.allowed).toBe(true);
  expect(analyze(objects).replicas).toEqual([{ from: 'x/a', to: 'x/a', ports: { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] } }]);
});
