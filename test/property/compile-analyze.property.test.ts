/**
 * Property: for random platforms, the connectivity the analyzer computes from the rendered YAML is
 * exactly what the flows say, checked against an oracle written here from the spec alone (port by
 * port), not against the verifier's own expectation.
 */
import fc from 'fast-check';
import { analyze } from '../../lib/analysis';
import { checkPlatform } from '../../lib/intent/check';
import { FlowSpec, GuardrailSpec, PlatformSpec, PortRefSpec, TenantSpec, WorkloadKindName } from '../../lib/intent/types';
import { compilePlatform } from '../../lib/synth/pipeline';

const TENANTS = ['alpha', 'beta', 'gamma', 'delta'];
const WORKLOADS = ['api', 'db', 'web'];
const PORT_NAMES = ['http', 'grpc', 'metrics'];

const tenantArb: fc.Arbitrary<TenantSpec> = fc
  .record({
    name: fc.constantFrom(...TENANTS),
    workloads: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom(...WORKLOADS),
        ports: fc.uniqueArray(
          fc.record({ name: fc.constantFrom(...PORT_NAMES), port: fc.integer({ min: 1000, max: 1040 }), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }),
          { maxLength: 3, selector: (p) => p.name },
        ),
      }),
      { minLength: 1, maxLength: 3, selector: (w) => w.name },
    ),
  })
  .map((t) => ({ ...t, workloads: t.workloads.map((w) => ({ ...w, image: 'example/app:1', ports: dedupeNumbers(w.ports) })) }));

function dedupeNumbers<T extends { port: number; protocol: string }>(ports: T[]): T[] {
  const seen = new Set<string>();
  return ports.filter((p) => !seen.has(`${p.port}/${p.protocol}`) && seen.add(`${p.port}/${p.protocol}`));
}

const platformArb = fc.uniqueArray(tenantArb, { minLength: 1, maxLength: 4, selector: (t) => t.name }).chain((tenants) => {
  const endpoints = tenants.flatMap((t) => [t.name, ...t.workloads!.map((w) => `${t.name}/${w.name}`)]);
  const portRef: fc.Arbitrary<PortRefSpec> = fc.oneof(
    fc.constantFrom(...PORT_NAMES),
    fc.integer({ min: 1000, max: 1040 }),
    fc.record({ port: fc.integer({ min: 1000, max: 1030 }), endPort: fc.integer({ min: 1030, max: 1045 }), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }),
  );
  const flow = fc.record({ from: fc.constantFrom(...endpoints), to: fc.constantFrom(...endpoints), ports: fc.array(portRef, { minLength: 1, maxLength: 3 }) });
  const guardrail = fc.record({
    name: fc.constantFrom('g1', 'g2'),
    from: fc.constantFrom(...tenants.map((t) => t.name)).map((tenant) => ({ tenant })),
    to: fc.constantFrom(...tenants.map((t) => t.name)).map((tenant) => ({ tenant })),
    bidirectional: fc.boolean(),
  });
  return fc.record({ tenants: fc.constant(tenants), flows: fc.array(flow, { maxLength: 8 }), guardrails: fc.uniqueArray(guardrail, { maxLength: 2, selector: (g) => g.name }) });
});

/** Flows that name a port the destination lacks, or cross a guardrail, are compile errors: leave them out. */
function admissible(p: { tenants: TenantSpec[]; flows: FlowSpec[]; guardrails: GuardrailSpec[] }): FlowSpec[] {
  return p.flows
    .map((f) => ({ ...f, ports: f.ports.filter((r) => typeof r !== 'string' || destinations(p.tenants, f.to).some((w) => w.ports!.some((x) => x.name === r))) }))
    .filter((f) => f.ports.length)
    .filter((f) => {
      const [src, dst] = [f.from.split('/')[0], f.to.split('/')[0]];
      return !p.guardrails.some((g) => (g.from.tenant === src && g.to.tenant === dst) || (g.bidirectional && g.from.tenant === dst && g.to.tenant === src));
    });
}

function destinations(tenants: TenantSpec[], ref: string) {
  const [t, w] = ref.split('/');
  return (tenants.find((x) => x.name === t)?.workloads ?? []).filter((x) => !w || x.name === w);
}

/** The oracle: every (from, to, protocol/port) the flows allow, enumerated port by port. */
function oracle(tenants: TenantSpec[], flows: FlowSpec[]): Set<string> {
  const out = new Set<string>();
  for (const f of flows) {
    for (const d of destinations(tenants, f.to)) {
      for (const s of destinations(tenants, f.from)) {
        const [sid, did] = [`${f.from.split('/')[0]}/${s.name}`, `${f.to.split('/')[0]}/${d.name}`];
        if (sid === did) continue;
        for (const r of f.ports) {
          if (typeof r === 'string') for (const p of d.ports!.filter((x) => x.name === r)) out.add(`${sid} ${did} ${p.protocol}/${p.port}`);
          else if (typeof r === 'number') out.add(`${sid} ${did} TCP/${r}`);
          else for (let n = r.port; n <= (r.endPort ?? r.port); n++) out.add(`${sid} ${did} ${r.protocol ?? 'TCP'}/${n}`);
        }
      }
    }
  }
  return out;
}

/** A kind for each workload, drawn after the rest (so each seed keeps its platforms): connectivity must not depend on it. */
const KINDS: WorkloadKindName[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const withKinds = platformArb.chain((p) => {
  const count = p.tenants.reduce((n, t) => n + (t.workloads?.length ?? 0), 0);
  return fc.array(fc.constantFrom(...KINDS), { minLength: count, maxLength: count }).map((kinds) => {
    let next = 0;
    const tenants = p.tenants.map((t) => ({ ...t, workloads: (t.workloads ?? []).map((w) => ({ ...w, kind: kinds[next++], ...(kinds[next - 1] === 'CronJob' ? { schedule: '@hourly' } : {}) })) }));
    return { ...p, tenants };
  });
});

test('analyzing the compiled YAML gives exactly the declared flows, whatever kind each workload is', () => {
  fc.assert(
    fc.property(withKinds, (p) => {
      const flows = admissible(p);
      const spec: PlatformSpec = {
        apiVersion: 'bulkhead.dev/v1alpha1',
        kind: 'Platform',
        metadata: { name: 'prop' },
        clusters: [{ name: 'c', provider: 'kind' }],
        tenants: p.tenants,
        flows,
        guardrails: p.guardrails,
      };
      const result = compilePlatform(checkPlatform(spec), { dryRun: true });
      const objects = result.clusters[0].files.flatMap((f) => f.manifests.map((m, index) => ({ file: f.path, index, object: m })));
      const found = new Set<string>();
      const connectivity = analyze(objects);
      // Each workload is read as the kind it declares.
      const declared = p.tenants.flatMap((t) => (t.workloads ?? []).map((w) => `${t.name}/${w.name} ${w.kind}`)).sort();
      expect(connectivity.workloads.map((w) => `${w.id} ${w.kind}`).sort()).toEqual(declared);
      for (const c of connectivity.connections)
        for (const [protocol, ranges] of Object.entries(c.ports))
          for (const [lo, hi] of ranges!) for (let n = lo; n <= hi; n++) found.add(`${c.from} ${c.to} ${protocol}/${n}`);
      expect([...found].sort()).toEqual([...oracle(p.tenants, flows)].sort());
    }),
    { numRuns: 60, seed: 20261126 },
  );
});
