/** NetworkPolicy semantics the e2e reference cases do not pin down. */
import { AnalysisInputError, Connectivity, allowedPorts, analyze, isAllowed } from '../../lib/analysis';
import { netpol, ns, pod, sourced } from './support/objects';

const ALL = { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] };

function pairs(conn: Connectivity): string[] {
  return conn.connections.map((c) => `${c.from} -> ${c.to}`);
}

describe('policyTypes defaults', () => {
  const objs = (spec: Record<string, unknown>) =>
    sourced([pod('x/a', { labels: { app: 'a' } }), pod('x/b', { labels: { app: 'b' } }), netpol('x/p', { podSelector: { matchLabels: { app: 'a' } }, ...spec })]);

  test('absent, with egress rules: isolates ingress and egress', () => {
    const conn = analyze(objs({ egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] }));
    expect(allowedPorts(conn, 'x/a', 'x/b')).toEqual({ UDP: [[53, 53]] });
    expect(allowedPorts(conn, 'x/b', 'x/a')).toEqual({});
  });

  test('absent, with `egress: []`: isolates ingress only', () => {
    const conn = analyze(objs({ egress: [] }));
    expect(allowedPorts(conn, 'x/a', 'x/b')).toEqual(ALL);
    expect(allowedPorts(conn, 'x/b', 'x/a')).toEqual({});
  });

  test('explicit [Egress]: ingress rules are ignored and ingress stays open', () => {
    const conn = analyze(objs({ policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] }));
    expect(allowedPorts(conn, 'x/b', 'x/a')).toEqual(ALL);
    expect(allowedPorts(conn, 'x/a', 'x/b')).toEqual({});
  });

  test('an empty policyTypes list is defaulted like an absent one', () => {
    const conn = analyze(objs({ policyTypes: [] }));
    expect(allowedPorts(conn, 'x/b', 'x/a')).toEqual({});
    expect(allowedPorts(conn, 'x/a', 'x/b')).toEqual(ALL);
  });
});

describe('empty rule lists and empty rules', () => {
  const base = [pod('x/a'), pod('y/b')];
  test('`ingress: []` denies all ingress; `ingress: [{}]` allows everything, from outside too', () => {
    const deny = analyze(sourced([...base, netpol('x/p', { podSelector: {}, ingress: [] })]));
    expect(allowedPorts(deny, 'y/b', 'x/a')).toEqual({});
    expect(deny.external.filter((e) => e.workload === 'x/a' && e.direction === 'ingress')).toEqual([]);

    const allow = analyze(sourced([...base, netpol('x/p', { podSelector: {}, ingress: [{}] })]));
    expect(allowedPorts(allow, 'y/b', 'x/a')).toEqual(ALL);
    expect(allow.external.filter((e) => e.workload === 'x/a' && e.direction === 'ingress').map((e) => (e.kind === 'cidr' ? e.cidr : e.kind))).toEqual(['0.0.0.0/0', '::/0']);
  });

  test('a rule with ports but no peers allows those ports from everyone', () => {
    const conn = analyze(sourced([...base, netpol('x/p', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })]));
    expect(allowedPorts(conn, 'y/b', 'x/a')).toEqual({ UDP: [[1, 65535]] });
  });
});

