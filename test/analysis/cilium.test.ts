/**
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy semantics, on small hand-written manifests.
 * Expected values come from the Cilium docs (policy language, deny policies, enableDefaultDeny) and are
 * written out by hand, never copied from the analyzer's output.
 */
import { AnalysisInputError, Connectivity, allowedPorts, analyze, connectivityToJson, connectivityToText, explain, isAllowed, parseManifestText, renderExplanation } from '../../lib/analysis';
import { ALL_PORTS, DEFAULT_DENY, ccnp, cnp } from './support/cilium';
import { netpol, ns, pod, sourced } from './support/objects';

const TCP = (...ports: number[]) => ({ TCP: ports.map((p) => [p, p]) });
const inNs = (n: string) => ({ matchLabels: { 'io.kubernetes.pod.namespace': n } });
const app = (a: string) => ({ matchLabels: { app: a } });
const port = (p: string, protocol?: string) => (protocol ? { port: p, protocol } : { port: p });

function sources(conn: Connectivity, to: string): string[] {
  return conn.connections.filter((c) => c.to === to).map((c) => c.from);
}

function externalOf(conn: Connectivity, workload: string, direction: 'egress' | 'ingress') {
  return conn.external.filter((e) => e.workload === workload && e.direction === direction);
}

describe('selector scope: CiliumNetworkPolicy vs CiliumClusterwideNetworkPolicy', () => {
  const world = [
    pod('a/web', { labels: { app: 'web' } }),
    pod('a/client', { labels: { app: 'client' } }),
    pod('b/web', { labels: { app: 'web' } }),
    pod('b/client', { labels: { app: 'client' } }),
  ];
  const spec = { endpointSelector: app('web'), ingress: [{ fromEndpoints: [app('client')] }] };

  test('a CNP selects subjects and peers only in its own namespace', () => {
    const conn = analyze(sourced([...world, cnp('a/web-in', spec)]));
    expect(sources(conn, 'a/web')).toEqual(['a/client']);
    // b/web has the same labels but lives elsewhere: the CNP does not isolate it.
    expect(sources(conn, 'b/web')).toEqual(['a/client', 'a/web', 'b/client']);
  });

  test('a CCNP selects subjects and peers in every namespace', () => {
    const conn = analyze(sourced([...world, ccnp('web-in', spec)]));
    expect(sources(conn, 'a/web')).toEqual(['a/client', 'b/client']);
    expect(sources(conn, 'b/web')).toEqual(['a/client', 'b/client']);
  });

  test('`{}` selects every pod of the CNP namespace, or every pod for a CCNP', () => {
    const everyone = { endpointSelector: app('web'), ingress: [{ fromEndpoints: [{}] }] };
    expect(sources(analyze(sourced([...world, cnp('a/p', everyone)])), 'a/web')).toEqual(['a/client']);
    expect(sources(analyze(sourced([...world, ccnp('p', everyone)])), 'a/web')).toEqual(['a/client', 'b/client', 'b/web']);
  });

  test('k8s: and any: source prefixes are stripped; reserved: labels match no workload', () => {
    const k8s = { endpointSelector: { matchLabels: { 'k8s:app': 'web' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'any:app': 'client' } }] }] };
    expect(sources(analyze(sourced([...world, cnp('a/p', k8s)])), 'a/web')).toEqual(['a/client']);
    const reserved = { endpointSelector: app('web'), ingress: [{ fromEndpoints: [{ matchLabels: { 'reserved:world': '' } }] }] };
    const conn = analyze(sourced([...world, cnp('a/p', reserved)]));
    expect(sources(conn, 'a/web')).toEqual([]);
    // reserved:world alone is the world entity: outside addresses may come in.
    expect(externalOf(conn, 'a/web', 'ingress').map((e) => (e.kind === 'cidr' ? e.cidr : e.kind))).toEqual(['0.0.0.0/0', '::/0']);
  });
});

