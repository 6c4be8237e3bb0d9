/** estimatePolicyMap: hand-computed examples and the property that more rules never mean fewer entries. */
import fc from 'fast-check';
import { analyze, estimatePolicyMap } from '../../lib/analysis';
import { buildInventory } from '../../lib/analysis/inventory';
import { estimateFromPolicies, portPrefixes } from '../../lib/analysis/policy-map';
import { ccnp, cnp } from './support/cilium';
import { netpol, pod, sourced } from './support/objects';

const app = (a: string) => ({ matchLabels: { app: a } });
const inNs = (name: string) => ({ matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: [name] }] });
const tcp = (port: string, endPort?: number) => (endPort ? { port, endPort, protocol: 'TCP' } : { port, protocol: 'TCP' });

describe('port prefixes', () => {
  test('a range becomes the fewest aligned power-of-two blocks', () => {
    // 8000 = 0b1_1111_0100_0000: 8000-8007 is one /13 block, then 8008-8009 (/15), then 8010 (/16).
    expect(portPrefixes(8000, 8010)).toEqual([
      [8000, 13],
      [8008, 15],
      [8010, 16],
    ]);
    expect(portPrefixes(80, 80)).toEqual([[80, 16]]);
    // 1, 2-3, 4-7, ..., 32768-65535: one block per bit.
    expect(portPrefixes(1, 65535)).toHaveLength(16);
    expect(portPrefixes(1024, 2047)).toEqual([[1024, 6]]);
  });
});

