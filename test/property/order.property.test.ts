/**
 * Property: the order in which platform.yaml lists things never changes the result. Any platform
 * with every list shuffled (tenants, workloads, ports, flows and their ports, egress, guardrails,
 * gateways, listeners, routes, rules, backends, hostnames) and every map's keys reordered compiles to
 * byte-identical output, or is rejected with the same problems.
 *
 * The platforms are rich on purpose: the same port number on TCP and UDP, route backends by number
 * and by name, HTTP rules, DNS-name, address and kube-apiserver egress, guardrails by name and labels,
 * every workload kind with its lists (volumes, files, image pull secrets, API rules and their verbs).
 * BULKHEAD_PROPERTY_RUNS and BULKHEAD_PROPERTY_SEED change the runs and the seed (scripts/property-long.sh
 * runs it longer, with a new seed each time).
 */
import fc from 'fast-check';
import { checkPlatform } from '../../lib/intent/check';
import { IntentError } from '../../lib/intent/diagnostics';
import { AutoscaleSpec, EgressSpec, FlowSpec, HealthSpec, VolumeSpec, GatewaySpec, GuardrailSpec, PlatformSpec, PortRefSpec, RouteSpec, TenantSpec, WorkloadKindName, WorkloadSpec } from '../../lib/intent/types';
import { compilePlatform } from '../../lib/synth/pipeline';

const TENANTS = ['alpha', 'beta', 'gamma'];
const WORKLOADS = ['api', 'db', 'web'];
const PORT_NAMES = ['http', 'grpc', 'dns', 'metrics'];
const NUMBERS = [53, 5432, 8080];

const portArb = fc.record({ name: fc.constantFrom(...PORT_NAMES.slice(1)), port: fc.constantFrom(...NUMBERS), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) });