describe('namespaces in peer selectors', () => {
  const world = [
    ns('a'),
    ns('b', { team: 'blue' }),
    ns('c', { team: 'blue' }),
    pod('a/db', { labels: { app: 'db' } }),
    pod('a/client', { labels: { app: 'client' } }),
    pod('b/client', { labels: { app: 'client' } }),
    pod('c/client', { labels: { app: 'client' } }),
  ];
  const ingressFrom = (peer: unknown) => cnp('a/db-in', { endpointSelector: app('db'), ingress: [{ fromEndpoints: [peer] }] });

  test('matchExpressions on io.kubernetes.pod.namespace: In and NotIn', () => {
    const inBC = { matchExpressions: [{ key: 'io.kubernetes.pod.namespace', operator: 'In', values: ['b', 'c'] }], matchLabels: { app: 'client' } };
    expect(sources(analyze(sourced([...world, ingressFrom(inBC)])), 'a/db')).toEqual(['b/client', 'c/client']);
    const notC = { matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'NotIn', values: ['c'] }] };
    expect(sources(analyze(sourced([...world, ingressFrom(notC)])), 'a/db')).toEqual(['a/client', 'b/client']);
  });

  test('matchLabels on the namespace name reaches that namespace only', () => {
    expect(sources(analyze(sourced([...world, ingressFrom(inNs('b'))])), 'a/db')).toEqual(['b/client']);
  });

  test('namespace labels (io.cilium.k8s.namespace.labels.*) select across namespaces, as upstream getEndpointSelector does', () => {
    const blue = { matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'blue' } };
    expect(sources(analyze(sourced([...world, ingressFrom(blue)])), 'a/db')).toEqual(['b/client', 'c/client']);
  });
});

describe('entities', () => {
  const world = [ns('x'), ns('y'), pod('x/app', { labels: { app: 'app' } }), pod('x/peer', { labels: { app: 'peer' } }), pod('y/other', { labels: { app: 'other' } })];

  test('world: outside addresses only, reported as 0.0.0.0/0 and ::/0', () => {
    const conn = analyze(sourced([...world, cnp('x/out', { endpointSelector: app('app'), egress: [{ toEntities: ['world'], toPorts: [{ ports: [port('443', 'TCP')] }] }] })]));
    expect(conn.connections.filter((c) => c.from === 'x/app')).toEqual([]);
    expect(externalOf(conn, 'x/app', 'egress')).toEqual([
      { direction: 'egress', workload: 'x/app', kind: 'cidr', cidr: '0.0.0.0/0', except: [], ports: TCP(443) },
      { direction: 'egress', workload: 'x/app', kind: 'cidr', cidr: '::/0', except: [], ports: TCP(443) },
    ]);
  });

  test('cluster: every workload in every namespace, and nothing outside', () => {
    const conn = analyze(sourced([...world, cnp('x/out', { endpointSelector: app('app'), egress: [{ toEntities: ['cluster'] }] })]));
    expect(conn.connections.filter((c) => c.from === 'x/app').map((c) => c.to)).toEqual(['x/peer', 'y/other']);
    expect(externalOf(conn, 'x/app', 'egress')).toEqual([]);
  });

  test('kube-apiserver and host are entity entries, not workloads; all is everything', () => {
    const conn = analyze(
      sourced([
        ...world,
        cnp('x/out', { endpointSelector: app('app'), egress: [{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [port('443', 'TCP'), port('6443', 'TCP')] }] }] }),
        cnp('x/in', { endpointSelector: app('app'), ingress: [{ fromEntities: ['host', 'remote-node'] }] }),
        cnp('x/peer', { endpointSelector: app('peer'), egress: [{ toEntities: ['all'] }] }),
      ]),
    );
    expect(externalOf(conn, 'x/app', 'egress')).toEqual([{ direction: 'egress', workload: 'x/app', kind: 'entity', entity: 'kube-apiserver', ports: TCP(443, 6443) }]);
    expect(externalOf(conn, 'x/app', 'ingress')).toEqual([
      { direction: 'ingress', workload: 'x/app', kind: 'entity', entity: 'host', ports: ALL_PORTS },
      { direction: 'ingress', workload: 'x/app', kind: 'entity', entity: 'remote-node', ports: ALL_PORTS },
    ]);
    expect(sources(conn, 'x/app')).toEqual([]);
    // x/app's ingress admits only host and remote-node, so `all` reaches y/other (and the world) only.
    expect(conn.connections.filter((c) => c.from === 'x/peer').map((c) => c.to)).toEqual(['y/other']);
    expect(externalOf(conn, 'x/peer', 'egress').map((e) => (e.kind === 'cidr' ? e.cidr : ''))).toEqual(['0.0.0.0/0', '::/0']);
  });

  test('an unknown entity is an input error', () => {
    expect(() => analyze(sourced([...world, cnp('x/p', { endpointSelector: {}, egress: [{ toEntities: ['internet'] }] })]))).toThrow(/"internet" is not a Cilium entity/);
  });
});