describe('estimatePolicyMap', () => {
  test('a shop, counted by hand', () => {
    const objects = sourced([
      pod('shop/web', { labels: { app: 'web' } }),
      pod('shop/web-2', { labels: { app: 'web' } }), // same labels, same namespace: one identity with shop/web
      pod('shop/api', { labels: { app: 'api' } }),
      pod('shop/db', { labels: { app: 'db' } }),
      // web ingress: peers {} = identities {web, api, db} = 3; ports TCP 80 (1 key) + 8000-8010 (3 prefixes) = 4
      // -> 3 x 4 = 12 keys.
      cnp('shop/web-in', { endpointSelector: app('web'), ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: [tcp('80'), tcp('8000', 8010)] }] }] }),
      // (api, TCP 80, ingress) is already a key of web: nothing new.
      cnp('shop/web-in-dup', { endpointSelector: app('web'), ingress: [{ fromEndpoints: [app('api')], toPorts: [{ ports: [tcp('80')] }] }] }),
      // web egress: db x TCP 5432 = 1; 10.0.0.0/16 minus 10.0.1.0/24 = 8 prefixes (/17, /18, ..., /24) x TCP 443 = 8.
      netpol('shop/web-egress', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] },
          { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }], ports: [{ port: 443 }] },
        ],
      }),
      // api ingress: from web (web and web-2 share one identity) x TCP 9090 = 1.
      cnp('shop/api-in', { endpointSelector: app('api'), ingress: [{ fromEndpoints: [app('web')], toPorts: [{ ports: [tcp('9090')] }] }] }),
      // Every workload's egress: world x port 25 on ANY protocol (TCP, UDP, SCTP) = 3.
      ccnp('no-smtp', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '25' }] }] }] }),
    ]);
    // Plus 1 ingress entry everywhere for reserved:host.
    expect(estimatePolicyMap(objects)).toEqual([
      { workload: 'shop/api', ingress: 2, egress: 3, total: 5 },
      { workload: 'shop/db', ingress: 1, egress: 3, total: 4 },
      { workload: 'shop/web', ingress: 13, egress: 12, total: 25 },
      { workload: 'shop/web-2', ingress: 13, egress: 12, total: 25 },
    ]);
  });

  test('FQDNs, named ports on ANY, whole protocols and the cluster entity, counted by hand', () => {
    const objects = sourced([
      pod('x/a', { labels: { app: 'a' } }),
      pod('x/b', { labels: { app: 'b' } }),
      pod('x/c', { labels: { app: 'a' } }), // shares x/a's identity
      // Every pod's egress: 2 FQDN identities x (named port `https` on TCP, UDP, SCTP = 3, plus UDP 1-65535 = 1) = 8.
      cnp('x/out', {
        endpointSelector: {},
        egress: [{ toFQDNs: [{ matchName: 'a.example.com' }, { matchPattern: '*.example.com' }], toPorts: [{ ports: [{ port: 'https' }, { port: '1', endPort: 65535, protocol: 'UDP' }] }] }],
      }),
      // b ingress: cluster = 2 workload identities + 7 reserved ones = 9, x no toPorts (one wildcard key) = 9.
      cnp('x/b-in', { endpointSelector: app('b'), ingress: [{ fromEntities: ['cluster'] }] }),
    ]);
    expect(estimatePolicyMap(objects)).toEqual([
      { workload: 'x/a', ingress: 1, egress: 8, total: 9 },
      { workload: 'x/b', ingress: 10, egress: 8, total: 18 },
      { workload: 'x/c', ingress: 1, egress: 8, total: 9 },
    ]);
  });

  test('a rule without peers is one wildcard identity; without policies only the host entry remains', () => {
    const objects = sourced([pod('x/a'), pod('x/b'), netpol('x/open', { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ ports: [{ port: 80 }, { port: 81 }] }] })]);
    expect(estimatePolicyMap(objects)).toEqual([
      { workload: 'x/a', ingress: 3, egress: 0, total: 3 },
      { workload: 'x/b', ingress: 1, egress: 0, total: 1 },
    ]);
  });

  test('analyze and estimatePolicyMap share one compile per array, and notice a replaced object', () => {
    const objects = sourced([pod('x/a'), pod('x/b'), netpol('x/p', { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ ports: [{ port: 80 }] }] })]);
    expect(analyze(objects).connections.map((c) => `${c.from}->${c.to}`)).toEqual(['x/a->x/b', 'x/b->x/a']);
    expect(estimatePolicyMap(objects)[0]).toEqual({ workload: 'x/a', ingress: 2, egress: 0, total: 2 });
    objects[2] = { ...objects[2], object: netpol('x/p', { podSelector: { matchLabels: { app: 'a' } }, ingress: [] }) };
    expect(analyze(objects).connections.map((c) => `${c.from}->${c.to}`)).toEqual(['x/a->x/b']);
    expect(estimatePolicyMap(objects)[0]).toEqual({ workload: 'x/a', ingress: 1, egress: 0, total: 1 });
  });

  test('a namespace-wide guardrail shared by many subjects, counted by hand (keys deduplicated against own rules)', () => {
    const objects = sourced([
      ...Array.from({ length: 70 }, (_, i) => pod(`phi/w${i}`, { labels: { app: `w${i}` } })),
      pod('fin/a', { labels: { app: 'a' } }),
      pod('fin/b', { labels: { app: 'b' } }),
      // fin egress: 70 phi identities x no toPorts (one wildcard key: protocol and port 0) = 70 keys, shared by a and b.
      ccnp('guardrail', { endpointSelector: inNs('fin'), egressDeny: [{ toEndpoints: [inNs('phi')] }] }),
      // a: phi/w0 on every port of every protocol is already one of the guardrail's keys: nothing new.
      cnp('fin/a-out', { endpointSelector: app('a'), egress: [{ toEndpoints: [{ matchLabels: { app: 'w0', 'io.kubernetes.pod.namespace': 'phi' } }] }] }),
      // b: phi/w1 on TCP 443 is new (1), and so is world x TCP 443 (1).
      cnp('fin/b-out', {
        endpointSelector: app('b'),
        egress: [{ toEndpoints: [{ matchLabels: { app: 'w1', 'io.kubernetes.pod.namespace': 'phi' } }], toPorts: [{ ports: [tcp('443')] }] }, { toEntities: ['world'], toPorts: [{ ports: [tcp('443')] }] }],
      }),
    ]);
    const estimates = estimatePolicyMap(objects).filter((e) => e.workload.startsWith('fin/'));
    expect(estimates).toEqual([
      { workload: 'fin/a', ingress: 1, egress: 70, total: 71 },
      { workload: 'fin/b', ingress: 1, egress: 72, total: 73 },
    ]);
  });

  // Its speed is measured by bench/analyzer.ts, not here; this checks the counts at that size.
  test('a bench-sized platform: 2,000 workloads with 4 peers each, counted by hand', () => {
    const objects: unknown[] = [];
    for (let i = 0; i < 2000; i++) objects.push(pod(`t${i % 200}/w${i}`, { labels: { app: `w${i}` } }));
    for (let i = 0; i < 2000; i++) {
      const peers = [1, 2, 3, 4].map((k) => ({ matchLabels: { app: `w${(i * 7 + k * 13) % 2000}`, 'io.kubernetes.pod.namespace': `t${((i * 7 + k * 13) % 2000) % 200}` } }));
      objects.push(cnp(`t${i % 200}/w${i}`, { endpointSelector: app(`w${i}`), ingress: [{ fromEndpoints: peers, toPorts: [{ ports: [tcp('8080')] }] }], egress: [{ toEndpoints: peers }] }));
    }
    const estimates = estimatePolicyMap(sourced(objects));
    expect(estimates).toHaveLength(2000);
    // ingress: 4 peers x TCP 8080 + the host entry = 5; egress: 4 peers x the wildcard key = 4.
    expect(estimates[0]).toEqual({ workload: 't0/w0', ingress: 5, egress: 4, total: 9 });
  });
});

