/**
 * Synth proves the probes with the analyzer: every expectation holds for the probe pods as the rendered
 * policies treat them. A compiler broken on purpose (wrong labels on the probe pods, a wrong expectation,
 * a forbidden request the rules admit, a policy among the probes) makes synth fail, naming the probe,
 * and leaves the previous output where it was.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { explain } from '../../lib/analysis';
import { ProbeJobs } from '../../lib/constructs/probe-jobs';
import { checkPlatform } from '../../lib/intent/check';
import { ProbePlan } from '../../lib/model/probes';
import * as planModule from '../../lib/probes/plan';
import { proveProbes } from '../../lib/probes/prove';
import { compilePlatform } from '../../lib/synth/pipeline';
import { CLUSTER_DNS_OBJECTS } from '../../lib/verify/cluster-dns';
import { failure } from '../support/broken';
import { compileSpec, manifestsOf } from '../support/fixtures';
import { probeFixture } from './support';

afterEach(() => jest.restoreAllMocks());

const sourced = (files: readonly { path: string; manifests: readonly unknown[] }[]) => files.flatMap((f) => f.manifests.map((object, index) => ({ file: f.path, index, object })));

test("the analyzer confirms every probe's expectation for the probe pod, and for its source alike", () => {
  const result = compileSpec(probeFixture());
  const c = result.clusters[0];
  expect(c.verification.findings).toEqual([]);
  const objects = [...manifestsOf(result), ...sourced(c.probes.files), ...CLUSTER_DNS_OBJECTS];
  const kinds = new Set<string>();
  for (const p of c.probes.plan.probes) {
    kinds.add(p.expect);
    const [tenant, workload] = p.from.split('/');
    const asProbe = explain(objects, { from: `${tenant}/${workload}-probes`, to: p.to, port: p.port, protocol: p.protocol });
    expect([p.kind, p.from, p.to, p.port, asProbe.allowed]).toEqual([p.kind, p.from, p.to, p.port, p.expect !== 'blocked']);
    const asSource = explain(objects, { from: p.from, to: p.to, port: p.port, protocol: p.protocol });
    expect(asSource.allowed).toBe(asProbe.allowed);
    if (p.expect === 'forbidden') expect(asProbe.ingress.http).toBeDefined();
  }
  expect([...kinds].sort()).toEqual(['admitted', 'blocked', 'forbidden', 'open', 'resolves']);
});

test('probe pods with the wrong labels fail synth, naming the probes they break, and the previous output stays', () => {
  // The compiler "forgets" the workload label: the pod no longer matches its source's policies.
  jest.spyOn(ProbeJobs, 'podLabels').mockImplementation((tenant) => ({ 'bulkhead.dev/tenant': tenant, 'bulkhead.dev/probe': 'true' }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probes-broken-'));
  try {
    const outDir = path.join(dir, 'dist');
    fs.mkdirSync(outDir);
    fs.writeFileSync(path.join(outDir, 'previous.txt'), 'previous output');
    const e = failure(() => compilePlatform(checkPlatform(probeFixture()), { outDir }));
    expect(e.message).toMatch(/probe "flow shop\/web -> shop\/api TCP\/8080" expecting open \(flow shop\/web -> shop\/api on http, <typescript>:1:1\): the policies deny the probe pod \(shop\/web-probes\) there, unlike shop\/web itself/);
    expect(e.message).toMatch(/probe "http shop\/web -> shop\/api TCP\/8080 GET \/api\/v1\/items" expecting admitted/);
    expect(fs.readdirSync(outDir)).toEqual(['previous.txt']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a probe expecting what the policies do not give fails synth (a wrong plan is caught, not rendered)', () => {
  const real = planModule.planProbes;
  jest.spyOn(planModule, 'planProbes').mockImplementation((platform, expectation) => {
    const plan = real(platform, expectation);
    // The guardrail crossing now "expects" to connect.
    return { ...plan, probes: plan.probes.map((p) => (p.kind === 'guardrail' ? { ...p, expect: 'open' as const } : p)) };
  });
  const e = failure(() => compileSpec(probeFixture()));
  expect(e.message).toMatch(/probe "guardrail ops\/agent -> data\/db TCP\/5432" expecting open \(guardrail ops-never-reaches-phi, <typescript>:1:1\): the policies deny the probe pod \(ops\/agent-probes\) there/);
  expect(e.message).toMatch(/probe "guardrail data\/db -> ops\/agent TCP\/9000" expecting open/);
});

test('a "forbidden" request the HTTP rules admit, or a port they do not restrict, fails synth', () => {
  const real = planModule.planProbes;
  jest.spyOn(planModule, 'planProbes').mockImplementation((platform, expectation) => {
    const plan = real(platform, expectation);
    const probes = plan.probes.map((p) => (p.expect === 'forbidden' ? { ...p, request: { method: 'GET', path: '/api/v2/items/7' } } : p));
    // And a forbidden request on a port without HTTP rules.
    const flow = plan.probes.find((p) => p.kind === 'flow' && p.to === 'data/db')!;
    probes.push({ ...flow, kind: 'http', expect: 'forbidden', request: { method: 'GET', path: '/' } });
    return { ...plan, probes };
  });
  const e = failure(() => compileSpec(probeFixture()));
  expect(e.message).toMatch(/GET \/api\/v2\/items\/7" expecting forbidden .*: the HTTP rules on TCP\/8080 admit the request \(GET \/api\/v\[0-9\]\+\/items\(\/\.\*\)\?\)/);
  expect(e.message).toMatch(/probe "http shop\/api -> data\/db TCP\/5432 GET \/" expecting forbidden .*: no HTTP rule restricts TCP\/5432, so every request passes/);
});

test('the probe files may hold nothing but Jobs and their plan: a policy among them is a finding', () => {
  const result = compileSpec(probeFixture());
  const c = result.clusters[0];
  const openAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{}], egress: [{}] } };
  const objects = [...sourced(c.probes.files), { file: 'probes/shop.yaml', index: 99, object: openAll }];
  const findings = proveProbes(c.probes.plan as ProbePlan, manifestsOf(result), objects, c.verification.connectivity);
  expect(findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/^probes\/shop\.yaml: NetworkPolicy shop\/allow-all is not a probe Job/));
  // The allow-all also opens what the blocked probes expect closed, and the analyzer says so.
  expect(findings.some((f) => /expecting blocked .*the policies allow the probe pod/.test(f.message))).toBe(true);
});

test('a probe whose Job is missing is a finding', () => {
  const result = compileSpec(probeFixture());
  const c = result.clusters[0];
  const withoutWeb = sourced(c.probes.files).filter((o) => (o.object as { metadata: { name: string } }).metadata.name !== 'web-probes');
  const findings = proveProbes(c.probes.plan, manifestsOf(result), withoutWeb, c.verification.connectivity);
  expect(findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/^probe "flow shop\/web -> shop\/api TCP\/8080" .*: no Job shop\/web-probes is rendered to run it$/));
});