describe('toFQDNs, toCIDRSet and ports', () => {
  const dns = pod('kube-system/coredns', { labels: { 'k8s-app': 'kube-dns' }, ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }] });
  const client = pod('shop/client', { labels: { app: 'client' } });

  test('toFQDNs gives fqdn entries (matchName and matchPattern as written); the DNS rule opens port 53 on every protocol (ANY)', () => {
    const conn = analyze(
      sourced([
        dns,
        client,
        cnp('shop/egress', {
          endpointSelector: app('client'),
          egress: [
            { toFQDNs: [{ matchName: 'api.stripe.com' }, { matchPattern: '*.stripe.com' }], toPorts: [{ ports: [port('443', 'TCP')] }] },
            { toEndpoints: [{ matchLabels: { 'io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }], toPorts: [{ ports: [port('53', 'ANY')], rules: { dns: [{ matchPattern: '*' }] } }] },
          ],
        }),
      ]),
    );
    expect(externalOf(conn, 'shop/client', 'egress')).toEqual([
      { direction: 'egress', workload: 'shop/client', kind: 'fqdn', fqdn: '*.stripe.com', ports: TCP(443) },
      { direction: 'egress', workload: 'shop/client', kind: 'fqdn', fqdn: 'api.stripe.com', ports: TCP(443) },
    ]);
    expect(allowedPorts(conn, 'shop/client', 'kube-system/coredns')).toEqual({ TCP: [[53, 53]], UDP: [[53, 53]], SCTP: [[53, 53]] });
  });

  test('a missing protocol is ANY; port "0" is every port; endPort makes a range', () => {
    const server = pod('shop/server', { labels: { app: 'server' } });
    const ingress = (ports: unknown[]) => cnp('shop/in', { endpointSelector: app('server'), ingress: [{ toPorts: [{ ports }] }] });
    expect(allowedPorts(analyze(sourced([client, server, ingress([port('8080')])])), 'shop/client', 'shop/server')).toEqual({
      TCP: [[8080, 8080]],
      UDP: [[8080, 8080]],
      SCTP: [[8080, 8080]],
    });
    expect(allowedPorts(analyze(sourced([client, server, ingress([port('0', 'UDP')])])), 'shop/client', 'shop/server')).toEqual({ UDP: [[1, 65535]] });
    expect(allowedPorts(analyze(sourced([client, server, ingress([{ port: '9000', endPort: 9010, protocol: 'TCP' }])])), 'shop/client', 'shop/server')).toEqual({ TCP: [[9000, 9010]] });
  });

  test('toPorts without an L3 selector opens those ports to every peer, outside ones too', () => {
    const server = pod('shop/server', { labels: { app: 'server' } });
    const conn = analyze(sourced([client, server, cnp('shop/in', { endpointSelector: app('server'), ingress: [{ toPorts: [{ ports: [port('443', 'TCP')] }] }] })]));
    expect(allowedPorts(conn, 'shop/client', 'shop/server')).toEqual(TCP(443));
    expect(externalOf(conn, 'shop/server', 'ingress').map((e) => e.ports)).toEqual([TCP(443), TCP(443)]);
  });

  test('a named port resolves on the destination (ingress and egress)', () => {
    const web = pod('shop/web', { labels: { app: 'web' }, ports: [{ containerPort: 8080, name: 'http' }] });
    const other = pod('shop/other', { labels: { app: 'other' }, ports: [{ containerPort: 9090, name: 'http' }] });
    const conn = analyze(
      sourced([
        client,
        web,
        other,
        cnp('shop/web-in', { endpointSelector: app('web'), ingress: [{ fromEndpoints: [app('client')], toPorts: [{ ports: [port('http', 'TCP')] }] }] }),
        cnp('shop/client-out', { endpointSelector: app('client'), egress: [{ toEndpoints: [{}], toPorts: [{ ports: [port('HTTP')] }] }] }),
      ]),
    );
    expect(allowedPorts(conn, 'shop/client', 'shop/web')).toEqual(TCP(8080));
    expect(allowedPorts(conn, 'shop/client', 'shop/other')).toEqual(TCP(9090));
    // A named port has nothing to resolve on outside the cluster.
    expect(externalOf(conn, 'shop/client', 'egress')).toEqual([]);
  });

  test('toCIDRSet except is kept; Cilium CIDR rules never select pods, even by their IP', () => {
    const inside = pod('shop/inside', { labels: { app: 'inside' }, ips: ['10.1.2.3'] });
    const conn = analyze(
      sourced([client, inside, cnp('shop/out', { endpointSelector: app('client'), egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }], toPorts: [{ ports: [port('5432', 'TCP')] }] }] })]),
    );
    expect(externalOf(conn, 'shop/client', 'egress')).toEqual([
      { direction: 'egress', workload: 'shop/client', kind: 'cidr', cidr: '10.0.0.0/8', except: ['10.96.0.0/12'], ports: TCP(5432) },
    ]);
    expect(allowedPorts(conn, 'shop/client', 'shop/inside')).toEqual({});
  });

  test('toCIDR takes bare addresses as host prefixes', () => {
    const conn = analyze(sourced([client, cnp('shop/out', { endpointSelector: app('client'), egress: [{ toCIDR: ['192.0.2.10', '2001:db8::/64'] }] })]));
    expect(externalOf(conn, 'shop/client', 'egress').map((e) => (e.kind === 'cidr' ? e.cidr : ''))).toEqual(['192.0.2.10/32', '2001:db8::/64']);
  });
});