describe('ports', () => {
  const server = (ports: { containerPort: number; name?: string; protocol?: string }[]) => pod('x/server', { labels: { app: 'server' }, ports });
  const ingressPorts = (ports: unknown[]) => netpol('x/p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports }] });

  test('a named port resolves only on a container port with the same name and protocol', () => {
    const tcpDns = analyze(sourced([pod('x/client'), server([{ containerPort: 53, name: 'dns', protocol: 'TCP' }]), ingressPorts([{ port: 'dns', protocol: 'UDP' }])]));
    expect(allowedPorts(tcpDns, 'x/client', 'x/server')).toEqual({});
    const udpDns = analyze(sourced([pod('x/client'), server([{ containerPort: 5353, name: 'dns', protocol: 'UDP' }]), ingressPorts([{ port: 'dns', protocol: 'UDP' }])]));
    expect(allowedPorts(udpDns, 'x/client', 'x/server')).toEqual({ UDP: [[5353, 5353]] });
  });

  test('a named egress port resolves on each destination, and to nothing where it is not declared', () => {
    const conn = analyze(
      sourced([
        pod('x/client', { labels: { app: 'client' } }),
        pod('x/web1', { ports: [{ containerPort: 8080, name: 'http' }] }),
        pod('x/web2', { ports: [{ containerPort: 9090, name: 'http' }] }),
        pod('x/other', { ports: [{ containerPort: 80, name: 'web' }] }),
        netpol('x/p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
      ]),
    );
    expect(allowedPorts(conn, 'x/client', 'x/web1')).toEqual({ TCP: [[8080, 8080]] });
    expect(allowedPorts(conn, 'x/client', 'x/web2')).toEqual({ TCP: [[9090, 9090]] });
    expect(allowedPorts(conn, 'x/client', 'x/other')).toEqual({});
    // No destination pod outside the cluster to resolve `http` on: no external egress at all.
    expect(conn.external.filter((e) => e.workload === 'x/client' && e.direction === 'egress')).toEqual([]);
  });

  test('endPort makes an inclusive range, merged with overlapping ports', () => {
    const conn = analyze(sourced([pod('x/client'), server([]), ingressPorts([{ port: 8000, endPort: 8010 }, { port: 8011 }, { port: 9000, protocol: 'SCTP' }])]));
    expect(allowedPorts(conn, 'x/client', 'x/server')).toEqual({ TCP: [[8000, 8011]], SCTP: [[9000, 9000]] });
    expect(isAllowed(conn, 'x/client', 'x/server', 8010, 'TCP')).toBe(true);
    expect(isAllowed(conn, 'x/client', 'x/server', 8012, 'TCP')).toBe(false);
    expect(isAllowed(conn, 'x/client', 'x/server', 8005, 'UDP')).toBe(false);
  });

  test.each([
    [{ port: '53' }, /neither a port number nor a valid port name/],
    [{ port: 0 }, /not a port number/],
    [{ port: 80, endPort: 79 }, /below port 80/],
    [{ port: 'http', endPort: 90 }, /only allowed with a numeric port/],
    [{ port: 80, protocol: 'ICMP' }, /not TCP, UDP or SCTP/],
  ])('rejects invalid port %j', (port, message) => {
    expect(() => analyze(sourced([server([]), ingressPorts([port])]))).toThrow(message);
    expect(() => analyze(sourced([server([]), ingressPorts([port])]))).toThrow(AnalysisInputError);
  });
});

describe('ipBlock', () => {
  const objects = (cidr: string, except: string[]) =>
    sourced([
      pod('x/client', { labels: { app: 'client' } }),
      pod('x/v4-in', { ips: ['10.0.1.5'] }),
      pod('x/v4-excepted', { ips: ['10.0.2.5'] }),
      pod('x/v6-in', { ips: ['fd00::1:5'] }),
      pod('x/v6-excepted', { ips: ['fd00::2:5'] }),
      pod('x/dual', { ips: ['192.168.0.1', 'fd00::1:9'] }),
      pod('x/no-ip'),
      netpol('x/p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr, except } }], ports: [{ port: 443 }] }] }),
    ]);

  test('IPv4 cidr with except matches pods only through declared IPs', () => {
    const conn = analyze(objects('10.0.0.0/16', ['10.0.2.0/24']));
    expect(pairs(conn).filter((p) => p.startsWith('x/client'))).toEqual(['x/client -> x/v4-in']);
    expect(conn.external.filter((e) => e.workload === 'x/client' && e.direction === 'egress')).toEqual([
      { direction: 'egress', workload: 'x/client', kind: 'cidr', cidr: '10.0.0.0/16', except: ['10.0.2.0/24'], ports: { TCP: [[443, 443]] } },
    ]);
  });

  test('IPv6 cidr with except, and a dual-stack pod matched through its IPv6 address', () => {
    const conn = analyze(objects('fd00::/64', ['fd00::2:0/112']));
    expect(pairs(conn).filter((p) => p.startsWith('x/client'))).toEqual(['x/client -> x/dual', 'x/client -> x/v6-in']);
  });

  test('an except outside the cidr is rejected', () => {
    expect(() => analyze(objects('10.0.0.0/16', ['10.1.0.0/24']))).toThrow(/not inside 10.0.0.0\/16/);
  });
});

describe('selectors', () => {
  const world = (peers: unknown[]) =>
    sourced([
      ns('prod', { env: 'prod' }),
      ns('dev', { env: 'dev' }),
      ns('legacy'),
      pod('prod/api', { labels: { app: 'api', tier: 'be' } }),
      pod('prod/web', { labels: { app: 'web' } }),
      pod('dev/api', { labels: { app: 'api', tier: 'be' } }),
      pod('legacy/api', { labels: { app: 'api' } }),
      pod('prod/db', { labels: { app: 'db' } }),
      netpol('prod/db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: peers }] }),
    ]);
  const sources = (conn: Connectivity) => pairs(conn).filter((p) => p.endsWith('-> prod/db')).map((p) => p.split(' -> ')[0]);

  test('namespaceSelector and podSelector in one peer are ANDed', () => {
    expect(sources(analyze(world([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'api' } } }])))).toEqual(['dev/api']);
  });

  test('separate peers are ORed', () => {
    expect(sources(analyze(world([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { app: 'web' } } }])))).toEqual([
      'dev/api',
      'prod/web',
    ]);
  });

  test('podSelector alone stays in the policy namespace; an empty namespaceSelector means every namespace', () => {
    expect(sources(analyze(world([{ podSelector: { matchLabels: { app: 'api' } } }])))).toEqual(['prod/api']);
    expect(sources(analyze(world([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }])))).toEqual(['dev/api', 'legacy/api', 'prod/api']);
  });

  test('matchExpressions NotIn, DoesNotExist and Exists', () => {
    const notIn = { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } };
    expect(sources(analyze(world([notIn])))).toEqual(['dev/api', 'legacy/api']);
    const noTier = { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } };
    expect(sources(analyze(world([noTier])))).toEqual(['legacy/api', 'prod/web']);
    const tier = { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'app', operator: 'In', values: ['api', 'x'] }] } };
    expect(sources(analyze(world([tier])))).toEqual(['dev/api', 'prod/api']);
  });

  test('an invalid operator is an input error', () => {
    expect(() => analyze(world([{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } }]))).toThrow(/operator must be one of/);
  });

  test('a namespace that is referenced but not defined carries only its name label', () => {
    const objects = sourced([
      pod('ghost/a'),
      pod('real/db', { labels: { app: 'db' } }),
      ns('real', { team: 'x' }),
      netpol('real/p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ghost' } } }] }] }),
      netpol('real/q', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }] }] }),
    ]);
    expect(pairs(analyze(objects)).filter((p) => p.endsWith('-> real/db'))).toEqual(['ghost/a -> real/db']);
  });

  test('a Namespace object cannot override its name label', () => {
    const objects = sourced([
      ns('a', { 'kubernetes.io/metadata.name': 'b' }),
      pod('a/x'),
      pod('c/db', { labels: { app: 'db' } }),
      netpol('c/p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }] }),
    ]);
    expect(pairs(analyze(objects)).filter((p) => p.endsWith('c/db'))).toEqual([]);
  });
});