describe('adding a rule never lowers the estimate (property)', () => {
  const appName = fc.constantFrom('x', 'y', 'z');
  const nsName = fc.constantFrom('a', 'b');
  const pods = fc.uniqueArray(fc.record({ ns: nsName, name: fc.constantFrom('p1', 'p2', 'p3', 'p4'), app: appName }), {
    selector: (p) => `${p.ns}/${p.name}`,
    minLength: 1,
    maxLength: 6,
  });

  const cnpPort = fc.oneof(
    fc.record({ port: fc.constantFrom('80', '443', '0', 'http'), protocol: fc.constantFrom('TCP', 'UDP', 'ANY') }),
    fc.constantFrom(['8000', 8010], ['9000', 9100], ['8000', 9999]).map(([port, endPort]) => ({ port, endPort, protocol: 'TCP' })),
  );
  const endpoint = fc.oneof(fc.constant({}), appName.map((a) => ({ matchLabels: { app: a } })), nsName.map((n) => ({ matchLabels: { 'io.kubernetes.pod.namespace': n } })));
  const l3 = (dir: 'ingress' | 'egress', deny: boolean) => {
    const p = dir === 'ingress' ? 'from' : 'to';
    const options = [
      fc.array(endpoint, { minLength: 1, maxLength: 2 }).map((v) => ({ [`${p}Endpoints`]: v })),
      fc.subarray(['world', 'cluster', 'host', 'kube-apiserver', 'all', 'none'], { minLength: 1 }).map((v) => ({ [`${p}Entities`]: v })),
      fc.constantFrom([{ cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] }], [{ cidr: '192.0.2.0/24' }]).map((v) => ({ [`${p}CIDRSet`]: v })),
      fc.constant({}),
    ];
    if (dir === 'egress' && !deny) options.push(fc.constantFrom([{ matchName: 'a.example.com' }], [{ matchPattern: '*.example.com' }]).map((v) => ({ toFQDNs: v })));
    return fc.oneof(...options);
  };
  const cnpRule = (dir: 'ingress' | 'egress', deny: boolean) =>
    fc.record({ peers: l3(dir, deny), ports: fc.option(fc.array(cnpPort, { minLength: 1, maxLength: 3 }), { nil: undefined }) }).map(({ peers, ports }) => ({ ...peers, ...(ports ? { toPorts: [{ ports }] } : {}) }));
  const section = fc.constantFrom(['ingress', false], ['ingressDeny', true], ['egress', false], ['egressDeny', true]) as fc.Arbitrary<[string, boolean]>;
  const cnpSection = section.chain(([key, deny]) => cnpRule(key.startsWith('ingress') ? 'ingress' : 'egress', deny).map((rule) => ({ key, rule })));
  const cilium = fc.record({
    clusterwide: fc.boolean(),
    ns: nsName,
    selector: endpoint,
    rules: fc.array(cnpSection, { minLength: 1, maxLength: 3 }),
    lenient: fc.boolean(),
  });

  const npPort = fc.oneof(fc.record({ port: fc.constantFrom(80, 443, 'http') }), fc.record({ port: fc.constant(8000), endPort: fc.constantFrom(8010, 9000) }), fc.record({ protocol: fc.constantFrom('UDP', 'SCTP') }));
  const npPeer = fc.oneof(
    appName.map((a) => ({ podSelector: { matchLabels: { app: a } } })),
    nsName.map((n) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } })),
    fc.constant({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }),
  );
  const npRule = fc.record({ peers: fc.option(fc.array(npPeer, { minLength: 1, maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(npPort, { minLength: 1, maxLength: 2 }), { nil: undefined }) });
  const np = fc.record({ ns: nsName, app: fc.option(appName, { nil: undefined }), ingress: fc.array(npRule, { maxLength: 2 }), egress: fc.array(npRule, { maxLength: 2 }) });

  type CiliumGen = { clusterwide: boolean; ns: string; selector: unknown; rules: { key: string; rule: unknown }[]; lenient: boolean };
  type NpGen = { ns: string; app?: string; ingress: { peers?: unknown[]; ports?: unknown[] }[]; egress: { peers?: unknown[]; ports?: unknown[] }[] };

  const ciliumObject = (c: CiliumGen, i: number) => {
    const spec: Record<string, unknown> = { endpointSelector: c.selector };
    for (const { key, rule } of c.rules) ((spec[key] ??= []) as unknown[]).push(rule);
    if (c.lenient) spec.enableDefaultDeny = { ingress: false, egress: false };
    return c.clusterwide ? ccnp(`c${i}`, spec) : cnp(`${c.ns}/c${i}`, spec);
  };
  const npObject = (n: NpGen, i: number) => {
    const rule = (dir: 'from' | 'to') => (r: NpGen['ingress'][number]) => ({ ...(r.peers ? { [dir]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) });
    return netpol(`${n.ns}/n${i}`, {
      podSelector: n.app ? { matchLabels: { app: n.app } } : {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: n.ingress.map(rule('from')),
      egress: n.egress.map(rule('to')),
    });
  };

  test('sharing large rules across subjects counts exactly what expanding every rule per subject counts', () => {
    fc.assert(
      fc.property(pods, fc.array(cilium, { maxLength: 4 }), fc.array(np, { maxLength: 2 }), (podList, ciliums, nps) => {
        const workloads = podList.map((p) => pod(`${p.ns}/${p.name}`, { labels: { app: p.app }, ports: [{ containerPort: 8443, name: 'http' }] }));
        const { cluster, policies } = buildInventory(sourced([...workloads, ...ciliums.map(ciliumObject), ...nps.map(npObject)]));
        const expanded = estimateFromPolicies(cluster, policies, { largeRuleKeys: Infinity });
        expect(estimateFromPolicies(cluster, policies, { largeRuleKeys: 1 })).toEqual(expanded);
        expect(estimateFromPolicies(cluster, policies)).toEqual(expanded);
      }),
      { numRuns: 200 },
    );
  });

  test('append one rule to a policy, or add a policy: no workload loses entries in either direction', () => {
    fc.assert(
      fc.property(
        pods,
        fc.array(cilium, { maxLength: 3 }),
        fc.array(np, { maxLength: 2 }),
        fc.oneof(
          cnpSection.map((s) => ({ kind: 'cilium' as const, s })),
          fc.record({ dir: fc.constantFrom('ingress', 'egress'), rule: npRule }).map((s) => ({ kind: 'np' as const, s })),
          cilium.map((c) => ({ kind: 'new-cilium' as const, c })),
        ),
        fc.nat(),
        (podList, ciliums, nps, extra, pick) => {
          const workloads = podList.map((p) => pod(`${p.ns}/${p.name}`, { labels: { app: p.app }, ports: [{ containerPort: 8443, name: 'http' }] }));
          const build = (cs: CiliumGen[], ns: NpGen[]) => sourced([...workloads, ...cs.map(ciliumObject), ...ns.map(npObject)]);
          const before = estimatePolicyMap(build(ciliums, nps));
          let after;
          if (extra.kind === 'new-cilium') after = estimatePolicyMap(build([...ciliums, extra.c], nps));
          else if (extra.kind === 'cilium' && ciliums.length > 0) {
            const i = pick % ciliums.length;
            after = estimatePolicyMap(build(ciliums.map((c, j) => (j === i ? { ...c, rules: [...c.rules, extra.s] } : c)), nps));
          } else if (extra.kind === 'np' && nps.length > 0) {
            const i = pick % nps.length;
            const grown = nps.map((n, j) => (j === i ? { ...n, [extra.s.dir]: [...n[extra.s.dir as 'ingress' | 'egress'], extra.s.rule] } : n));
            after = estimatePolicyMap(build(ciliums, grown));
          } else return;
          expect(after.map((e) => e.workload)).toEqual(before.map((e) => e.workload));
          after.forEach((e, k) => {
            expect(e.ingress).toBeGreaterThanOrEqual(before[k].ingress);
            expect(e.egress).toBeGreaterThanOrEqual(before[k].egress);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