describe('default deny', () => {
  const world = [pod('x/server', { labels: { app: 'server' } }), pod('x/a', { labels: { app: 'a' } }), pod('x/b', { labels: { app: 'b' } })];

  test('`ingress: [{}]` isolates and allows nothing (the docs default-deny example); `ingress: []` does not isolate', () => {
    const deny = analyze(sourced([...world, cnp('x/p', { endpointSelector: app('server'), ingress: [{}] })]));
    expect(sources(deny, 'x/server')).toEqual([]);
    expect(externalOf(deny, 'x/server', 'ingress')).toEqual([]);
    expect(externalOf(deny, 'x/server', 'egress')).toHaveLength(2); // egress untouched

    const empty = analyze(sourced([...world, cnp('x/p', { endpointSelector: app('server'), ingress: [], egress: [{ toEndpoints: [app('a')] }] })]));
    expect(sources(empty, 'x/server')).toEqual(['x/a', 'x/b']);
    expect(empty.connections.filter((c) => c.from === 'x/server').map((c) => c.to)).toEqual(['x/a']);
  });

  test('an explicitly empty peer list (`fromEntities: []`) selects nothing', () => {
    const conn = analyze(sourced([...world, cnp('x/p', { endpointSelector: app('server'), ingress: [{ fromEntities: [], toPorts: [{ ports: [port('80', 'TCP')] }] }] })]));
    expect(sources(conn, 'x/server')).toEqual([]);
  });

  test('enableDefaultDeny false: the rules add allows without isolating; another policy isolating makes them count', () => {
    const lenient = cnp('x/lenient', { endpointSelector: app('server'), enableDefaultDeny: { ingress: false }, ingress: [{ fromEndpoints: [app('a')], toPorts: [{ ports: [port('80', 'TCP')] }] }] });
    const alone = analyze(sourced([...world, lenient]));
    expect(allowedPorts(alone, 'x/b', 'x/server')).toEqual(ALL_PORTS);
    expect(externalOf(alone, 'x/server', 'ingress')).toHaveLength(2);

    const isolated = analyze(sourced([...world, lenient, netpol('x/deny', { podSelector: {}, policyTypes: ['Ingress'] })]));
    expect(sources(isolated, 'x/server')).toEqual(['x/a']);
    expect(allowedPorts(isolated, 'x/a', 'x/server')).toEqual(TCP(80));
  });

  test('allows from NetworkPolicies and Cilium policies add up on an isolated side', () => {
    const conn = analyze(
      sourced([
        ...world,
        netpol('x/np', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }] }),
        cnp('x/cnp', { endpointSelector: app('server'), ingress: [{ fromEndpoints: [app('b')], toPorts: [{ ports: [port('81', 'TCP')] }] }] }),
      ]),
    );
    expect(allowedPorts(conn, 'x/a', 'x/server')).toEqual(TCP(80));
    expect(allowedPorts(conn, 'x/b', 'x/server')).toEqual(TCP(81));
  });

  test('a deny-only policy isolates too unless enableDefaultDeny says otherwise', () => {
    const denyA = { endpointSelector: app('server'), ingressDeny: [{ fromEndpoints: [app('a')] }] };
    expect(sources(analyze(sourced([...world, cnp('x/d', denyA)])), 'x/server')).toEqual([]);
    expect(sources(analyze(sourced([...world, cnp('x/d', { ...denyA, enableDefaultDeny: { ingress: false } })])), 'x/server')).toEqual(['x/b']);
  });
});