describe('inputs', () => {
  test('List objects contribute their items (any *List kind)', () => {
    const conn = analyze(
      sourced([
        { apiVersion: 'v1', kind: 'List', items: [pod('x/a'), pod('x/b')] },
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: [netpol('x/deny', { podSelector: { matchLabels: { app: 'b' } } })] },
      ]),
    );
    expect(conn.workloads.map((w) => w.id)).toEqual(['x/a', 'x/b']);
    expect(pairs(conn)).toEqual(['x/b -> x/a']);
  });

  test('controllers use their pod template labels; CronJob through spec.jobTemplate.spec.template', () => {
    const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const conn = analyze(
      sourced([
        { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup', namespace: 'x', labels: { app: 'wrong' } }, spec: { schedule: '@daily', jobTemplate: { spec: { template: template({ app: 'backup' }) } } } },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'x' }, spec: { template: template({ app: 'db' }) } },
        { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'x' }, spec: { template: template({ app: 'agent' }) } },
        netpol('x/db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'backup' } } }] }] }),
      ]),
    );
    expect(conn.workloads.map((w) => `${w.id} ${w.kind}`)).toEqual(['x/agent DaemonSet', 'x/backup CronJob', 'x/db StatefulSet']);
    expect(pairs(conn).filter((p) => p.endsWith('x/db'))).toEqual(['x/backup -> x/db']);
  });

  test('unknown kinds, and known kind names from other API groups, are ignored', () => {
    const conn = analyze(
      sourced([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } },
        { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'fake', namespace: 'x' }, spec: {} },
        { apiVersion: 'example.com/v1', kind: 'NetworkPolicy', metadata: { name: 'fake', namespace: 'x' }, spec: { podSelector: {} } },
        'a plain string document',
        pod('x/a'),
        pod('x/b'),
      ]),
    );
    expect(conn.workloads.map((w) => w.id)).toEqual(['x/a', 'x/b']);
    expect(pairs(conn)).toEqual(['x/a -> x/b', 'x/b -> x/a']);
  });

  test('pods owned by a controller in the input are folded into it, lending it their IPs', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'x' },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
    };
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'x', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: deployment.spec };
    const owned = pod('x/web-1-abc', { labels: { app: 'web' }, ips: ['10.0.0.7'] });
    (owned.metadata as Record<string, unknown>).ownerReferences = [{ kind: 'ReplicaSet', name: 'web-1', controller: true }];
    const conn = analyze(
      sourced([
        deployment,
        rs,
        owned,
        pod('x/client', { labels: { app: 'client' } }),
        netpol('x/p', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.7/32' } }] }] }),
      ]),
    );
    expect(conn.workloads.map((w) => w.id)).toEqual(['x/client', 'x/web']);
    expect(pairs(conn)).toEqual(['x/client -> x/web', 'x/web -> x/client']);
  });

  test('namespace defaults to `default`; the same id twice is an error', () => {
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: {} };
    expect(analyze(sourced([bare])).workloads.map((w) => w.id)).toEqual(['default/a']);
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { template: {} } };
    expect(() => analyze(sourced([bare, deployment]))).toThrow(/default\/a is used twice: Pod \(test.yaml#0\) and Deployment \(test.yaml#1\)/);
  });
});

