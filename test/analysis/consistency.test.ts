/**
 * Randomized cross-checks of the fast paths against direct evaluation:
 * - the label index against filtering every item with the selector;
 * - analyze (sparse per-side maps, candidate pairs) against explain (one pair, every rule, no index).
 */
import fc from 'fast-check';
import { analyze, explain, isAllowed, Protocol } from '../../lib/analysis';
import { LabelIndex, matchesSelector, parseSelector } from '../../lib/analysis/selectors';
import { netpol, ns, pod, sourced } from './support/objects';

const KEYS = ['app', 'tier', 'env'];
const VALUES = ['a', 'b', 'c'];
const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const expression = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);
const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] });

test('LabelIndex.select equals a full scan, with and without a scope', () => {
  fc.assert(
    fc.property(fc.array(labels, { maxLength: 12 }), selector, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (items, raw, inScope) => {
      const sel = parseSelector(raw, 'test');
      const index = new LabelIndex(items);
      const all = items.map((_, i) => i);
      expect(index.select(sel)).toEqual(all.filter((i) => matchesSelector(sel, items[i])));
      const scope = all.filter((i) => inScope[i]);
      expect(index.select(sel, { items: scope, has: (i) => inScope[i] })).toEqual(scope.filter((i) => matchesSelector(sel, items[i])));
    }),
  );
});

const PODS = ['x/p0', 'x/p1', 'y/p2', 'y/p3'];
const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ namespaceSelector: selector, podSelector: selector }),
  fc.record({ ipBlock: fc.constantFrom({ cidr: '10.0.0.0/24' }, { cidr: '10.0.0.0/24', except: ['10.0.0.1/32'] }) }),
);
const portEntry = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 81) }),
  fc.record({ port: fc.constant(80), endPort: fc.constant(81) }),
  fc.record({ port: fc.constantFrom('http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ protocol: fc.constant('UDP') }),
);
const rule = fc.record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(portEntry, { maxLength: 2 }), { nil: undefined }) });
const policy = fc.record({
  namespace: fc.constantFrom('x', 'y'),
  podSelector: selector,
  policyTypes: fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  ingress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
});

test('analyze agrees with explain on random policies, for every pair and probed port', () => {
  const probes: [number, Protocol][] = [[80, 'TCP'], [81, 'TCP'], [8080, 'TCP'], [53, 'UDP'], [80, 'SCTP']];
  fc.assert(
    fc.property(fc.array(labels, { minLength: 4, maxLength: 4 }), fc.array(policy, { maxLength: 3 }), (podLabels, policies) => {
      const objects = sourced([
        ns('x', { env: 'a' }),
        ns('y', { env: 'b' }),
        ...PODS.map((id, i) =>
          pod(id, {
            labels: podLabels[i],
            ips: i % 2 === 0 ? [`10.0.0.${i}`] : undefined,
            ports: i < 2 ? [{ containerPort: 8080, name: 'http' }, { containerPort: 53, name: 'dns', protocol: 'UDP' }] : [{ containerPort: 81, name: 'http' }],
          }),
        ),
        ...policies.map((p, i) => {
          const toRules = (rules: typeof p.ingress, key: 'from' | 'to') =>
            rules?.map((r) => ({ ...(r.peers ? { [key]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
          return netpol(`${p.namespace}/p${i}`, {
            podSelector: p.podSelector,
            ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
            ...(p.ingress ? { ingress: toRules(p.ingress, 'from') } : {}),
            ...(p.egress ? { egress: toRules(p.egress, 'to') } : {}),
          });
        }),
      ]);
      const conn = analyze(objects);
      for (const from of PODS) {
        for (const to of PODS) {
          if (from === to) continue;
          for (const [port, protocol] of probes) {
            expect([from, to, port, protocol, isAllowed(conn, from, to, port, protocol)]).toEqual([from, to, port, protocol, explain(objects, { from, to, port, protocol }).allowed]);
          }
        }
      }
    }),
    { numRuns: 100 },
  );
});