describe('deny rules', () => {
  const world = [pod('x/db', { labels: { app: 'db' } }), pod('x/client', { labels: { app: 'client' } }), pod('x/other', { labels: { app: 'other' } })];

  test('an ingressDeny beats a NetworkPolicy allow, on the denied ports only', () => {
    const conn = analyze(
      sourced([
        ...world,
        netpol('x/allow', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] }),
        cnp('x/deny', { endpointSelector: app('db'), enableDefaultDeny: { ingress: false }, ingressDeny: [{ fromEndpoints: [app('client')], toPorts: [{ ports: [port('5432', 'TCP')] }] }] }),
      ]),
    );
    expect(isAllowed(conn, 'x/client', 'x/db', 5432)).toBe(false);
    expect(isAllowed(conn, 'x/client', 'x/db', 5433)).toBe(true);
    expect(allowedPorts(conn, 'x/other', 'x/db')).toEqual(ALL_PORTS);
    expect(allowedPorts(conn, 'x/client', 'x/db')).toEqual({ TCP: [[1, 5431], [5433, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] });
  });

  test('an egressDeny without L3 denies those ports towards everyone, outside included', () => {
    const conn = analyze(sourced([...world, cnp('x/no-smtp', { endpointSelector: app('client'), enableDefaultDeny: { egress: false }, egressDeny: [{ toPorts: [{ ports: [port('25', 'TCP')] }] }] })]));
    expect(isAllowed(conn, 'x/client', 'x/db', 25)).toBe(false);
    expect(isAllowed(conn, 'x/client', 'x/db', 26)).toBe(true);
    for (const e of externalOf(conn, 'x/client', 'egress')) expect(e.ports.TCP).toEqual([[1, 24], [26, 65535]]);
  });

  test('a deny CIDR inside an allowed CIDR splits the entry; world denies FQDN entries too', () => {
    const split = analyze(
      sourced([
        ...world,
        cnp('x/out', {
          endpointSelector: app('client'),
          egress: [{ toEntities: ['world'] }],
          egressDeny: [{ toCIDR: ['10.0.0.0/8'], toPorts: [{ ports: [port('443', 'TCP')] }] }],
        }),
      ]),
    );
    expect(externalOf(split, 'x/client', 'egress')).toEqual([
      { direction: 'egress', workload: 'x/client', kind: 'cidr', cidr: '0.0.0.0/0', except: [], ports: { TCP: [[1, 442], [444, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] } },
      { direction: 'egress', workload: 'x/client', kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], ports: TCP(443) },
      { direction: 'egress', workload: 'x/client', kind: 'cidr', cidr: '::/0', except: [], ports: ALL_PORTS },
    ]);

    const noWorld = analyze(
      sourced([
        ...world,
        cnp('x/out', { endpointSelector: app('client'), egress: [{ toFQDNs: [{ matchName: 'example.com' }] }, { toCIDR: ['192.0.2.0/24'] }] }),
        ccnp('no-world', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toEntities: ['world'] }] }),
      ]),
    );
    expect(externalOf(noWorld, 'x/client', 'egress')).toEqual([]);
    expect(externalOf(noWorld, 'x/db', 'egress')).toEqual([]);
  });
});

