/** The probe plan: what it probes, what it lists as not probed, its order and its bound (bench size L). */
import { SIZES, generatePlatform } from '../../bench/generate';
import { checkPlatform } from '../../lib/intent/check';
import { PlatformSpec } from '../../lib/intent/types';
import { forCluster } from '../../lib/model/platform';
import { Probe, ProbePlan, describeProbe } from '../../lib/model/probes';
import { planProbes } from '../../lib/probes/plan';
import { expectedConnectivity, pairKey } from '../../lib/verify/expected';
import { probeFixture } from './support';

function planOf(spec: PlatformSpec, cluster = 0): ProbePlan {
  const platform = checkPlatform(spec);
  const model = forCluster(platform, platform.clusters[cluster]);
  return planProbes(model, expectedConnectivity(model));
}

const line = (p: Probe) => `${describeProbe(p)} ${p.expect}`;

describe('the plan of a platform with every kind of intent', () => {
  const plan = planOf(probeFixture());
  const lines = plan.probes.map(line);

  test('one probe per declared flow port over TCP, from the first source to the first destination exposing it', () => {
    expect(plan.probes.filter((p) => p.kind === 'flow').map(line)).toEqual([
      'flow ops/agent -> shop/api TCP/8080 open',
      'flow shop/api -> data/db TCP/5432 open',
      'flow shop/web -> shop/api TCP/8080 open',
    ]);
  });

  test('each direction of a bidirectional guardrail is crossed once, expecting a block', () => {
    expect(plan.probes.filter((p) => p.kind === 'guardrail').map(line)).toEqual(['guardrail ops/agent -> data/db TCP/5432 blocked', 'guardrail data/db -> ops/agent TCP/9000 blocked']);
  });

  test('DNS from every tenant, run as its first workload', () => {
    expect(plan.probes.filter((p) => p.kind === 'dns').map((p) => [p.from, p.host, p.protocol, p.port, p.expect])).toEqual([
      ['data/db', 'kubernetes.default.svc.cluster.local', 'UDP', 53, 'resolves'],
      ['ops/agent', 'kubernetes.default.svc.cluster.local', 'UDP', 53, 'resolves'],
      ['shop/api', 'kubernetes.default.svc.cluster.local', 'UDP', 53, 'resolves'],
    ]);
  });

  test('an HTTP-restricted flow gets a request its rules admit and one they do not', () => {
    const http = plan.probes.filter((p) => p.kind === 'http');
    expect(http.map((p) => [p.from, p.to, p.port, p.request, p.expect])).toEqual([
      ['shop/web', 'shop/api', 8080, { method: 'GET', path: '/api/v1/items' }, 'admitted'],
      ['shop/web', 'shop/api', 8080, { method: 'GET', path: '/bulkhead-probe-forbidden' }, 'forbidden'],
    ]);
  });

  test('the undeclared sample holds only pairs no flow declares, each expecting a block', () => {
    const platform = checkPlatform(probeFixture());
    const expectation = expectedConnectivity(forCluster(platform, platform.clusters[0]));
    const sample = plan.probes.filter((p) => p.kind === 'undeclared');
    expect(sample.length).toBeGreaterThan(0);
    for (const p of sample) {
      expect(expectation.pairs.has(pairKey(p.from, p.to))).toBe(false);
      expect(p.expect).toBe('blocked');
    }
    // Default deny inside a tenant too: shop/api never declared a flow to shop/web.
    expect(lines).toContain('undeclared shop/api -> shop/web TCP/8080 blocked');
  });

  test('UDP, the rest of a port range, and egress outside the cluster are listed as not probed, with the reason', () => {
    const notProbed = plan.notProbed.map((n) => `${n.kind}: ${n.what}`);
    expect(notProbed).toEqual(
      expect.arrayContaining(['flow: shop/web -> shop/api stats', 'flow: ops/agent -> shop 8000-8100', 'egress: shop/api -> 203.0.113.0/24 443']),
    );
    expect(plan.notProbed.find((n) => n.what === 'shop/web -> shop/api stats')!.reason).toMatch(/not TCP/);
    expect(plan.notProbed.find((n) => n.what === 'ops/agent -> shop 8000-8100')!.reason).toMatch(/not exposed by shop\/api's Service/);
    for (const n of plan.notProbed) expect(n.reason.length).toBeGreaterThan(10);
  });

  test('priority order: guardrails, DNS, HTTP, flows, the undeclared sample; nothing probed twice', () => {
    const rank = { guardrail: 0, dns: 1, http: 2, flow: 3, undeclared: 4 };
    const ranks = plan.probes.map((p) => rank[p.kind]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(lines).size).toBe(lines.length);
    expect(plan.leftOut).toEqual({});
  });

  test('the same intents in another order give the same plan', () => {
    const spec = probeFixture();
    const shuffled = { ...spec, tenants: [...spec.tenants].reverse(), flows: [...spec.flows!].reverse() };
    expect(planOf(shuffled).probes.map(line)).toEqual(lines);
  });
});

test('HTTP rules whose requests cannot be derived are listed as not probed, not guessed', () => {
  const spec = probeFixture();
  spec.flows![0] = { ...spec.flows![0], http: [{ path: '/.*' }] };
  const plan = planOf(spec);
  // Every path and method passes: there is an admitted request but no forbidden one.
  expect(plan.probes.filter((p) => p.kind === 'http').map((p) => p.expect)).toEqual(['admitted']);
  expect(plan.notProbed.find((n) => n.kind === 'http')!.reason).toMatch(/admit every request/);
});

test('max bounds the plan by priority and counts what is left out, per kind', () => {
  const all = planOf(probeFixture());
  const bounded = planOf(probeFixture({ clusters: [{ name: 'dev', provider: 'kind', probes: { max: 4 } }] }));
  expect(bounded.probes.map(line)).toEqual(all.probes.slice(0, 4).map(line));
  const left = Object.values(bounded.leftOut).reduce((a, b) => a + b!, 0);
  expect(left).toBe(all.probes.length - 4);
  expect(bounded.leftOut.undeclared).toBe(all.probes.filter((p) => p.kind === 'undeclared').length);
});

test('at bench size L the plan stays within its bound, deterministically', () => {
  const spec = generatePlatform(SIZES.L);
  const platform = checkPlatform(spec);
  const model = forCluster(platform, platform.clusters[0]);
  const expectation = expectedConnectivity(model);
  const plan = planProbes(model, expectation);
  expect(platform.tenants.flatMap((t) => t.workloads).length).toBe(SIZES.L.workloads);
  expect(plan.probes.length).toBe(plan.max);
  expect(plan.max).toBe(200);
  // Far more would be possible: the rest is counted, not silently dropped.
  const left = Object.values(plan.leftOut).reduce((a, b) => a + b!, 0);
  expect(left).toBeGreaterThan(SIZES.L.flows);
  // Every probe runs in a Job per source workload: at most max Jobs.
  expect(new Set(plan.probes.map((p) => p.from)).size).toBeLessThanOrEqual(plan.max);
  expect(planProbes(model, expectation).probes.map(line)).toEqual(plan.probes.map(line));
});
