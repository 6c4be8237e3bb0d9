/**
 * denyCoverage answers "which ports stay closed from a to b whatever allows are added": only deny
 * rules count, at the source's egress or the destination's ingress. Each case is checked against the
 * full analysis with allow-everything policies added, so the shortcut cannot drift from the engine.
 */
import { analyze, denyCoverage } from '../../lib/analysis';
import { ccnp } from './support/cilium';
import { netpol, ns, pod, sourced } from './support/objects';

const base = [ns('a'), ns('b'), pod('a/x', { ports: [{ name: 'http', containerPort: 8080 }] }), pod('b/y', { ports: [{ name: 'http', containerPort: 8080 }] })];
const inNs = (name: string) => ({ matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: [name] }] });
const allowAll = ['a', 'b'].map((n) => netpol(`${n}/allow-all`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] }));

const cases: Array<[string, Record<string, unknown>[], boolean]> = [
  ['no deny at all', [], false],
  ['an egress deny at the source', [ccnp('g', { endpointSelector: inNs('a'), egressDeny: [{ toEndpoints: [inNs('b')] }] })], true],
  ['an ingress deny at the destination', [ccnp('g', { endpointSelector: inNs('b'), ingressDeny: [{ fromEndpoints: [inNs('a')] }] })], true],
  ['a deny of one port only', [ccnp('g', { endpointSelector: inNs('a'), egressDeny: [{ toEndpoints: [inNs('b')], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] })], false],
  ['a deny of the other direction only', [ccnp('g', { endpointSelector: inNs('b'), egressDeny: [{ toEndpoints: [inNs('a')] }] })], false],
  [
    'TCP, UDP and SCTP denied by separate rules',
    [ccnp('g', { endpointSelector: inNs('a'), egressDeny: ['TCP', 'UDP', 'SCTP'].map((protocol) => ({ toEndpoints: [inNs('b')], toPorts: [{ ports: [{ port: '0', protocol }] }] })) })],
    true,
  ],
];

test.each(cases)('%s', (_name, policies, closed) => {
  const objects = sourced([...base, ...policies]);
  const denies = denyCoverage(objects);
  expect(denies.deniesEverything('a/x', 'b/y')).toBe(closed);
  // The same answer from the full analysis with allow-alls on both sides.
  const open = analyze(sourced([...base, ...policies, ...allowAll])).connections.some((c) => c.from === 'a/x' && c.to === 'b/y');
  expect(open).toBe(!closed);
});

test('deniedPorts gives the denied ports and unknown workloads are input errors', () => {
  const objects = sourced([...base, ccnp('g', { endpointSelector: inNs('a'), egressDeny: [{ toEndpoints: [inNs('b')], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] })]);
  expect(denyCoverage(objects).deniedPorts('a/x', 'b/y')).toEqual({ TCP: [[8080, 8080]] });
  expect(() => denyCoverage(objects).deniesEverything('a/x', 'b/nope')).toThrow(/no workload "b\/nope"/);
});