describe('the guardrail: a clusterwide deny survives tenants\' own allow-all policies', () => {
  const allowAll = { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] };
  const guardrail = ccnp('guardrail-x', {
    endpointSelector: inNs('billing'),
    enableDefaultDeny: { ingress: false, egress: false },
    egressDeny: [{ toEndpoints: [inNs('patient-data')] }],
    ingressDeny: [{ fromEndpoints: [inNs('patient-data')] }],
  });
  const objects = (withGuardrail: boolean) =>
    sourced([
      ns('billing'),
      ns('patient-data'),
      ns('shared'),
      pod('billing/invoicer', { labels: { app: 'invoicer' } }),
      pod('patient-data/records', { labels: { app: 'records' }, ports: [{ containerPort: 5432 }] }),
      pod('shared/metrics', { labels: { app: 'metrics' } }),
      netpol('billing/default-deny', DEFAULT_DENY),
      netpol('patient-data/default-deny', DEFAULT_DENY),
      netpol('billing/allow-all', allowAll),
      netpol('patient-data/allow-all', allowAll),
      ...(withGuardrail ? [guardrail] : []),
    ]);

  test('billing -> patient-data and back are denied; everything else stays open', () => {
    const without = analyze(objects(false));
    expect(isAllowed(without, 'billing/invoicer', 'patient-data/records', 5432)).toBe(true);

    const conn = analyze(objects(true));
    expect(allowedPorts(conn, 'billing/invoicer', 'patient-data/records')).toEqual({});
    expect(allowedPorts(conn, 'patient-data/records', 'billing/invoicer')).toEqual({});
    expect(allowedPorts(conn, 'billing/invoicer', 'shared/metrics')).toEqual(ALL_PORTS);
    expect(allowedPorts(conn, 'patient-data/records', 'shared/metrics')).toEqual(ALL_PORTS);
  });

  test('explain names the deny rule first, and the allow it overrides', () => {
    const e = explain(objects(true), { from: 'billing/invoicer', to: 'patient-data/records', port: 5432 });
    expect(e.allowed).toBe(false);
    expect(e.egress.allowed).toBe(false);
    expect(e.egress.deniedBy).toEqual([
      { policy: expect.objectContaining({ kind: 'CiliumClusterwideNetworkPolicy', name: 'guardrail-x' }), section: 'egressDeny', ruleIndex: 0, peerIndex: 0, peer: 'toEndpoints[0] io.kubernetes.pod.namespace=patient-data' },
    ]);
    expect(e.egress.deniedBy[0].policy.namespace).toBeUndefined();
    expect(e.egress.allowedBy.map((a) => `${a.policy.namespace}/${a.policy.name} ${a.section}[${a.ruleIndex}]`)).toEqual(['billing/allow-all egress[0]']);
    // The destination's ingress is open for billing (the guardrail only selects billing).
    expect(e.ingress.allowed).toBe(true);

    const text = renderExplanation(e).split('\n');
    expect(text[0]).toBe('DENIED: billing/invoicer -> patient-data/records TCP 5432');
    expect(text[1]).toBe('  egress of billing/invoicer: denied');
    expect(text[2]).toMatch(/^ {4}denied by CiliumClusterwideNetworkPolicy guardrail-x \(test\.yaml#10\) egressDeny\[0\] peer 0 \(toEndpoints\[0\] io\.kubernetes\.pod\.namespace=patient-data\)$/);

    const back = explain(objects(true), { from: 'patient-data/records', to: 'billing/invoicer', port: 80 });
    expect(back.ingress.deniedBy.map((d) => `${d.policy.name} ${d.section}[${d.ruleIndex}]`)).toEqual(['guardrail-x ingressDeny[0]']);
  });
});

describe('L7 HTTP rules', () => {
  const world = [pod('shop/web', { labels: { app: 'web' }, ports: [{ containerPort: 80 }] }), pod('shop/client', { labels: { app: 'client' } })];
  const httpIn = (name: string, http: unknown[]) =>
    cnp(`shop/${name}`, { endpointSelector: app('web'), ingress: [{ fromEndpoints: [app('client')], toPorts: [{ ports: [port('80', 'TCP')], rules: { http } }] }] });

  test('only Cilium HTTP rules open the port: restricted to the union of their rules, sorted and deduplicated', () => {
    const conn = analyze(
      sourced([
        ...world,
        httpIn('get-api', [{ method: 'GET', path: '/api' }, { method: 'GET', path: '/health' }]),
        httpIn('post-api', [{ method: 'POST', path: '/api' }, { method: 'GET', path: '/api' }]),
      ]),
    );
    const c = conn.connections.find((x) => x.from === 'shop/client' && x.to === 'shop/web')!;
    expect(c.ports).toEqual(TCP(80));
    expect(c.l7).toEqual([
      {
        direction: 'ingress',
        ports: TCP(80),
        http: [
          { method: 'GET', path: '/api' },
          { method: 'GET', path: '/health' },
          { method: 'POST', path: '/api' },
        ],
      },
    ]);
    expect(explain(sourced([...world, httpIn('get-api', [{ method: 'GET', path: '/api' }])]), { from: 'shop/client', to: 'shop/web', port: 80 }).ingress.http).toEqual([
      { method: 'GET', path: '/api' },
    ]);
  });

  test('a NetworkPolicy opening the same pair and port lifts the restriction (Cilium wildcards L7 for that peer)', () => {
    const conn = analyze(
      sourced([
        ...world,
        httpIn('get-api', [{ method: 'GET', path: '/api' }]),
        netpol('shop/np', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }] }),
      ]),
    );
    const c = conn.connections.find((x) => x.from === 'shop/client' && x.to === 'shop/web')!;
    expect(c.ports).toEqual(TCP(80));
    expect(c.l7).toBeUndefined();
    expect(explain(sourced([...world, httpIn('get-api', [{ method: 'GET' }]), netpol('shop/np', { podSelector: {}, ingress: [{}] })]), { from: 'shop/client', to: 'shop/web', port: 80 }).ingress.http).toBeUndefined();
  });

  test('an L4-only Cilium rule on another port leaves the HTTP port restricted; formats show the restriction', () => {
    const conn = analyze(
      sourced([
        ...world,
        cnp('shop/mixed', {
          endpointSelector: app('web'),
          ingress: [{ fromEndpoints: [app('client')], toPorts: [{ ports: [port('80', 'TCP')], rules: { http: [{ method: 'GET' }] } }, { ports: [port('9090', 'TCP')] }] }],
        }),
      ]),
    );
    const c = conn.connections.find((x) => x.from === 'shop/client' && x.to === 'shop/web')!;
    expect(c.ports).toEqual(TCP(80, 9090));
    expect(c.l7).toEqual([{ direction: 'ingress', ports: TCP(80), http: [{ method: 'GET' }] }]);
    expect(connectivityToText(conn).split('\n')).toContain('shop/client => shop/web : TCP 80, 9090 [HTTP on TCP 80 (ingress): GET *]');
    expect(JSON.parse(connectivityToJson(conn)).connections.find((x: { from: string }) => x.from === 'shop/client').l7).toEqual(c.l7);
  });
});