/** What a workload may declare beyond its container, made valid for its kind below. */
const extrasArb = fc.record(
  {
    kind: fc.constantFrom<WorkloadKindName | undefined>(undefined, undefined, 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'),
    volumes: fc.uniqueArray(fc.constantFrom<VolumeSpec>({ name: 'data', path: '/data', size: '1Gi' }, { name: 'logs', path: '/logs', size: '2Gi', storageClass: 'standard' }), { maxLength: 2, selector: (v) => v.name }),
    files: fc.uniqueArray(fc.constantFrom({ path: '/etc/app/a.conf', content: 'a = 1\n' }, { path: '/etc/app/b.conf', content: 'b = 2\n' }, { path: '/etc/c.json', content: '{}' }), { maxLength: 3, selector: (f) => f.path }),
    imagePullSecrets: fc.uniqueArray(fc.constantFrom('registry-a', 'registry-b'), { maxLength: 2 }),
    kubeApi: fc.record({
      rules: fc.array(
        fc.record({ apiGroups: fc.constant<string[]>(['']), resources: fc.uniqueArray(fc.constantFrom('pods', 'configmaps', 'services'), { minLength: 1, maxLength: 3 }), verbs: fc.uniqueArray(fc.constantFrom('get', 'list', 'watch'), { minLength: 1, maxLength: 3 }) }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
    autoscale: fc.constant<AutoscaleSpec>({ min: 1, max: 3 }),
    health: fc.constant<HealthSpec>({ readiness: { http: { path: '/healthz', port: 'http' } }, liveness: { exec: ['check', '--live', 'now'] } }),
    replicas: fc.integer({ min: 1, max: 3 }),
  },
  { requiredKeys: ['kind'] },
);

/** Every workload serves HTTP on TCP 8080 (so most references resolve), plus up to three random ports. */
const workloadArb: fc.Arbitrary<WorkloadSpec> = fc.record({
  name: fc.constantFrom(...WORKLOADS),
  image: fc.constant('example/app:1'),
  ports: fc.uniqueArray(portArb, { maxLength: 3, selector: (p) => p.name }).map((extra) => {
    const seen = new Set<string>(['8080/TCP']);
    const ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }, ...extra.filter((p) => !seen.has(`${p.port}/${p.protocol}`) && seen.add(`${p.port}/${p.protocol}`))];
    return ports;
  }),
});

type Extras = typeof extrasArb extends fc.Arbitrary<infer T> ? T : never;

/** `w` with `extras` made valid for its kind. */
function withExtras(w: WorkloadSpec, extras: Extras): WorkloadSpec {
  const { kind, volumes, autoscale, replicas, ...rest } = extras;
  const replicated = kind === undefined || kind === 'StatefulSet';
  return {
    ...w,
    ...rest,
    ...(kind ? { kind } : {}),
    ...(kind === 'StatefulSet' && volumes?.length ? { volumes } : {}),
    ...(kind === 'CronJob' ? { schedule: '0 2 * * *' } : {}),
    ...(replicated && autoscale ? { autoscale } : replicated && replicas ? { replicas } : {}),
  };
}

const tenantArb: fc.Arbitrary<TenantSpec> = fc.record({
  name: fc.constantFrom(...TENANTS),
  labels: fc.record({ 'data-class': fc.constantFrom('phi', 'public'), team: fc.constantFrom('a', 'b') }, { requiredKeys: [] }),
  workloads: fc.uniqueArray(workloadArb, { minLength: 1, maxLength: 3, selector: (w) => w.name }),
});

const basePlatformArb: fc.Arbitrary<PlatformSpec> = fc.uniqueArray(tenantArb, { minLength: 1, maxLength: 3, selector: (t) => t.name }).chain((tenants) => {
  const workloadIds = tenants.flatMap((t) => t.workloads!.map((w) => `${t.name}/${w.name}`));
  const endpoint = fc.constantFrom(...tenants.map((t) => t.name), ...workloadIds);
  const portRef: fc.Arbitrary<PortRefSpec> = fc.oneof(
    { weight: 4, arbitrary: fc.constant('http') },
    { weight: 1, arbitrary: fc.constantFrom(...PORT_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 1, arbitrary: fc.record({ port: fc.constantFrom(...NUMBERS), endPort: fc.option(fc.constantFrom(8080, 9000), { nil: undefined }), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }, { requiredKeys: ['port'] }) },
  );
  const http = fc.array(fc.record({ method: fc.constantFrom('GET', 'POST'), path: fc.constantFrom('/a', '/b(/.*)?') }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 });
  const flow: fc.Arbitrary<FlowSpec> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ from: endpoint, to: endpoint, ports: fc.array(portRef, { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ from: endpoint, to: endpoint, ports: fc.constantFrom<PortRefSpec[]>(['http'], [8080], ['http', 8080]), http }) },
  );
  const egress: fc.Arbitrary<EgressSpec> = fc.oneof(
    fc.record({ from: endpoint, cidr: fc.constantFrom('198.51.100.0/24', '203.0.113.0/24'), ports: fc.array(fc.constantFrom(443, 8443), { minLength: 1, maxLength: 2 }) }),
    fc.record({ from: endpoint, fqdn: fc.constantFrom('api.example.com', '*.example.org'), ports: fc.array(fc.constantFrom(443, 80), { minLength: 1, maxLength: 2 }) }),
    fc.record({ from: endpoint, entity: fc.constant('kube-apiserver' as const) }),
  );
  const side = fc.oneof(fc.constantFrom(...tenants.map((t) => t.name)).map((tenant) => ({ tenant })), fc.constantFrom('phi', 'public').map((v) => ({ labels: { 'data-class': v } })));
  const guardrail: fc.Arbitrary<GuardrailSpec> = fc.record({ name: fc.constantFrom('g1', 'g2'), from: side, to: side, bidirectional: fc.boolean() });
  const gateway: GatewaySpec = {
    name: 'public',
    listeners: [
      { name: 'http', protocol: 'HTTP', port: 80 },
      { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.example.com', tls: { certificate: 'public-tls' } },
    ],
  };
  const backend = fc.record({ to: fc.constantFrom(...workloadIds), port: fc.constantFrom<string | number>('http', 'http', 8080, 8080, 8080, 5432, 'grpc'), weight: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(0) }) });
  const rule = fc.record({ path: fc.constantFrom('/', '/api', '/static'), headers: fc.record({ 'x-beta': fc.constant('1') }, { requiredKeys: [] }), backends: fc.array(backend, { minLength: 1, maxLength: 3 }) });
  const route: fc.Arbitrary<RouteSpec> = fc.record({
    name: fc.constantFrom('portal', 'shop'),
    tenant: fc.constantFrom(...tenants.map((t) => t.name)),
    gateway: fc.constant('public'),
    hostnames: fc.uniqueArray(fc.constantFrom('a.example.com', 'b.example.com', 'c.example.com'), { minLength: 1, maxLength: 3 }),
    rules: fc.array(rule, { minLength: 1, maxLength: 3 }),
  });
  return fc
    .record({
      flows: fc.array(flow, { maxLength: 6 }),
      egress: fc.array(egress, { maxLength: 3 }),
      guardrails: fc.uniqueArray(guardrail, { maxLength: 2, selector: (g) => g.name }),
      routes: fc.uniqueArray(route, { maxLength: 2, selector: (r) => r.name }),
    })
    .map(({ flows, egress, guardrails, routes }) => ({
      apiVersion: 'bulkhead.dev/v1alpha1' as const,
      kind: 'Platform' as const,
      metadata: { name: 'order' },
      clusters: [
        { name: 'dev', provider: 'kind' as const },
        { name: 'prod', provider: 'eks' as const, region: 'eu-central-1', apiServer: { host: 'abc.gr7.eu-central-1.eks.amazonaws.com' } },
      ],
      tenants,
      flows,
      egress,
      guardrails,
      ...(routes.length ? { gateways: [gateway], routes } : {}),
      gitops: { repoURL: 'https://example.com/org/platform.git' },
    }));
});

/**
 * Workload kinds and their lists, drawn after everything else: the platforms above stay the ones this
 * seed always gave (the kinds never make a platform invalid), each now with kinds, volumes, files, image
 * pull secrets, API rules and health checks.
 */
const platformArb: fc.Arbitrary<PlatformSpec> = basePlatformArb.chain((p) => {
  const count = p.tenants.reduce((n, t) => n + (t.workloads?.length ?? 0), 0);
  return fc
    .record({
      extras: fc.array(extrasArb, { minLength: count, maxLength: count }),
      secrets: fc.array(fc.uniqueArray(fc.constantFrom('registry-t1', 'registry-t2'), { maxLength: 2 }), { minLength: p.tenants.length, maxLength: p.tenants.length }),
    })
    .map(({ extras, secrets }) => {
      let next = 0;
      return {
        ...p,
        tenants: p.tenants.map((t, i) => ({ ...t, ...(secrets[i].length ? { imagePullSecrets: secrets[i] } : {}), workloads: (t.workloads ?? []).map((w) => withExtras(w, extras[next++])) })),
      };
    });
});

/** A small deterministic generator, so a failing seed reproduces the same shuffle. */
function shuffler(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const list = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  const keys = <T extends object>(o: T): T => Object.fromEntries(list(Object.entries(o))) as T;
  return { list, keys };
}

function shuffle(p: PlatformSpec, seed: number): PlatformSpec {
  const { list, keys } = shuffler(seed);
  return keys({
    ...p,
    clusters: list(p.clusters),
    tenants: list(p.tenants).map((t) =>
      keys({
        ...t,
        labels: keys(t.labels ?? {}),
        ...(t.imagePullSecrets ? { imagePullSecrets: list(t.imagePullSecrets) } : {}),
        workloads: list(t.workloads ?? []).map((w) =>
          keys({
            ...w,
            ports: list(w.ports ?? []),
            ...(w.volumes ? { volumes: list(w.volumes).map(keys) } : {}),
            ...(w.files ? { files: list(w.files).map(keys) } : {}),
            ...(w.imagePullSecrets ? { imagePullSecrets: list(w.imagePullSecrets) } : {}),
            ...(w.kubeApi?.rules
              ? { kubeApi: keys({ rules: list(w.kubeApi.rules).map((r) => keys({ ...r, apiGroups: list(r.apiGroups), resources: list(r.resources), verbs: list(r.verbs) })) }) }
              : {}),
            // An exec command is an ordered list: its order is its meaning, so it is never shuffled.
            ...(w.health ? { health: keys(w.health) } : {}),
          }),
        ),
      }),
    ),
    flows: list(p.flows ?? []).map((f) => keys({ ...f, ports: list(f.ports), ...(f.http ? { http: list(f.http) } : {}) })),
    egress: list(p.egress ?? []).map((e) => keys({ ...e, ...(e.ports ? { ports: list(e.ports) } : {}) })),
    guardrails: list(p.guardrails ?? []).map((g) => keys(g)),
    ...(p.gateways ? { gateways: list(p.gateways).map((g) => keys({ ...g, listeners: list(g.listeners) })) } : {}),
    ...(p.routes
      ? { routes: list(p.routes).map((r) => keys({ ...r, hostnames: list(r.hostnames), rules: list(r.rules).map((rule) => keys({ ...rule, headers: keys(rule.headers ?? {}), backends: list(rule.backends) })) })) }
      : {}),
  });
}

type Outcome = { files: Record<string, string> } | { problems: string[] };

function compile(spec: PlatformSpec): Outcome {
  try {
    const result = compilePlatform(checkPlatform(spec), { dryRun: true });
    const files: Record<string, string> = {};
    for (const c of result.clusters) for (const [file, text] of c.texts) files[`dist/${c.cluster.cluster.name}/${file}`] = text;
    for (const [file, text] of result.delivery) files[`argocd/${file}`] = text;
    return { files };
  } catch (e) {
    if (!(e instanceof IntentError)) throw e;
    // Field indices follow the order of the lists; what is wrong must not.
    return { problems: e.diagnostics.map((d) => `${d.field.replace(/\[\d+\]/g, '[]')}: ${d.message}`).sort() };
  }
}

const runs = Number(process.env.BULKHEAD_PROPERTY_RUNS ?? 40);
const seed = Number(process.env.BULKHEAD_PROPERTY_SEED ?? 20261201);

test('shuffling every list of a platform changes nothing in the output, or in the errors', () => {
  let compiled = 0;
  const kinds = new Set<string>();
  fc.assert(
    fc.property(platformArb, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (platform, seed) => {
      const a = compile(platform);
      const b = compile(shuffle(platform, seed));
      if ('files' in a) compiled++;
      if ('files' in a) for (const t of platform.tenants) for (const w of t.workloads ?? []) kinds.add(w.kind ?? 'Deployment');
      expect(b).toEqual(a);
    }),
    { numRuns: runs, seed },
  );
  // The generator must reach the compiler's output often enough to mean something.
  console.log(`order property: ${compiled} of ${runs} platforms compiled, the rest were rejected (identically)`);
  expect(compiled).toBeGreaterThan(runs / 5);
  // ... and with workloads of several kinds among them.
  expect(kinds.size).toBeGreaterThanOrEqual(3);
}, Math.max(120_000, runs * 200));