describe('connections and external', () => {
  test('without policies every ordered pair of distinct workloads is fully open, never a workload to itself', () => {
    const conn = analyze(sourced([pod('x/a'), pod('x/b'), pod('y/c')]));
    expect(pairs(conn)).toEqual(['x/a -> x/b', 'x/a -> y/c', 'x/b -> x/a', 'x/b -> y/c', 'y/c -> x/a', 'y/c -> x/b']);
    for (const c of conn.connections) expect(c.ports).toEqual(ALL);
  });

  test('a policy allowing a workload to itself still lists no self pair', () => {
    const conn = analyze(sourced([pod('x/a', { labels: { app: 'a' } }), netpol('x/p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] })]));
    expect(conn.connections).toEqual([]);
    expect(allowedPorts(conn, 'x/a', 'x/a')).toEqual({});
  });

  test('both sides must allow: the result is the intersection of egress and ingress ports', () => {
    const conn = analyze(
      sourced([
        pod('x/a', { labels: { app: 'a' } }),
        pod('x/b', { labels: { app: 'b' } }),
        netpol('x/out', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80, endPort: 90 }, { port: 53, protocol: 'UDP' }] }] }),
        netpol('x/in', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports: [{ port: 85, endPort: 100 }] }, { from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 1000 }] }] }),
      ]),
    );
    expect(allowedPorts(conn, 'x/a', 'x/b')).toEqual({ TCP: [[85, 90]], UDP: [[53, 53]] });
  });

  test('external: open sides allow any address; isolated sides list their ipBlock and peerless rules', () => {
    const conn = analyze(
      sourced([
        pod('x/open'),
        pod('x/web', { labels: { app: 'web' }, ports: [{ containerPort: 8443, name: 'https' }] }),
        netpol('x/web', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }], ports: [{ port: 'https' }] }],
          egress: [{ to: [{ podSelector: {} }] }],
        }),
      ]),
    );
    expect(conn.external).toEqual([
      { direction: 'egress', workload: 'x/open', kind: 'cidr', cidr: '0.0.0.0/0', except: [], ports: ALL },
      { direction: 'egress', workload: 'x/open', kind: 'cidr', cidr: '::/0', except: [], ports: ALL },
      { direction: 'ingress', workload: 'x/open', kind: 'cidr', cidr: '0.0.0.0/0', except: [], ports: ALL },
      { direction: 'ingress', workload: 'x/open', kind: 'cidr', cidr: '::/0', except: [], ports: ALL },
      { direction: 'ingress', workload: 'x/web', kind: 'cidr', cidr: '2001:db8::/32', except: ['2001:db8:1::/48'], ports: { TCP: [[8443, 8443]] } },
      { direction: 'ingress', workload: 'x/web', kind: 'cidr', cidr: '203.0.113.0/24', except: [], ports: { TCP: [[8443, 8443]] } },
    ]);
  });
});