describe('JSON contract for external entries', () => {
  test('CIDR entries keep their shape; FQDN and entity entries carry kind', () => {
    const conn = analyze(
      sourced([pod('x/a', { labels: { app: 'a' } }), cnp('x/out', { endpointSelector: app('a'), egress: [{ toFQDNs: [{ matchName: 'example.com' }] }, { toEntities: ['kube-apiserver'] }, { toCIDR: ['192.0.2.0/24'] }] })]),
    );
    expect(JSON.parse(connectivityToJson(conn)).external).toEqual([
      { direction: 'egress', workload: 'x/a', cidr: '192.0.2.0/24', except: [], ports: ALL_PORTS },
      { direction: 'egress', workload: 'x/a', kind: 'entity', entity: 'kube-apiserver', ports: ALL_PORTS },
      { direction: 'egress', workload: 'x/a', kind: 'fqdn', fqdn: 'example.com', ports: ALL_PORTS },
      { direction: 'ingress', workload: 'x/a', cidr: '0.0.0.0/0', except: [], ports: ALL_PORTS },
      { direction: 'ingress', workload: 'x/a', cidr: '::/0', except: [], ports: ALL_PORTS },
    ]);
  });
});

describe('specs and nodeSelector', () => {
  test('each entry of specs is its own rule set, named specs[i] in explain; nodeSelector specs are ignored', () => {
    const objects = sourced([
      pod('x/a', { labels: { app: 'a' } }),
      pod('x/b', { labels: { app: 'b' } }),
      ccnp('multi', {}),
    ]);
    (objects[2].object as Record<string, unknown>).spec = undefined;
    (objects[2].object as Record<string, unknown>).specs = [
      { nodeSelector: {}, ingress: [{ fromEntities: ['cluster'] }] },
      { endpointSelector: app('b'), ingress: [{ fromEndpoints: [app('a')], toPorts: [{ ports: [port('80', 'TCP')] }] }] },
    ];
    const conn = analyze(objects);
    expect(allowedPorts(conn, 'x/a', 'x/b')).toEqual(TCP(80));
    expect(allowedPorts(conn, 'x/b', 'x/a')).toEqual(ALL_PORTS);
    const e = explain(objects, { from: 'x/a', to: 'x/b', port: 80 });
    expect(e.ingress.allowedBy.map((a) => `${a.section}[${a.ruleIndex}] ${a.peer}`)).toEqual(['specs[1].ingress[0] fromEndpoints[0] app=a in every namespace']);
  });
});

