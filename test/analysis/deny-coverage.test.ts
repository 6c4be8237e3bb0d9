/**
 * denyCoverage answers "which ports stay closed from a to b whatever allows are added": only deny
 * rules count, at the source's egress or the destination's ingress. Each case is checked against the
 * full analysis with allow-everything policies added, so the shortcut cannot drift from the engine.
 */
import { analyze, denyCoverage, explain } from '../../lib/analysis';
import { ccnp, cnp } from './support/cilium';
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

describe('deniesEverythingBetween (whole blocks)', () => {
  // 70 workloads in b (past the size where a deny rule's members become a bitset), 3 in a, 2 in c.
  const many = [
    ns('a'),
    ns('b'),
    ns('c'),
    ...['a/x0', 'a/x1', 'a/x2', 'c/z0', 'c/z1'].map((id) => pod(id, { ports: [{ name: 'http', containerPort: 8080 }] })),
    ...Array.from({ length: 70 }, (_, i) => pod(`b/y${i}`, { ports: [{ name: 'http', containerPort: 8080 }] })),
  ];
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const A = ids('a/x', 3);
  const B = ids('b/y', 70);
  const C = ids('c/z', 2);
  const inNames = (...names: string[]) => ({ matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: names }] });
  const y = (i: number) => ({ matchLabels: { app: `y${i}`, 'io.kubernetes.pod.namespace': 'b' } });
  const scenarios: Array<[string, Record<string, unknown>[]]> = [
    ['no deny', []],
    ['a guardrail both ways', [
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumClusterwideNetworkPolicy',
        metadata: { name: 'g' },
        specs: [
          { endpointSelector: inNames('a', 'c'), egressDeny: [{ toEndpoints: [inNs('b')] }] },
          { endpointSelector: inNs('b'), egressDeny: [{ toEndpoints: [inNames('a', 'c')] }] },
        ],
      },
    ]],
    ['an ingress guardrail at the destinations', [ccnp('g', { endpointSelector: inNs('b'), ingressDeny: [{ fromEndpoints: [inNs('a')] }] })]],
    ['a guardrail with a hole (one b workload left out)', [ccnp('g', { endpointSelector: inNs('a'), egressDeny: [{ toEndpoints: [{ matchExpressions: [...inNs('b').matchExpressions, { key: 'app', operator: 'NotIn', values: ['y7'] }] }] }] })]],
    ['protocols denied by separate rules, a few pairs by one port only', [
      ccnp('g', { endpointSelector: inNs('a'), egressDeny: ['TCP', 'UDP', 'SCTP'].map((protocol) => ({ toEndpoints: [inNs('b')], toPorts: [{ ports: [{ port: '0', protocol }] }] })) }),
      ccnp('h', { endpointSelector: inNs('c'), egressDeny: [{ toEndpoints: [y(3), y(4)] }, { toEndpoints: [inNs('b')], toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] }] }),
    ]],
    ['an egress deny without peers on one source, ingress denies on some targets', [
      cnp('a/wall', { endpointSelector: { matchLabels: { app: 'x1' } }, egressDeny: [{}] }),
      ccnp('in', { endpointSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['y0', 'y1', 'y2'] }] }, ingressDeny: [{ fromEntities: ['cluster'] }] }),
    ]],
  ];
  const blocks: Array<[string, string[], string[]]> = [
    ['a -> b', A, B],
    ['b -> a', B, A],
    ['c -> b', C, B],
    ['a and b -> b (a workload in both sets)', [...A, 'b/y5'], B],
    ['nothing -> b', [], B],
  ];

  const pairwise = (objects: ReturnType<typeof sourced>, from: string[], to: string[]) => {
    const denies = denyCoverage(objects);
    return from.flatMap((a) => to.filter((b) => a !== b && !denies.deniesEverything(a, b)).map((b) => ({ from: a, to: b })));
  };

  const allowAllMany = ['a', 'b', 'c'].map((n) => netpol(`${n}/allow-all`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] }));

  test.each(scenarios)('%s: the same open pairs, in the same order, as pair by pair (and as analyze with allow-alls)', (_name, policies) => {
    const objects = sourced([...many, ...policies]);
    const denies = denyCoverage(objects);
    const connected = new Set(analyze(sourced([...many, ...policies, ...allowAllMany])).connections.map((c) => `${c.from} -> ${c.to}`));
    for (const [, from, to] of blocks) {
      const open = pairwise(objects, from, to);
      expect(open.map((p) => `${p.from} -> ${p.to}`)).toEqual(from.flatMap((a) => to.filter((b) => connected.has(`${a} -> ${b}`)).map((b) => `${a} -> ${b}`)));
      expect(denies.deniesEverythingBetween(from, to, Infinity)).toEqual({ open, openCount: open.length });
      expect(denies.deniesEverythingBetween(from, to, 3)).toEqual({ open: open.slice(0, 3), openCount: open.length });
      expect(denies.deniesEverythingBetween(from, to)).toEqual({ open: open.slice(0, 100), openCount: open.length });
    }
  });

  test('a guardrail closes the block; the same guardrail with a hole lists exactly the hole', () => {
    const closed = denyCoverage(sourced([...many, ...scenarios[1][1]]));
    expect(closed.deniesEverythingBetween(A, B, 5)).toEqual({ open: [], openCount: 0 });
    expect(closed.deniesEverythingBetween(B, [...A, ...C], 5)).toEqual({ open: [], openCount: 0 });
    const holed = denyCoverage(sourced([...many, ...scenarios[3][1]]));
    expect(holed.deniesEverythingBetween(A, B, 5)).toEqual({ open: A.map((from) => ({ from, to: 'b/y7' })), openCount: 3 });
    expect(() => holed.deniesEverythingBetween(A, ['b/nope'])).toThrow(/no workload "b\/nope"/);
  });

  test('analyze agrees with explain under a deny rule with many members', () => {
    const objects = sourced([...many, ...allowAllMany, ...scenarios[4][1]]);
    const conn = analyze(objects);
    const open = new Set(conn.connections.filter((c) => c.ports.TCP?.some(([lo, hi]) => lo <= 8080 && 8080 <= hi)).map((c) => `${c.from} ${c.to}`));
    for (const from of [...A, ...C]) {
      for (const to of B) expect([from, to, open.has(`${from} ${to}`)]).toEqual([from, to, explain(objects, { from, to, port: 8080 }).allowed]);
    }
    // a -> b: every protocol denied; c -> b: only TCP 8080 (and everything to y3, y4).
    expect(conn.connections.some((c) => c.from.startsWith('a/') && c.to.startsWith('b/'))).toBe(false);
    expect(conn.connections.find((c) => c.from === 'c/z0' && c.to === 'b/y0')?.ports).toEqual({ TCP: [[1, 8079], [8081, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] });
    expect(conn.connections.some((c) => c.from === 'c/z0' && c.to === 'b/y3')).toBe(false);
  });
});