describe('input the API server or the Cilium agent rejects', () => {
  const yaml = (rule: string, section = 'ingress') => `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: x}
spec:
  endpointSelector: {matchLabels: {app: a}}
  ${section}:
  - {${rule}}
`;
  const load = (text: string) => parseManifestText(text, 'policies.yaml');

  test.each([
    ['a numeric port', `toPorts: [{ports: [{port: 443, protocol: TCP}]}]`, 'ingress', /policies\.yaml:5: CiliumNetworkPolicy x\/p spec\.ingress\[0\]\.toPorts\[0\]\.ports\[0\]\.port: must be a string/],
    ['endPort below port', `toPorts: [{ports: [{port: "9000", endPort: 8000, protocol: TCP}]}]`, 'ingress', /policies\.yaml:5: .*endPort: 8000 is below port 9000/],
    ['L7 rules in a deny rule', `toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]`, 'ingressDeny', /policies\.yaml:5: .*ingressDeny\[0\]\.toPorts\[0\]\.rules: ingressDeny rules cannot hold L7 rules/],
    ['toFQDNs in a deny rule', `toFQDNs: [{matchName: example.com}]`, 'egressDeny', /policies\.yaml:5: .*egressDeny\[0\]\.toFQDNs: not allowed in egressDeny/],
    ['L7 on a port that is not TCP', `toPorts: [{ports: [{port: "80"}], rules: {http: [{method: GET}]}}]`, 'ingress', /L7 rules only apply to TCP ports/],
    ['two L3 selector kinds in one rule', `fromEndpoints: [{}], fromCIDR: [10.0.0.0/8]`, 'ingress', /combining fromEndpoints and fromCIDR/],
    ['a DNS rule on ingress', `toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]`, 'ingress', /DNS rules are not allowed on ingress/],
  ])('%s', (_name, rule, section, message) => {
    const text = yaml(rule, section);
    expect(() => analyze(load(text))).toThrow(AnalysisInputError);
    expect(() => analyze(load(text))).toThrow(message);
  });

  test('more than 40 ports in one toPorts entry', () => {
    const ports = Array.from({ length: 41 }, (_, i) => ({ port: String(1000 + i), protocol: 'TCP' }));
    const policy = cnp('x/p', { endpointSelector: {}, ingress: [{ toPorts: [{ ports }] }] });
    expect(() => analyze(sourced([pod('x/a'), policy]))).toThrow(/41 ports; Cilium allows at most 40 per toPorts entry/);
    const forty = cnp('x/p', { endpointSelector: {}, ingress: [{ toPorts: [{ ports: ports.slice(0, 40) }] }] });
    expect(() => analyze(sourced([pod('x/a'), forty]))).not.toThrow();
  });

  test('endpointSelector with nodeSelector; nodeSelector in a namespaced policy; no rules at all', () => {
    expect(() => analyze(sourced([ccnp('p', { endpointSelector: {}, nodeSelector: {}, ingress: [{}] })]))).toThrow(/test\.yaml#0: CiliumClusterwideNetworkPolicy p spec: endpointSelector and nodeSelector are mutually exclusive/);
    expect(() => analyze(sourced([cnp('x/p', { nodeSelector: {}, ingress: [{}] })]))).toThrow(/only a CiliumClusterwideNetworkPolicy may select nodes/);
    expect(() => analyze(sourced([cnp('x/p', { endpointSelector: {} })]))).toThrow(/needs at least one of ingress, ingressDeny, egress, egressDeny/);
    expect(() => analyze(sourced([cnp('x/p', { endpointSelector: {}, ingress: [] })]))).toThrow(/all empty/);
  });
});
